"""BLAS-backed sums: column sums of bias gradients give NumPy's answers for every shape and
dtype."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn._blas import column_sums


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(0, 70),
    cols=st.integers(1, 9),
    dtype=st.sampled_from([np.float32, np.float64]),
    seed=st.integers(0, 2**16),
)
def test_column_sums_equal_numpy_sums(rows, cols, dtype, seed):
    g = np.random.default_rng(seed).normal(size=(rows, cols)).astype(dtype)
    out = np.empty(cols, dtype=dtype)
    column_sums(g, out=out)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, g.sum(axis=0, dtype=np.float64), rtol=rtol, atol=rtol * rows)


def test_column_sums_of_many_rows_and_of_non_contiguous_arrays():
    g = np.random.default_rng(0).normal(size=(70_000, 3))
    out = np.empty(3)
    np.testing.assert_allclose(column_sums(g, out=out), g.sum(axis=0), rtol=1e-10)
    f = np.asfortranarray(g[:100])
    np.testing.assert_allclose(column_sums(f, out=out), f.sum(axis=0), rtol=1e-12)
