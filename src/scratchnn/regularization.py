"""Gradient-side regularisation used by the training loop: L2 weight decay and clipping.

Both act on the lists of parameter and gradient arrays the optimisers use, in place, between
backpropagation and the optimiser step (see :func:`scratchnn.training.train`'s
``weight_decay`` and ``clip_norm``). Weight decay is applied first, then clipping, so the
clipped gradient is the one the optimiser sees.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

__all__ = ["decay_mask", "add_weight_decay", "global_norm", "clip_by_global_norm"]


def decay_mask(params: Sequence[np.ndarray], decay_biases: bool = False) -> list[bool]:
    """Which parameters weight decay applies to.

    By default only weight matrices — arrays with two or more dimensions — decay; biases
    (1-D arrays such as ``Linear``'s ``b`` and ``Bias``'s ``b``) do not. With
    ``decay_biases=True`` every parameter does.
    """
    return [bool(decay_biases) or p.ndim >= 2 for p in params]


def add_weight_decay(
    params: Sequence[np.ndarray],
    grads: Sequence[np.ndarray],
    weight_decay: float,
    mask: Sequence[bool] | None = None,
) -> None:
    """Add the gradient of the L2 penalty to ``grads`` in place.

    The penalty :math:`\\frac{\\lambda}{2}\\sum_{\\theta \\in \\text{mask}} \\lVert\\theta\\rVert^2`
    has gradient :math:`\\lambda\\theta`, so for every masked pair

    .. math:: g \\leftarrow g + \\lambda\\theta

    Parameters
    ----------
    params, grads : sequence of ndarray
        Same order and shapes.
    weight_decay : float
        :math:`\\lambda \\ge 0`.
    mask : sequence of bool, optional
        Which parameters decay; default :func:`decay_mask` (weight matrices only).

    Notes
    -----
    scikit-learn's ``alpha`` penalises :math:`\\frac{\\alpha}{2 n}\\lVert W\\rVert^2` for a
    batch of ``n`` samples with a mean loss, i.e. :math:`\\lambda = \\alpha / n`.
    """
    if not weight_decay:
        return
    if mask is None:
        mask = decay_mask(params)
    for p, g, decays in zip(params, grads, mask):
        if decays:
            g += weight_decay * p


def global_norm(arrays: Sequence[np.ndarray]) -> float:
    """:math:`\\sqrt{\\sum_k \\lVert a_k \\rVert_2^2}` over all arrays (elements flattened)."""
    total = 0.0
    for a in arrays:
        flat = a.ravel()
        total += float(np.dot(flat, flat))
    return math.sqrt(total)


def clip_by_global_norm(grads: Sequence[np.ndarray], max_norm: float) -> float:
    """Rescale ``grads`` in place so their global norm is at most ``max_norm``.

    .. math::

        g_k \\leftarrow g_k \\cdot \\min\\Big(1, \\frac{c}{\\lVert g \\rVert}\\Big), \\qquad
        \\lVert g \\rVert = \\sqrt{\\textstyle\\sum_k \\lVert g_k \\rVert^2}

    The direction of the whole gradient is kept; arrays whose global norm is already within
    ``max_norm`` are left untouched (bit for bit). A non-finite norm is left alone too: the
    training loop reports the divergence.

    Returns
    -------
    float
        The global norm *before* clipping.
    """
    norm = global_norm(grads)
    if norm > max_norm and math.isfinite(norm):
        scale = max_norm / norm
        for g in grads:
            g *= scale
    return norm
