"""Every loss alone against central finite differences, plus stability and reductions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn import MSE, BinaryCrossEntropy, CategoricalCrossEntropy
from scratchnn.gradcheck import check_loss
from scratchnn.layers import Logistic, Softmax


def _targets(kind, rng, n, k):
    if kind == "mse":
        return rng.normal(size=(n, k))
    if kind == "bce":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    return np.eye(k)[rng.integers(0, k, size=n)]


def _outputs(kind, rng, n, k):
    if kind == "mse":
        return rng.normal(size=(n, k))
    # Probabilities away from 0: near 0, log's curvature makes the O(eps^2) error of
    # central differences exceed the tolerance although the gradient is exact.
    return rng.uniform(0.1, 0.95, size=(n, k))


LOSSES = {"mse": MSE, "bce": BinaryCrossEntropy, "cce": CategoricalCrossEntropy}


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("kind", list(LOSSES))
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(1, 4), seed=st.integers(0, 2**16))
def test_loss_gradient_matches_finite_differences(kind, reduction, n, k, seed):
    rng = np.random.default_rng(seed)
    t, y = _targets(kind, rng, n, k), _outputs(kind, rng, n, k)
    loss = LOSSES[kind](reduction)
    report = check_loss(loss, y, t)
    assert report.passed, str(report)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("kind", ["bce", "cce"])
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(2, 4), seed=st.integers(0, 2**16))
def test_fused_gradient_is_y_minus_t(kind, reduction, n, k, seed):
    rng = np.random.default_rng(seed)
    t, z = _targets(kind, rng, n, k), rng.normal(size=(n, k)) * 2
    loss = LOSSES[kind](reduction)
    assert check_loss(loss, z, t, fused=True).passed
    activation = loss.fused_activation()
    y = activation.forward(z)
    normaliser = {"bce": n * k, "cce": n}[kind] if reduction == "mean" else 1
    np.testing.assert_allclose(loss.fused_gradient(y, t), (y - t) / normaliser)


def test_mse_values_written_out():
    y = np.array([[1.0], [2.0], [4.0]])
    t = np.array([[0.0], [2.0], [2.0]])
    assert MSE().value(y, t) == pytest.approx((1 + 0 + 4) / 3)
    assert MSE("sum").value(y, t) == pytest.approx(5.0)
    np.testing.assert_allclose(MSE().gradient(y, t), 2 * (y - t) / 3)


def test_cross_entropy_values_written_out():
    y = np.array([[0.8], [0.3]])
    t = np.array([[1.0], [0.0]])
    expected = -(np.log(0.8) + np.log(0.7)) / 2
    assert BinaryCrossEntropy().value(y, t) == pytest.approx(expected)
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    T = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert CategoricalCrossEntropy("sum").value(p, T) == pytest.approx(-np.log(0.7) - np.log(0.8))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_never_takes_log_of_zero(dtype):
    y = np.array([[0.0], [1.0]], dtype=dtype)
    t = np.array([[1.0], [0.0]], dtype=dtype)
    for loss in (BinaryCrossEntropy(), BinaryCrossEntropy("sum")):
        assert np.isfinite(loss.value(y, t))
        assert np.isfinite(loss.gradient(y, t)).all()
    p = Softmax().forward(np.array([[1000.0, -1000.0]], dtype=dtype))
    T = np.array([[0.0, 1.0]], dtype=dtype)
    assert np.isfinite(CategoricalCrossEntropy().value(p, T))
    z = np.array([[1000.0], [-1000.0]], dtype=dtype)
    g = BinaryCrossEntropy().fused_gradient(Logistic().forward(z), t)
    assert g.dtype == dtype and np.isfinite(g).all()


def test_losses_reject_mismatched_shapes_and_bad_reduction():
    with pytest.raises(ValueError, match="same shape"):
        MSE().value(np.zeros((3, 1)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="reduction"):
        MSE("average")
