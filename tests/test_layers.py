"""Every layer alone against central finite differences (float64), over random shapes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn import Bias, GaussianRBF, Identity, Linear, Logistic, ReLU, Softmax, Tanh
from scratchnn.gradcheck import check_layer

shapes = st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))


def _inputs(seed, n, d, away_from_zero=False):
    x = np.random.default_rng(seed).normal(size=(n, d)) * 2
    if away_from_zero:  # ReLU's kink: keep finite differences on one side
        x = np.where(np.abs(x) < 0.05, 0.5, x)
    return x


def _layer(kind, d_in, d_out, seed):
    if kind == "linear":
        return Linear(d_in, d_out, rng=seed, bias_init=lambda s, r, dt: r.normal(size=s))
    if kind == "linear_nobias":
        return Linear(d_in, d_out, bias=False, rng=seed)
    if kind == "bias":
        layer = Bias(d_in)
        layer.params["b"][...] = np.arange(d_in) * 0.3 - 0.2
        return layer
    return {
        "identity": Identity,
        "logistic": Logistic,
        "softmax": Softmax,
        "rbf": GaussianRBF,
        "tanh": Tanh,
        "relu": ReLU,
    }[kind]()


KINDS = [
    "linear",
    "linear_nobias",
    "bias",
    "identity",
    "logistic",
    "softmax",
    "rbf",
    "tanh",
    "relu",
]


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**16))
def test_layer_gradients_match_finite_differences(kind, shape, seed):
    n, d_in, d_out = shape
    layer = _layer(kind, d_in, d_out, seed)
    x = _inputs(seed, n, d_in, away_from_zero=kind == "relu")
    report = check_layer(layer, x, rng=seed)
    assert report.passed, f"{kind}: mine vs numerical\n{report}"
    names = {c.name for c in report.checks}
    assert names == {"input", *layer.params}


def test_gradient_checker_catches_a_wrong_backward():
    class WrongTanh(Tanh):
        def backward(self, grad_y):
            return (1.0 - self._y) * grad_y  # missing square

    report = check_layer(WrongTanh(), np.array([[0.3, -1.2, 2.0]]), rng=0)
    assert not report.passed


@pytest.mark.parametrize("kind", KINDS)
def test_forward_and_backward_leave_inputs_unchanged(kind):
    layer = _layer(kind, 3, 2, 0)
    x = _inputs(1, 5, 3)
    x_before = x.copy()
    y = layer.forward(x)
    g = np.ones_like(y)
    g_before = g.copy()
    layer.backward(g)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(g, g_before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", KINDS)
def test_extreme_inputs_give_finite_outputs_without_warnings(kind, dtype):
    layer = _layer(kind, 2, 2, 0).astype(dtype)
    x = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 1000.0]], dtype=dtype)
    y = layer.forward(x)  # RuntimeWarnings are errors in this suite
    grad = layer.backward(np.ones_like(y))
    assert np.isfinite(y).all() and np.isfinite(grad).all()
    assert y.dtype == dtype and grad.dtype == dtype


def test_logistic_and_softmax_limits():
    y = Logistic().forward(np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_array_equal(y, [[0.0, 0.5, 1.0]])
    s = Softmax().forward(np.array([[1000.0, 1000.0, -1000.0]]))
    np.testing.assert_allclose(s, [[0.5, 0.5, 0.0]])


def test_scalar_linear_matches_matrix_product():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(7, 1))
    layer = Linear(1, 1, bias=False, rng=1)
    w = layer.params["W"][0, 0]
    np.testing.assert_allclose(layer.forward(x), x * w)
    g = rng.normal(size=(7, 1))
    np.testing.assert_allclose(layer.backward(g), g * w)
    np.testing.assert_allclose(layer.grads["W"], x.T @ g)


def test_linear_rejects_bad_sizes():
    with pytest.raises(ValueError, match="n_in"):
        Linear(0, 3)
    with pytest.raises(TypeError, match="n_out"):
        Linear(2, 1.5)
