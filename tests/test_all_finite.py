"""The one-pass finiteness check of the public boundary
(:func:`scratchnn._validation.all_finite`) gives NumPy's answer for every shape, layout, dtype
and placement of NaN or infinity."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn._validation import all_finite, as_float_array


@settings(max_examples=60, deadline=None)
@given(
    shape=st.sampled_from(
        [(0, 3), (1, 1), (7,), (5, 4), (3, 2, 2), (200, 1), (1, 300), (6, 40), (40, 6)]
    ),
    layout=st.sampled_from(["C", "F"]),
    dtype=st.sampled_from([np.float32, np.float64]),
    bad=st.sampled_from([None, np.nan, np.inf, -np.inf]),
    seed=st.integers(0, 2**16),
)
def test_all_finite_agrees_with_isfinite(shape, layout, dtype, bad, seed):
    rng = np.random.default_rng(seed)
    a = np.asarray(rng.normal(size=shape).astype(dtype), order=layout)
    if bad is not None and a.size:
        a.reshape(-1)[rng.integers(a.size)] = bad
    assert all_finite(a) == bool(np.isfinite(a).all())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite_accepts_finite_data_whose_sum_overflows(dtype):
    big = np.finfo(dtype).max / 2
    for shape in [(4, 3), (12,), (2, 40)]:
        a = np.full(shape, big, dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # and no overflow warning
            assert all_finite(a)
            a.reshape(-1)[5] = np.nan
            assert not all_finite(a)


def test_as_float_array_names_nan_and_infinity():
    for bad in (np.nan, np.inf, -np.inf):
        x = np.ones((10, 3))
        x[4, 2] = bad
        with pytest.raises(ValueError, match="x must not contain NaN or infinity"):
            as_float_array(x, "x")
