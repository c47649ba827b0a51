"""Mini-batches: how one epoch splits the training set."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from .._sparse import is_sparse

__all__ = ["BATCH_SPLITS", "split_batches", "EpochBatches"]


#: How :func:`split_batches` cuts a training set.
BATCH_SPLITS = ("even", "fill")


def split_batches(n_samples: int, batch_size: int | None, split: str = "even") -> list[slice]:
    """Consecutive slices; one slice when ``batch_size`` is None.

    ``split="even"``: ``max(1, n_samples // batch_size)`` batches, sizes differing by at most
    one (``np.array_split``'s rule). The series' Part 5: 1078 samples, ``batch_size=25`` →
    43 batches, 3 of 26 and 40 of 25.

    ``split="fill"``: full batches of ``batch_size`` and a smaller last one with the rest
    (scikit-learn's ``gen_batches``, PyTorch's ``DataLoader``): 1078 samples → 43 of 25
    and one of 3.
    """
    if batch_size is None or batch_size >= n_samples:
        return [slice(0, n_samples)]
    if split == "fill":
        return [slice(i, min(i + batch_size, n_samples)) for i in range(0, n_samples, batch_size)]
    n_batches = max(1, n_samples // batch_size)
    size, extra = divmod(n_samples, n_batches)
    slices, start = [], 0
    for i in range(n_batches):
        stop = start + size + (1 if i < extra else 0)
        slices.append(slice(start, stop))
        start = stop
    return slices


class EpochBatches:
    """The ``(x, t)`` mini-batches of every epoch, for one training set; ``(x, t, w)`` with
    sample weights ``W``.

    Fixed batches are views of ``X`` and ``T``: nothing is copied. Shuffled batches follow
    one permutation of the samples an epoch, ``order = rng.permutation(N)``; batch ``k`` holds the
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
    W : ndarray, shape (N,), optional
        Sample weights: every batch then carries its samples' weights, ``(x, t, w)``.
    """

    def __init__(
        self,
        X: np.ndarray,
        T: np.ndarray,
        batches: list[slice],
        shuffle: bool,
        rng: Any,
        W: np.ndarray | None = None,
    ) -> None:
        self.X, self.T, self.batches, self.shuffle, self.rng = X, T, batches, shuffle, rng
        self.W = W
        self._buffers: tuple[np.ndarray | None, ...] | None = None

    def epoch(self) -> Iterator[tuple[np.ndarray, ...]]:
        """The batches of the next epoch (drawing its permutation when shuffling):
        ``(x, t)``, or ``(x, t, w)`` with sample weights."""
        arrays = (self.X, self.T) if self.W is None else (self.X, self.T, self.W)
        if not self.shuffle:
            if len(self.batches) == 1:  # the whole set: the arrays themselves, every epoch
                yield arrays
                return
            for s in self.batches:
                yield tuple(a[s] for a in arrays)
            return
        order = self.rng.permutation(self.X.shape[0])
        buffers = self._gather_buffers(arrays)
        for s in self.batches:
            rows = order[s]
            yield tuple(_gather(a, rows, out) for a, out in zip(arrays, buffers))

    def _gather_buffers(self, arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray | None, ...]:
        """The reused batch buffers of each array (None for a sparse ``X``: no dense buffer)."""
        if self._buffers is None:
            size = max(s.stop - s.start for s in self.batches)
            self._buffers = tuple(
                None if is_sparse(a) else np.empty((size, *a.shape[1:]), dtype=a.dtype)
                for a in arrays
            )
        return self._buffers


def _gather(a: Any, rows: np.ndarray, buffer: np.ndarray | None) -> Any:
    """``a[rows]``: into the front of ``buffer`` when there is one, else a new (sparse) array."""
    if buffer is None:
        return a[rows]  # sparse X: the batch's rows, a new CSR matrix
    # mode="clip" writes straight into ``out`` (the default mode buffers a copy); the rows
    # come from the permutation, so none is out of range.
    return a.take(rows, axis=0, out=buffer[: len(rows)], mode="clip")
