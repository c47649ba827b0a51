"""Mini-batches: how one epoch splits the training set."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

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
    """The ``(x, t)`` mini-batches of every epoch, for one training set.

    Fixed batches are views of ``X`` and ``T``: nothing is copied. Shuffled batches follow
    one permutation of the samples an epoch, ``order = rng.permutation(N)`` (with
    ``cumulative=True``, ``order = order[rng.permutation(N)]``: every epoch permutes the
    previous epoch's order, as scikit-learn's MLP does); batch ``k`` holds the
    samples ``order[batches[k]]``, gathered row by row (``np.take``) into two buffers that
    every batch reuses. So a shuffled epoch copies the training set once, in batch-sized
    pieces that stay in cache for the forward pass, and allocates only the permutation: no
    permuted copy of the whole set, and no fresh (page-faulting) array a batch.

    The arrays yielded for a shuffled batch are overwritten by the next batch: copy them to
    keep them.

    Parameters
    ----------
    X, T : ndarray, shape (N, n_in) and (N, n_out)
    batches : list of slice
        :func:`split_batches`.
    shuffle : bool
    rng : numpy.random.Generator or RandomState
        Draws the permutations (used only when ``shuffle``).
    cumulative : bool, default False
        Permute the previous epoch's order instead of the samples' own.
    """

    def __init__(
        self,
        X: np.ndarray,
        T: np.ndarray,
        batches: list[slice],
        shuffle: bool,
        rng: Any,
        cumulative: bool = False,
    ) -> None:
        self.X, self.T, self.batches, self.shuffle, self.rng = X, T, batches, shuffle, rng
        self.cumulative = cumulative
        self._order: np.ndarray | None = None
        self._buffers: tuple[np.ndarray, np.ndarray] | None = None

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
        if self.cumulative:
            if self._order is not None:
                order = self._order[order]
            self._order = order
        x_buffer, t_buffer = self._gather_buffers()
        for s in self.batches:
            n = s.stop - s.start
            x, t = x_buffer[:n], t_buffer[:n]
            # mode="clip" writes straight into ``out`` (the default mode buffers a copy);
            # the indices come from the permutation, so none is out of range.
            X.take(order[s], axis=0, out=x, mode="clip")
            T.take(order[s], axis=0, out=t, mode="clip")
            yield x, t

    def _gather_buffers(self) -> tuple[np.ndarray, np.ndarray]:
        if self._buffers is None:
            size = max(s.stop - s.start for s in self.batches)
            self._buffers = (
                np.empty((size, *self.X.shape[1:]), dtype=self.X.dtype),
                np.empty((size, *self.T.shape[1:]), dtype=self.T.dtype),
            )
        return self._buffers
