"""The losses' ``outputs=`` and ``MSE(half=True)`` options and ``WeightDecay(per_batch=True)``:
the formulas written out, central differences, and the executor equal to the reference path.
"""

import numpy as np
import pytest

from scratchnn.executor import TrainingStep
from scratchnn.layers import Exp, Identity, Linear, Logistic, Softmax, Tanh
from scratchnn.losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy, HalfPoissonDeviance
from scratchnn.network import Sequential
from scratchnn.optimizers import GradientDescent
from scratchnn.regularization import WeightDecay

LOSSES = {
    # name: (loss class, output activation, targets, elementwise loss of y against t)
    "mse": (MSE, Identity, lambda r, s: r.normal(size=s), lambda y, t: (y - t) ** 2),
    "bce": (
        BinaryCrossEntropy,
        Logistic,
        lambda r, s: r.integers(0, 2, size=s).astype(float),
        lambda y, t: -(t * np.log(y) + (1 - t) * np.log(1 - y)),
    ),
    "cce": (
        CategoricalCrossEntropy,
        Softmax,
        lambda r, s: np.eye(s[1])[r.integers(0, s[1], size=s[0])],
        lambda y, t: -t * np.log(y),
    ),
    "poisson": (
        HalfPoissonDeviance,
        Exp,
        lambda r, s: r.poisson(2.0, size=s).astype(float),
        lambda y, t: np.where(t > 0, t * np.log(np.where(t > 0, t, 1) / y), 0) - t + y,
    ),
}


def _outputs(name, rng, shape):
    if name == "cce":
        return rng.dirichlet(np.ones(shape[1]), size=shape[0])
    if name == "mse":
        return rng.normal(size=shape)
    if name == "poisson":
        return rng.uniform(0.5, 3.0, size=shape)
    return rng.uniform(0.05, 0.95, size=shape)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("outputs", ["mean", "sum"])
@pytest.mark.parametrize("name", LOSSES)
def test_outputs_option_is_the_formula(name, outputs, weighted):
    """``outputs="mean"``: divide by N * K (sum of weights * K); ``"sum"``: by N alone."""
    cls, _, targets, elementwise = LOSSES[name]
    rng = np.random.default_rng(0)
    y, t = _outputs(name, rng, (6, 3)), targets(rng, (6, 3))
    w = rng.uniform(0.2, 2.0, size=6) if weighted else None
    weights = np.ones(6) if w is None else w
    total = float(np.sum(weights[:, None] * elementwise(y, t)))
    n = weights.sum() * (3 if outputs == "mean" else 1)
    assert cls(outputs=outputs).value(y, t, w) == pytest.approx(total / n, rel=1e-12)
    assert cls(reduction="sum", outputs=outputs).value(y, t, w) == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("outputs", ["mean", "sum"])
@pytest.mark.parametrize("half", [False, True])
def test_mse_half_is_the_formula(half, outputs):
    rng = np.random.default_rng(1)
    y, t, w = rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), rng.uniform(0.5, 2, 5)
    n = w.sum() * (2 if outputs == "mean" else 1) * (2 if half else 1)
    loss = MSE(outputs=outputs, half=half)
    assert loss.value(y, t, w) == pytest.approx(np.sum(w[:, None] * (y - t) ** 2) / n, rel=1e-12)
    np.testing.assert_allclose(loss.gradient(y, t, w), 2 * w[:, None] * (y - t) / n, rtol=1e-12)
    assert MSE(reduction="sum", half=True).value(y, t) == pytest.approx(np.sum((y - t) ** 2) / 2)


@pytest.mark.parametrize("name", LOSSES)
def test_gradient_with_outputs_sum_matches_central_differences(name):
    cls, _, targets, _ = LOSSES[name]
    loss = cls(outputs="sum", **({"half": True} if cls is MSE else {}))
    rng = np.random.default_rng(2)
    y, t, w = _outputs(name, rng, (4, 3)), targets(rng, (4, 3)), rng.uniform(0.5, 2.0, 4)
    if name == "cce":  # its probabilities live on the simplex: check through the logits
        z = rng.normal(size=(4, 3))
        grad = loss.fused_gradient(Softmax().forward(z), t, w)
        f = lambda z: loss.value_from_logits(z, t, w)  # noqa: E731
        y = z
    else:
        grad = loss.gradient(y, t, w)
        f = lambda y: loss.value(y, t, w)  # noqa: E731
    h, numeric = 1e-6, np.empty_like(y)
    for index in np.ndindex(*y.shape):
        step = np.zeros_like(y)
        step[index] = h
        numeric[index] = (f(y + step) - f(y - step)) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", LOSSES)
