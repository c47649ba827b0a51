"""Mini-batches: how one epoch splits the training set."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from .._sparse import is_sparse

__all__ = ["split_batches", "EpochBatches"]


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


class EpochBatches:
    """The ``(x, t)`` mini-batches of every epoch, for one training set.

    Fixed batches are views of ``X`` and ``T``: nothing is copied. Shuffled batches follow
    one permutation of the samples an epoch, ``rng.permutation(N)``; batch ``k`` holds the
    samples ``order[batches[k]]``, gathered row by row (``np.take``) into two buffers that
    every batch reuses. So a shuffled epoch copies the training set once, in batch-sized
    pieces that stay in cache for the forward pass, and allocates only the permutation: no
    permuted copy of the whole set, and no fresh (page-faulting) array a batch.

    The arrays yielded for a shuffled batch are overwritten by the next batch: copy them to
    keep them.

    A SciPy sparse ``X`` must be CSR (``train`` converts CSC once per call): its batches are
    CSR matrices of the batch's rows, ``X[order[batch]]`` (fixed batches ``X[batch]``), each a
    new small sparse matrix; ``X`` is never densified. ``T`` is gathered as above.

    Parameters
    ----------
    X, T : ndarray (X: or SciPy CSR matrix), shape (N, n_in) and (N, n_out)
    batches : list of slice
        :func:`split_batches`.
    shuffle : bool
    rng : numpy.random.Generator or RandomState
        Draws the permutations (used only when ``shuffle``).
    """

    def __init__(
        self, X: np.ndarray, T: np.ndarray, batches: list[slice], shuffle: bool, rng: Any
    ) -> None:
        self.X, self.T, self.batches, self.shuffle, self.rng = X, T, batches, shuffle, rng
        self._buffers: tuple[np.ndarray | None, np.ndarray] | None = None

    def epoch(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The batches of the next epoch (drawing its permutation when shuffling)."""
        X, T = self.X, self.T
        if not self.shuffle:
            if len(self.batches) == 1:  # the whole set: the arrays themselves, every epoch
                yield X, T
                return
            for s in self.batches:
                yield X[s], T[s]
            return
        order = self.rng.permutation(X.shape[0])
        x_buffer, t_buffer = self._gather_buffers()
        for s in self.batches:
            n = s.stop - s.start
            t = t_buffer[:n]
            # mode="clip" writes straight into ``out`` (the default mode buffers a copy);
            # the indices come from the permutation, so none is out of range.
            if x_buffer is None:
                x = X[order[s]]  # sparse X: the batch's rows, a new CSR matrix
            else:
                x = x_buffer[:n]
                X.take(order[s], axis=0, out=x, mode="clip")
            T.take(order[s], axis=0, out=t, mode="clip")
            yield x, t

    def _gather_buffers(self) -> tuple[np.ndarray | None, np.ndarray]:
        """The reused batch buffers of ``X`` (None for a sparse ``X``: no dense buffer) and
        ``T``."""
        if self._buffers is None:
            size = max(s.stop - s.start for s in self.batches)
            x_buffer = (
                None
                if is_sparse(self.X)
                else np.empty((size, *self.X.shape[1:]), dtype=self.X.dtype)
            )
            t_buffer = np.empty((size, *self.T.shape[1:]), dtype=self.T.dtype)
            self._buffers = (x_buffer, t_buffer)
        return self._buffers
