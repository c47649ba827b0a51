"""SciPy sparse input: recognising it and checking it at the public boundary.

Only the network input may be sparse, and only in SciPy's compressed formats: CSR (rows
stored together, so a mini-batch ``X[rows]`` is cheap) and CSC (converted to CSR once where
batches are drawn). The first layer, a :class:`~scratchnn.layers.Linear`, multiplies the
sparse ``X`` by its dense weights; everything after it is dense. Nothing here densifies ``X``.

SciPy is never imported by this module: a sparse matrix exists only once ``scipy.sparse``
has been imported by whoever made it, so :func:`is_sparse` asks that module if it is loaded.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._validation import all_finite

__all__ = ["is_sparse", "as_sparse_input", "USABLE_FORMATS"]

#: Sparse formats the engine multiplies directly.
USABLE_FORMATS = ("csr", "csc")


def is_sparse(value: Any) -> bool:
    """Whether ``value`` is a SciPy sparse matrix or array (any format)."""
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(value)


def as_sparse_input(
    value: Any,
    name: str,
    *,
    dtype: Any = None,
    rows: bool = False,
    check_finite: bool = True,
) -> Any:
    """Return the sparse matrix ``value`` checked, in a float dtype, as CSR or CSC.

    Parameters
    ----------
    value : scipy.sparse matrix or array
        CSR or CSC, 2-D. It is never modified: a new matrix is made only when the dtype or
        the format changes (then the stored values are cast once, not the dense shape).
    name : str
        The argument name used in error messages.
    dtype : numpy dtype, optional
        Target float dtype; by default float32 and float64 are kept and every other numeric
        dtype becomes float64.
    rows : bool, default False
        Return CSR (CSC is converted, once): row batches ``X[idx]`` are then cheap.
    check_finite : bool, default True
        Reject NaN and infinity among the stored values.

    Raises
    ------
    TypeError
        If the values are not real numbers.
    ValueError
        If the format is not CSR or CSC, the matrix is empty, or it holds NaN or infinity.
    """
    fmt = value.format
    if fmt not in USABLE_FORMATS:
        raise ValueError(
            f"{name} is a sparse matrix in {fmt.upper()} format; only CSR and CSC can be used "
            f"(convert it with {name}.tocsr())"
        )
    if value.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got a sparse matrix of {value.dtype}")
    if value.shape[0] == 0 or value.shape[1] == 0:
        raise ValueError(f"{name} must not be empty, got shape {value.shape}")
    if dtype is None:
        dtype = value.dtype if value.dtype in (np.float32, np.float64) else np.float64
    value = value.astype(dtype, copy=False)  # the stored values only
    if rows and fmt == "csc":
        value = value.tocsr()
    if check_finite and not all_finite(value.data):
        raise ValueError(f"{name} must not contain NaN or infinity")
    return value
