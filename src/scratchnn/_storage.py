"""Contiguous storage for lists of arrays: many parameters as views into one flat array.

A network's parameters are a few arrays per layer. Elementwise updates over all of them
(an optimiser step, a gradient scaling) cost one NumPy call per array and per operation;
when the arrays are consecutive views into one flat array, the same update is one call per
operation on the flat array, and the result is identical element by element.

:func:`pack` lays arrays out that way; :func:`flat_span` recognises such a layout (it never
assumes one: a list that is not exactly one flat array, in order and without gaps, gives
None and callers fall back to array-by-array work).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["flat_span", "pack", "packed_copies", "zeros_like_packed"]


def _address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def flat_span(arrays: Sequence[np.ndarray]) -> np.ndarray | None:
    """The 1-D array of which ``arrays`` are consecutive, gap-free views, or None.

    Parameters
    ----------
    arrays : sequence of ndarray
        Arrays of any shapes.

    Returns
    -------
    ndarray of shape (sum of sizes,) or None
        The owning array when ``arrays[0]`` starts at its first element, each array is
        C-contiguous with its dtype and starts where the previous one ends, and together they
        cover it exactly; None otherwise (including an empty list).
    """
    if not arrays:
        return None
    base = arrays[0].base
    if (
        not isinstance(base, np.ndarray)
        or base.ndim != 1
        or not base.flags.c_contiguous
        or not base.flags.writeable
    ):
        return None
    position, itemsize = _address(base), base.itemsize
    for a in arrays:
        if (
            a.base is not base
            or a.dtype != base.dtype
            or not a.flags.c_contiguous
            or _address(a) != position
        ):
            return None
        position += a.size * itemsize
    if position != _address(base) + base.size * itemsize:
        return None
    return base


def _views(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    views, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape, dtype=np.int64))
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return views


def pack(arrays: Sequence[np.ndarray]) -> list[np.ndarray] | None:
    """Copies of ``arrays`` that are consecutive views into one new flat array.

    Returns None (nothing to gain, or not possible) when ``arrays`` is empty or holds more
    than one dtype. Otherwise ``flat_span`` of the result is the new flat array.
    """
    if not arrays or any(a.dtype != arrays[0].dtype for a in arrays):
        return None
    flat = np.empty(sum(a.size for a in arrays), dtype=arrays[0].dtype)
    views = _views(flat, [a.shape for a in arrays])
    for view, a in zip(views, arrays):
        view[...] = a
    return views


def zeros_like_packed(arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Zero arrays shaped and typed like ``arrays``: views into one flat array when they
    share a dtype (see :func:`pack`), separate arrays otherwise."""
    if arrays and all(a.dtype == arrays[0].dtype for a in arrays):
        flat = np.zeros(sum(a.size for a in arrays), dtype=arrays[0].dtype)
        return _views(flat, [a.shape for a in arrays])
    return [np.zeros_like(a) for a in arrays]


def packed_copies(arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Copies of ``arrays``: packed (see :func:`pack`) when they share a dtype, separate
    arrays otherwise."""
    arrays = [np.asarray(a) for a in arrays]
    packed = pack(arrays)
    return packed if packed is not None else [np.array(a) for a in arrays]
