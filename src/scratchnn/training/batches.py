"""Mini-batches: how one epoch splits the training set."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

__all__ = ["split_batches", "epoch_batches"]


def split_batches(n_samples: int, batch_size: int | None) -> list[slice]:
    """Consecutive slices: ``max(1, n_samples // batch_size)`` batches, sizes differing by
    at most one (``np.array_split``'s rule); one slice when ``batch_size`` is None.

    The series' Part 5: 1078 samples, ``batch_size=25`` → 43 batches, 3 of 26 and 40 of 25.
    """
    if batch_size is None or batch_size >= n_samples:
        return [slice(0, n_samples)]
    n_batches = max(1, n_samples // batch_size)
    size, extra = divmod(n_samples, n_batches)
    slices, start = [], 0
    for i in range(n_batches):
        stop = start + size + (1 if i < extra else 0)
        slices.append(slice(start, stop))
        start = stop
    return slices


def epoch_batches(
    X: np.ndarray, T: np.ndarray, batches: list[slice], shuffle: bool, rng: Any
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The ``(x, t)`` batches of one epoch: the samples permuted by ``rng`` first when
    ``shuffle``, else the same fixed batches every epoch."""
    if shuffle:
        order = rng.permutation(X.shape[0])
        X, T = X[order], T[order]
    if len(batches) == 1:  # the whole set: the arrays themselves, the same objects each epoch
        yield X, T
        return
    for s in batches:
        yield X[s], T[s]
