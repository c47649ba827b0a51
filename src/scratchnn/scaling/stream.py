"""Training on data larger than memory: ``partial_fit`` streamed over row chunks.

:func:`partial_fit_chunks` feeds an estimator one block of rows at a time, read from
anything that has a ``shape`` and row slicing: a Dask array, a NumPy memory map
(``np.load(path, mmap_mode="r")`` or ``np.memmap``), a Zarr (or h5py) array, or a plain
ndarray. Each chunk is materialised with ``np.asarray(X[start:stop])`` just before its
``partial_fit`` call and dropped after it, so the process holds one chunk (plus the
estimator) whatever the size of the data; a Dask array computes only the blocks of that
slice, never the whole graph. Neither Dask nor Zarr is imported here: the sources are
duck-typed.

``partial_fit`` makes one pass over the rows it is given, so ``epochs`` passes over all the
chunks are ``epochs × n_chunks`` calls. The result is exactly that of calling
``estimator.partial_fit`` by hand on the same chunks in the same order: the helper adds no
arithmetic of its own.

Rows are never shuffled across chunks (``partial_fit`` shuffles within its chunk). With
``shuffle_chunks=True`` the order of the chunks is permuted every epoch by ``rng``; for
rows sorted by label or time, shuffle the rows once on disk instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import is_classifier

from .._validation import as_rng, check_int

__all__ = ["DEFAULT_CHUNK_BYTES", "partial_fit_chunks", "row_chunks"]

#: Rows per chunk for sources without a chunking of their own (ndarray, memory map): as many
#: rows of ``X`` as fit in 32 MiB.
DEFAULT_CHUNK_BYTES = 32 * 2**20


def _n_rows(a: Any, name: str) -> int:
    shape = getattr(a, "shape", None)
    if shape is None or len(shape) == 0 or not hasattr(a, "__getitem__"):
        raise TypeError(
            f"{name} must be an array with a shape and row slicing (a NumPy array or memory "
            f"map, a Dask or Zarr array), got {type(a).__name__}"
        )
    return int(shape[0])


def _storage_rows(X: Any) -> int | tuple[int, ...] | None:
    """The source's own chunking along rows: a tuple of chunk lengths (Dask: ``chunks`` is
    a tuple of tuples), one chunk length (Zarr, h5py: a tuple of ints), or None."""
    chunks = getattr(X, "chunks", None)
    if not chunks:
        return None
    first = chunks[0]
    if isinstance(first, tuple):
        return tuple(int(c) for c in first)
    return int(first)


def row_chunks(X: Any, chunk_rows: int | None = None) -> list[tuple[int, int]]:
    """The ``(start, stop)`` row ranges :func:`partial_fit_chunks` reads, in order.

    Parameters
    ----------
    X : array_like, shape (n_samples, ...)
        Anything with ``shape`` and row slicing.
    chunk_rows : int, optional
        Rows per chunk (the last chunk holds the rest). Default: the source's own chunks
        along rows (a Dask array's ``X.chunks[0]``, a Zarr or h5py array's row chunk length),
        else as many rows as fit in ``DEFAULT_CHUNK_BYTES``.

    Returns
    -------
    list of (int, int)
        Consecutive, non-empty ranges covering ``0 .. n_samples``.

    Raises
    ------
    TypeError, ValueError
        When ``X`` has no shape or no rows, or ``chunk_rows`` is not a positive int.
    """
    n = _n_rows(X, "X")
    if n == 0:
        raise ValueError("X has 0 rows: there is nothing to stream")
    if chunk_rows is None:
        storage = _storage_rows(X)
        if isinstance(storage, tuple):
            stops = np.cumsum(storage)
            return [(int(a), int(b)) for a, b in zip((0, *stops[:-1]), stops) if b > a]
        if storage is None:
            itemsize = np.dtype(getattr(X, "dtype", np.float64)).itemsize
            row_bytes = itemsize * int(np.prod(X.shape[1:], dtype=np.int64))
            storage = max(1, DEFAULT_CHUNK_BYTES // max(1, row_bytes))
        chunk_rows = storage
    size = check_int(chunk_rows, "chunk_rows", low=1)
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def _load(a: Any, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of ``a`` as an in-memory ndarray (a Dask slice is computed)."""
    return np.asarray(a[start:stop])


