"""Inverted dropout: scaling, training/evaluation mode, the backward mask, explicit rng."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn import MSE, Dropout, GradientDescent, Linear, Sequential, train
from scratchnn.layers import LAYER_TYPES


@settings(max_examples=40, deadline=None)
@given(
    rate=st.floats(0.0, 0.95),
    rows=st.integers(1, 20),
    cols=st.integers(1, 20),
    seed=st.integers(0, 2**32 - 1),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_every_output_is_zero_or_the_input_scaled(rate, rows, cols, seed, dtype):
    x = np.random.default_rng(seed).uniform(0.5, 2.0, size=(rows, cols)).astype(dtype)
    x_before = x.copy()
    layer = Dropout(rate, rng=seed)
    y = layer.forward(x)
    assert y.dtype == dtype and y.shape == x.shape
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-6)
    np.testing.assert_array_equal(x, x_before)  # input untouched
    # backward: the same mask and scale
    g = np.ones_like(x)
    grad = layer.backward(g)
    assert grad.dtype == dtype
    np.testing.assert_array_equal(grad != 0, kept)
    np.testing.assert_allclose(grad[kept], 1 / (1 - rate), rtol=1e-6)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_keep_fraction_and_expected_value(rate):
    x = np.ones((400, 500))
    y = Dropout(rate, rng=0).forward(x)
    n = x.size
    keep = np.mean(y != 0)
    # Binomial(n, 1 − p): standard deviation sqrt(p(1−p)/n); allow 5 of them.
    assert abs(keep - (1 - rate)) < 5 * np.sqrt(rate * (1 - rate) / n)
    assert abs(y.mean() - 1.0) < 5 * np.sqrt(rate / (1 - rate) / n)


def test_evaluation_mode_is_the_identity():
    x = np.random.default_rng(0).normal(size=(5, 4))
    layer = Dropout(0.5, rng=0)
    layer.training = False
    assert layer.forward(x) is x
    assert layer.mask is None
    assert layer.backward(x) is x
    net = Sequential([Linear(4, 3, rng=1), Dropout(0.5, rng=2)])
    np.testing.assert_array_equal(net.predict(x), net.predict(x))
    np.testing.assert_array_equal(net.predict(x), x @ net[0].params["W"] + net[0].params["b"])
    assert net[1].training  # predict restores the training mode


def test_rate_zero_is_the_identity_in_training():
    x = np.arange(6.0).reshape(2, 3)
    assert Dropout(0.0).forward(x) is x


def test_masks_come_from_the_explicit_rng():
    x = np.ones((10, 10))
    a = Dropout(0.3, rng=np.random.default_rng(7)).forward(x)
    b = Dropout(0.3, rng=np.random.default_rng(7)).forward(x)
    np.testing.assert_array_equal(a, b)
    legacy = Dropout(0.3, rng=np.random.RandomState(7)).forward(x)
    assert legacy.shape == x.shape


def test_training_with_dropout_evaluates_losses_without_it():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    T = X @ np.array([[1.0], [-1.0], [0.5]])
    net = Sequential([Linear(3, 8, rng=1), Dropout(0.5, rng=2), Linear(8, 1, rng=3)])
    assert net.stochastic
    history = train(net, MSE(), GradientDescent(0.05), X, T, epochs=3)
    # the recorded training loss is the evaluation-mode loss of the final network
    assert history.train_loss[-1] == pytest.approx(MSE().value(net.predict(X), T), rel=1e-12)


def test_config_registry_and_errors():
    assert LAYER_TYPES["Dropout"] is Dropout
    assert Dropout(0.25).get_config() == {"rate": 0.25}
    assert Dropout.stochastic is True
    with pytest.raises(ValueError, match="rate"):
        Dropout(1.0)
    with pytest.raises(ValueError, match="rate"):
        Dropout(-0.1)
    with pytest.raises(TypeError, match="rate"):
        Dropout("half")
    with pytest.raises(TypeError, match="rng"):
        Dropout(0.5, rng="seed")
