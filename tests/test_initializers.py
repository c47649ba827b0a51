"""Initialisers: shapes, dtypes, the series' randn·scale draw, and variances of large draws
against the formulas in the module docs."""

import numpy as np
import pytest

from scratchnn import Linear, initializers

SHAPE = (400, 300)  # 120 000 draws: sample variances within ~1 % of the truth
FAN_IN, FAN_OUT = SHAPE

# name: variance formula (uniform U(-a, a) has variance a²/3)
VARIANCES = {
    "glorot_uniform": (6 / (FAN_IN + FAN_OUT)) / 3,
    "glorot_normal": 2 / (FAN_IN + FAN_OUT),
    "he_uniform": (6 / FAN_IN) / 3,
    "he_normal": 2 / FAN_IN,
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(VARIANCES))
def test_shape_dtype_and_variance(name, dtype):
    w = initializers.get(name)(SHAPE, np.random.default_rng(0), dtype)
    assert w.shape == SHAPE and w.dtype == dtype
    assert abs(w.mean()) < 0.01 * np.sqrt(VARIANCES[name]) * 5
    assert w.var() == pytest.approx(VARIANCES[name], rel=0.03)


@pytest.mark.parametrize("name", ["glorot_uniform", "he_uniform"])
def test_uniform_bounds(name):
    limit = np.sqrt(6 / (FAN_IN + FAN_OUT)) if name == "glorot_uniform" else np.sqrt(6 / FAN_IN)
    w = initializers.get(name)(SHAPE, np.random.default_rng(1), np.float64)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit


def test_normal_scale_reproduces_randn_times_scale():
    # The series: W = randn(n_in, n_out) * 0.1 from a RandomState.
    w = initializers.normal(0.1)((64, 20), np.random.RandomState(1), np.float64)
    np.testing.assert_array_equal(w, np.random.RandomState(1).randn(64, 20) * 0.1)
    w32 = initializers.normal(0.1)((3, 2), np.random.RandomState(1), np.float32)
    assert w32.dtype == np.float32


def test_zeros_and_bias_shapes():
    assert initializers.zeros((5,), None, np.float32).dtype == np.float32
    layer = Linear(7, 4, weight_init="he_normal", rng=0, dtype=np.float32)
    assert layer.params["W"].shape == (7, 4) and layer.params["b"].shape == (4,)
    assert layer.params["W"].dtype == layer.params["b"].dtype == np.float32
    assert not layer.params["b"].any()


def test_one_dimensional_shape_uses_its_length_as_both_fans():
    w = initializers.glorot_uniform((10_000,), np.random.default_rng(2), np.float64)
    assert w.var() == pytest.approx((6 / 20_000) / 3, rel=0.05)


def test_unknown_initializer():
    with pytest.raises(ValueError, match="initialiser"):
        initializers.get("orthogonal")
    with pytest.raises(ValueError, match="initialiser"):
        Linear(2, 2, weight_init="nope")
