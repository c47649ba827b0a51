"""The loss value and the gradient that starts backpropagation, into reused buffers.

Like the layer kernels (``.layer_kernels``), :func:`loss_pass` returns the computation for
one shape of network output, with its buffers and the loss's normaliser :math:`n` bound; the
executor keeps it per batch shape.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..losses import MSE, Loss
from .layer_kernels import Slot, _dot

__all__ = ["loss_pass"]

#: ``run(z, y, t, w) -> (value, g)`` for outputs ``y`` (``z``: the input of the last layer),
#: targets ``t`` and sample weights ``w`` (or None).
LossPass = Callable[[Any, np.ndarray, np.ndarray, Any], tuple[float, Any]]


def loss_pass(loss: Loss, slot: Slot, y: np.ndarray, fused: bool) -> tuple[LossPass, bool]:
    """``(run, owned)`` for outputs shaped like ``y`` of the last layer's ``slot``:
    ``run(z, y, t, w)`` gives the loss and ``g``, the gradient that starts backpropagation;
    ``owned``: ``g`` is an executor buffer. With ``fused``, ``g`` is the gradient at the input
    ``z`` of the output activation, :math:`\\partial\\xi/\\partial z = w(y - t)/n`, and the
    value is computed from ``z`` (:meth:`Loss.value_from_logits`, exact at any saturation).

    Without weights the normaliser :math:`n` is bound here; with weights ``w`` it is
    :math:`\\sum w` (times the outputs) of each batch.
    """
    n = loss.normaliser(y)
    if fused:
        return _fused(loss, slot, y, n), True
    if type(loss) is MSE:
        return _squared_error(loss, slot, y, n), True

    def plain(z, y, t, w):
        return loss.value(y, t, w), loss.gradient(y, t, w)

    return plain, False


def _squared_error(loss: Loss, slot: Slot, y: np.ndarray, n: float) -> LossPass:
    """:math:`\\sum_i w_i \\lVert y_i - t_i \\rVert^2 / n` through one buffer; the gradient
    :math:`2 w (y - t) / n` scaled before backpropagation, as the reference does (scaling the
    parameter gradients after it instead, fewer numbers for a tall batch, overflows to
    infinity near the largest float where the reference stays finite)."""
    diff = slot.buffer("loss_grad", y.shape, y.dtype)
    flat = diff.reshape(-1)
    factor = 2.0 / n

    def run(z, y, t, w):
        np.subtract(y, t, out=diff)
        if w is not None:
            n_w = loss.normaliser(y, w)
            value = float(_dot(w, np.einsum("ik,ik->i", diff, diff))) / n_w
            np.multiply(diff, (w * (2.0 / n_w))[:, None], out=diff)  # 2w(y − t)/n_w
            return value, diff
        value = float(_dot(flat, flat)) / n
        np.multiply(diff, factor, out=diff)  # 2(y − t)/n
        return value, diff

    return run


def _fused(loss: Loss, slot: Slot, y: np.ndarray, n: float) -> LossPass:
    """:math:`w(y - t)/n` into one buffer; the value from the logits ``z``."""
    grad = slot.buffer("loss_grad", y.shape, y.dtype)

    def run(z, y, t, w):
        np.subtract(y, t, out=grad)
        if w is None:
            np.divide(grad, n, out=grad)  # ∂ξ/∂z = (y − t)/n
        else:
            np.multiply(grad, (w / loss.normaliser(y, w))[:, None], out=grad)
        return loss.value_from_logits(z, t, w), grad

    return run