def test_the_executor_equals_the_reference_path(name, weighted):
    """TrainingStep's kernels (fused losses, the squared-error kernel) divide by the same
    normaliser as the reference ``Sequential.loss_and_gradients``."""
    cls, output, targets, _ = LOSSES[name]
    loss = cls(outputs="sum", **({"half": True} if cls is MSE else {}))
    rng = np.random.default_rng(3)
    net = Sequential([Linear(4, 5, rng=0), Tanh(), Linear(5, 3, rng=1), output()])
    x, t = rng.normal(size=(7, 4)), targets(rng, (7, 3))
    w = rng.uniform(0.1, 2.0, 7) if weighted else None
    reference = net.loss_and_gradients(loss, x, t, w)
    grads = [g.copy() for g in net.gradients()]
    step = TrainingStep(net, loss, GradientDescent())
    assert step.loss_and_gradients(x, t, w) == pytest.approx(reference, rel=1e-12)
    for fast, slow in zip(step.grad_views, grads):
        np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-15)


def test_configs_round_trip_and_defaults_are_unchanged():
    assert MSE().get_config() == {"reduction": "mean"}
    assert CategoricalCrossEntropy().get_config() == {"reduction": "mean"}
    config = MSE(outputs="sum", half=True).get_config()
    assert config == {"reduction": "mean", "outputs": "sum", "half": True}
    assert repr(MSE(**config)) == repr(MSE(outputs="sum", half=True))
    assert CategoricalCrossEntropy(outputs="mean").get_config()["outputs"] == "mean"
    with pytest.raises(ValueError, match="outputs must be one of"):
        MSE(outputs="max")
    with pytest.raises(TypeError, match="half must be True or False"):
        MSE(half=1)


# ---------------------------------------------------------------------------------------------
# WeightDecay(per_batch=True)
# ---------------------------------------------------------------------------------------------


def test_per_batch_weight_decay_divides_by_the_batch_weight():
    rng = np.random.default_rng(4)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    decay = WeightDecay(0.6, per_batch=True)
    assert decay.coefficient(4.0) == pytest.approx(0.15)
    terms = decay.terms([W, b], batch_weight=4.0)
    np.testing.assert_allclose(terms[0], 0.15 * W, rtol=1e-15)
    assert terms[1] is None  # biases do not decay
    assert decay.penalty([W, b], 4.0) == pytest.approx(0.5 * 0.15 * np.sum(W**2), rel=1e-14)
    grads, state = decay.update([np.zeros_like(W), np.ones(2)], None, [W, b], batch_weight=4.0)
    np.testing.assert_allclose(grads[0], 0.15 * W, rtol=1e-15)
    np.testing.assert_array_equal(grads[1], np.ones(2))
    # the penalty's gradient, by central differences
    h, numeric = 1e-6, np.empty_like(W)
    for index in np.ndindex(*W.shape):
        step = np.zeros_like(W)
        step[index] = h
        numeric[index] = (decay.penalty([W + step], 4.0) - decay.penalty([W - step], 4.0)) / (2 * h)
    np.testing.assert_allclose(terms[0], numeric, rtol=1e-6)


def test_per_batch_weight_decay_needs_the_batch_weight():
    decay = WeightDecay(0.6, per_batch=True)
    with pytest.raises(ValueError, match="needs batch_weight"):
        decay.terms([np.ones((2, 2))])
    with pytest.raises(ValueError, match="batch_weight"):
        decay.coefficient(0.0)
    assert WeightDecay(0.6).coefficient(4.0) == 0.6  # ignored without per_batch
    assert WeightDecay(0.6, per_batch=True).get_config()["per_batch"] is True
    assert "per_batch" not in WeightDecay(0.6).get_config()
