"""The arrays of a training run, checked once before it starts.

:func:`training_data` turns ``train``'s ``X``, ``T``, validation data or fraction and sample
weights into a :class:`TrainingData`: finite float arrays in one dtype (or a sparse ``X`` as
CSR), shapes that fit the network and the loss's targets, the validation split drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._sparse import is_sparse
from .._validation import as_float_array, as_rng, check_real, check_same_length
from ..losses import Loss
from ..network import Sequential

__all__ = ["TrainingData", "training_data", "check_sample_weight"]


@dataclass
class TrainingData:
    """The arrays of a training run: training set, optional validation set, and their
    sample weights (None: unweighted)."""

    X: np.ndarray
    T: np.ndarray
    X_val: np.ndarray | None = None
    T_val: np.ndarray | None = None
    W: np.ndarray | None = None
    W_val: np.ndarray | None = None


def training_data(
    network: Sequential,
    loss: Loss,
    X: Any,
    T: Any,
    validation_data: Any,
    validation_fraction: Any,
    shuffle: bool,
    rng: Any,
    sample_weight: Any = None,
) -> tuple[TrainingData, Any]:
    """Checked arrays (validation split drawn from ``rng``) and the rng the loop uses."""
    X = _as_input(network, X, "X")
    T = as_float_array(T, "T", ndim=2, dtype=X.dtype)
    check_same_length(X, T, "X", "T")
    W = None if sample_weight is None else check_sample_weight(sample_weight, X.shape[0], X.dtype)
    network.check_features(X, "X")
    n_out = network.output_shapes(X.shape[1])[-1][-1]
    if T.shape[1] != n_out:
        raise ValueError(
            f"T must have {n_out} columns (the network's outputs), got shape {T.shape}"
        )
    if validation_data is not None and validation_fraction is not None:
        raise ValueError("pass validation_data or validation_fraction, not both")
    loss.check_targets(T, "T")
    data = TrainingData(X, T, W=W)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(
                f"validation_data must be a pair (X_val, T_val), got {type(validation_data)}"
            )
        data.X_val = _as_input(network, validation_data[0], "X_val", X.dtype)
        data.T_val = as_float_array(validation_data[1], "T_val", ndim=2, dtype=X.dtype)
        check_same_length(data.X_val, data.T_val, "X_val", "T_val")
        network.check_features(data.X_val, "X_val")
        if data.T_val.shape[1] != n_out:
            raise ValueError(f"T_val must have {n_out} columns, got shape {data.T_val.shape}")
        loss.check_targets(data.T_val, "T_val")
    if validation_fraction is not None:
        validation_fraction = check_real(validation_fraction, "validation_fraction", "(0, 1)")
    rng = as_rng(rng) if (shuffle or validation_fraction is not None) else None
    if validation_fraction is not None:
        n_val = math.ceil(validation_fraction * X.shape[0])
        if X.shape[0] - n_val < 1:
            raise ValueError(
                f"validation_fraction={validation_fraction} of {X.shape[0]} samples leaves "
                "no training samples"
            )
        order = rng.permutation(X.shape[0])
        val_idx, train_idx = order[:n_val], np.sort(order[n_val:])
        data = TrainingData(X[train_idx], T[train_idx], X[val_idx], T[val_idx])
        if W is not None:
            data.W, data.W_val = W[train_idx], W[val_idx]
            if not np.any(data.W):
                raise ValueError("sample_weight: every training sample has weight 0")
    return data, rng


def _as_input(network: Sequential, X: Any, name: str, dtype: Any = None) -> Any:
    """``X`` checked: a finite float array, 2-D, or a SciPy sparse matrix as CSR (a CSC
    matrix is converted once, here: batches are rows), its stored values cast once."""
    if not is_sparse(X):
        return as_float_array(X, name, ndim=2, dtype=dtype)
    return network.check_sparse(X, name, dtype=dtype, rows=True)


def check_sample_weight(sample_weight: Any, n_samples: int, dtype: Any) -> np.ndarray:
    """``sample_weight`` as an array of shape ``(n_samples,)`` in ``dtype``.

    Raises
    ------
    ValueError
        Unless it is one finite, non-negative weight per sample, not all zero.
    """
    w = as_float_array(sample_weight, "sample_weight", ndim=1, dtype=dtype)
    if w.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},) (one weight per sample), got {w.shape}"
        )
    if np.any(w < 0):
        i = int(np.flatnonzero(w < 0)[0])
        raise ValueError(f"sample_weight must be non-negative, got {float(w[i])!r} at index {i}")
    if not np.any(w):
        raise ValueError("sample_weight must not be all zero")
    return w
