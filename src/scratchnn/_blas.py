"""Sums computed as products with a vector of ones, so that they run in BLAS.

NumPy reduces along the rows of a C-ordered matrix with a strided loop on one thread; the
same sums written as :math:`1^\\top G` or :math:`G 1` are matrix-vector products, which BLAS
runs with vector instructions on every core it uses. The results are the same sums (in
another order of addition, so equal to rounding).
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["column_sums", "all_finite"]

#: Vectors of ones longer than this are made for each call instead of being cached.
_MAX_CACHED = 1 << 16


@functools.lru_cache(maxsize=16)
def _cached_ones(n: int, dtype_char: str) -> np.ndarray:
    ones = np.ones(n, dtype=dtype_char)
    ones.flags.writeable = False
    return ones


def _ones(n: int, dtype_char: str) -> np.ndarray:
    return _cached_ones(n, dtype_char) if n <= _MAX_CACHED else np.ones(n, dtype=dtype_char)


def _blas_ready(a: np.ndarray) -> bool:
    return a.ndim == 2 and a.dtype.char in "fd"


def column_sums(g: np.ndarray, out: np.ndarray) -> np.ndarray:
    """:math:`\\sum_i G_{i\\cdot}` of ``g`` (shape ``(N, k)``) into ``out`` (shape ``(k,)``).

    The sum ``g.sum(axis=0)`` written as :math:`1^\\top G`: for the bias gradients of a
    mini-batch about twice as fast.
    """
    if not _blas_ready(g):
        return np.add.reduce(g.reshape(-1, g.shape[-1]), axis=0, out=out)
    return np.dot(_ones(g.shape[0], g.dtype.char), g, out=out)


def all_finite(a: np.ndarray) -> bool:
    """Whether every element of the floating-point array ``a`` is finite (no NaN, no ±inf).

    One pass over the data: a NaN or an infinity anywhere makes a sum over all elements NaN
    or infinite, so a finite sum proves every element finite. Only a sum that is not finite
    (bad data, or finite data whose sum overflows) is followed by the element-by-element
    check. The sum is :math:`1^\\top A 1` for a wide C-ordered matrix (a matrix-vector
    product), :math:`\\sum_i a_i^2` (one BLAS dot) for other contiguous arrays, and NumPy's
    sum otherwise.
    """
    if a.size == 0:
        return True
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is handled below
        if _blas_ready(a) and a.flags.c_contiguous and a.shape[1] >= 32:
            total = np.dot(a, _ones(a.shape[1], a.dtype.char)).sum()
        elif a.dtype.char in "fd" and a.flags.c_contiguous:
            flat = a.reshape(-1)
            total = np.dot(flat, flat)
        else:
            total = np.add.reduce(a, axis=None)
    if np.isfinite(total):
        return True
    return bool(np.isfinite(a).all())