def partial_fit_chunks(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    chunk_rows: int | None = None,
    classes: Any = None,
    epochs: int = 1,
    sample_weight: Any = None,
    shuffle_chunks: bool = False,
    rng: Any = None,
    on_chunk: Callable[[int, int, int], None] | None = None,
) -> Any:
    """Stream ``estimator.partial_fit`` over row chunks of ``X`` and ``y``.

    Parameters
    ----------
    estimator : estimator with ``partial_fit``
        E.g. :class:`scratchnn.estimators.MLPClassifier` / ``MLPRegressor`` with
        ``solver="adam"`` or ``"sgd"`` (or any scikit-learn incremental estimator). A fitted
        estimator continues where it stopped.
    X : array_like, shape (n_samples, n_features)
        A Dask array, a NumPy memory map, a Zarr or h5py array or an ndarray.
    y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        Labels or targets, any of the same kinds; sliced at the same rows as ``X``.
    chunk_rows : int, optional
        Rows per ``partial_fit`` call; default as in :func:`row_chunks`. A multiple of the
        source's storage chunk reads whole chunks only.
    classes : array_like, optional
        All the labels (classifiers). Required on the first call of an unfitted classifier:
        the first chunk need not hold every label. Passed to every call.
    epochs : int, default 1
        Passes over all the chunks.
    sample_weight : array_like, shape (n_samples,), optional
        Sliced with the rows and passed to ``partial_fit``.
    shuffle_chunks : bool, default False
        Permute the order of the chunks every epoch with ``rng`` (rows stay in their chunk).
    rng : None, int or numpy.random.Generator
        For ``shuffle_chunks``; an int makes the chunk order reproducible.
    on_chunk : callable, optional
        Called after every chunk as ``on_chunk(epoch, start, stop)`` (progress, logging).

    Returns
    -------
    estimator
        The same object, trained.

    Raises
    ------
    TypeError, ValueError
        Naming what is wrong: no ``partial_fit``, arrays without a shape, row counts that
        differ, ``chunk_rows`` or ``epochs`` not a positive int, ``classes`` missing for an
        unfitted classifier or given to an estimator that is not a classifier.
    """
    if not callable(getattr(estimator, "partial_fit", None)):
        raise TypeError(
            f"estimator must have a partial_fit method, {type(estimator).__name__} has none "
            "(scratchnn's MLPs have it with solver='adam' or 'sgd')"
        )
    _check_classes(estimator, classes)
    n = _n_rows(X, "X")
    for name, a in (("y", y), ("sample_weight", sample_weight)):
        if a is not None and _n_rows(a, name) != n:
            raise ValueError(f"X has {n} rows but {name} has {_n_rows(a, name)}")
    bounds = row_chunks(X, chunk_rows)
    epochs = check_int(epochs, "epochs", low=1)
    generator = as_rng(rng) if shuffle_chunks else None
    extra = {} if classes is None else {"classes": classes}
    for epoch in range(epochs):
        order = generator.permutation(len(bounds)) if generator is not None else range(len(bounds))
        for i in order:
            start, stop = bounds[i]
            if sample_weight is not None:
                extra["sample_weight"] = _load(sample_weight, start, stop)
            estimator.partial_fit(_load(X, start, stop), _load(y, start, stop), **extra)
            if on_chunk is not None:
                on_chunk(epoch, start, stop)
    return estimator


def _check_classes(estimator: Any, classes: Any) -> None:
    """``classes`` is required by an unfitted classifier and refused by other estimators."""
    if not is_classifier(estimator):
        if classes is not None:
            raise ValueError(f"classes is for classifiers; {type(estimator).__name__} is not one")
        return
    if classes is None and not hasattr(estimator, "classes_"):
        raise ValueError(
            "classes is required for an unfitted classifier: pass every label, e.g. "
            "classes=np.unique(y) (the first chunk need not hold them all)"
        )
