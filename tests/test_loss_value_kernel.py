"""The executor's categorical cross-entropy value, read from the softmax forward pass's
shifted logits and row sums (``executor.loss_kernels.log_softmax_value``), equals the loss's
own ``value_from_logits`` at every magnitude, in training steps and in ``evaluate``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnn as nn
from scratchnn.executor import TrainingStep

#: Relative tolerance of the two sums (the same terms, added in another order).
RTOL = {np.float32: 1e-5, np.float64: 1e-12}


def _problem(seed: int, n: int, classes: int, exponent: int, dtype, one_hot: bool):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((n, 3)) * 10.0**exponent).astype(dtype)
    if one_hot:
        t = np.eye(classes, dtype=dtype)[rng.integers(0, classes, n)]
    else:
        t = rng.dirichlet(np.ones(classes), n).astype(dtype)
    net = nn.Sequential([nn.Linear(3, classes, dtype=dtype, rng=rng), nn.Softmax()])
    return net, x, t


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    classes=st.integers(2, 12),
    exponent=st.integers(-30, 30),
    dtype=st.sampled_from([np.float32, np.float64]),
    one_hot=st.booleans(),
    reduction=st.sampled_from(["mean", "sum"]),
)
def test_the_value_is_the_losss_own(seed, n, classes, exponent, dtype, one_hot, reduction):
    net, x, t = _problem(seed, n, classes, exponent, dtype, one_hot)
    loss = nn.CategoricalCrossEntropy(reduction=reduction)
    with np.errstate(all="ignore"):
        expected = loss.value_from_logits(net.layers[0].forward(x), t)
        step = TrainingStep(net, loss, nn.GradientDescent(0.1))
        trained = step.loss_and_gradients(x, t)
        evaluated, _ = step.evaluate(x, t)
    for got in (trained, evaluated):
        if not np.isfinite(expected):
            assert not np.isfinite(got)
            continue
        assert got == pytest.approx(expected, rel=RTOL[dtype], abs=1e-30)


def test_weights_and_other_losses_keep_the_reference_value():
    net, x, t = _problem(0, 8, 4, 0, np.float64, True)
    loss = nn.CategoricalCrossEntropy()
    w = np.linspace(0.5, 2.0, 8)
    step = TrainingStep(net, loss, nn.GradientDescent(0.1))
    z = net.layers[0].forward(x)
    assert step.loss_and_gradients(x, t, w) == loss.value_from_logits(z, t, w)
    assert step.evaluate(x, t, w)[0] == loss.value_from_logits(z, t, w)
    logits = nn.CategoricalCrossEntropy(from_logits=True)
    head = nn.Sequential([net.layers[0]])
    step = TrainingStep(head, logits, nn.GradientDescent(0.1))
    assert step.loss_and_gradients(x, t) == logits.value_from_logits(z, t)


def test_a_wrong_target_shape_is_still_refused_by_evaluate():
    net, x, t = _problem(1, 5, 3, 0, np.float64, True)
    step = TrainingStep(net, nn.CategoricalCrossEntropy(), nn.GradientDescent(0.1))
    with pytest.raises(ValueError):
        step.evaluate(x, t[:, :2])
