"""Mini-batches of an epoch: fixed views, or one permutation gathered into reused buffers."""

from __future__ import annotations

import numpy as np
import pytest

from scratchnn.training.batches import EpochBatches, split_batches


def _data(n=23, n_in=3, n_out=2, dtype=np.float64):
    X = np.arange(n * n_in, dtype=dtype).reshape(n, n_in)
    T = -np.arange(n * n_out, dtype=dtype).reshape(n, n_out)
    return X, T


@pytest.mark.parametrize("batch_size", [1, 4, 5, 23, None])
def test_shuffled_batches_are_the_permuted_rows_in_order(batch_size):
    X, T = _data()
    batches = split_batches(X.shape[0], batch_size)
    source = EpochBatches(X, T, batches, True, np.random.default_rng(7))
    expected_rng = np.random.default_rng(7)
    for _ in range(3):  # three epochs, a new permutation each
        order = expected_rng.permutation(X.shape[0])
        seen = []
        for (x, t), s in zip(source.epoch(), batches):
            np.testing.assert_array_equal(x, X[order[s]])
            np.testing.assert_array_equal(t, T[order[s]])
            seen.extend(x[:, 0].tolist())
        assert sorted(seen) == sorted(X[:, 0].tolist())  # every sample once an epoch


def test_shuffled_batches_reuse_two_buffers_and_leave_the_data_alone():
    X, T = _data(dtype=np.float32)
    X_before, T_before = X.copy(), T.copy()
    source = EpochBatches(X, T, split_batches(23, 5), True, np.random.default_rng(0))
    bases = set()
    for _ in range(2):
        for x, t in source.epoch():
            assert x.dtype == np.float32 and x.flags.c_contiguous and t.flags.c_contiguous
            bases.add((id(x.base), id(t.base)))
    assert len(bases) == 1
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(T, T_before)


def test_fixed_batches_are_views_in_the_same_order_every_epoch():
    X, T = _data()
    batches = split_batches(23, 5)
    source = EpochBatches(X, T, batches, False, None)
    for _ in range(2):
        for (x, t), s in zip(source.epoch(), batches):
            assert np.shares_memory(x, X) and np.shares_memory(t, T)
            np.testing.assert_array_equal(x, X[s])
    whole = EpochBatches(X, T, split_batches(23, None), False, None)
    ((x, t),) = list(whole.epoch())
    assert x is X and t is T
