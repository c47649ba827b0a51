"""The loss value and the gradient that starts backpropagation, into reused buffers.

Like the layer kernels (:mod:`.layer_kernels`), :func:`loss_pass` returns the computation for
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


def loss_pass(
    loss: Loss, slot: Slot, y: np.ndarray, fused: bool, n_parameters: int
) -> tuple[LossPass, bool, float]:
    """``(run, owned, factor)`` for outputs shaped like ``y`` of the last layer's ``slot``:
    ``run(z, y, t, w)`` gives the loss and ``g``, the gradient being ``factor * g``;
    ``owned``: ``g`` is an executor buffer. With ``fused``, ``g`` is the gradient at the input
    ``z`` of the output activation, :math:`\\partial\\xi/\\partial z = w(y - t)/n`, and the
    value is computed from ``z`` (:meth:`Loss.value_from_logits`, exact at any saturation).

    Without weights the normaliser :math:`n` is bound here; with weights ``w`` it is
    :math:`\\sum w` (times the outputs) of each batch. Backprop is linear in the output
    gradient, so MSE's constant :math:`2/n` is applied to whichever is smaller: the output
    gradient or the ``n_parameters`` parameter gradients.
    """
    n = loss.normaliser(y)
    if fused:
        return _fused(loss, slot, y, n), True, 1.0
    if type(loss) is MSE:
        return _squared_error(loss, slot, y, n, n_parameters)

    def plain(z, y, t, w):
        return loss.value(y, t, w), loss.gradient(y, t, w)

    return plain, False, 1.0


def _squared_error(
    loss: Loss, slot: Slot, y: np.ndarray, n: float, n_parameters: int
) -> tuple[LossPass, bool, float]:
    """:math:`\\sum_i w_i \\lVert y_i - t_i \\rVert^2 / n` through one buffer."""
    diff = slot.buffer("loss_grad", y.shape, y.dtype)
    flat = diff.reshape(-1)
    factor = 2.0 / n
    scale_output = diff.size <= n_parameters

    def run(z, y, t, w):
        np.subtract(y, t, out=diff)
        if w is not None:
            n_w = loss.normaliser(y, w)
            value = float(_dot(w, np.einsum("ik,ik->i", diff, diff))) / n_w
            # the gradient 2 w (y − t)/n_w, of which the factor 2/n may be applied later
            scale = 2.0 / n_w if scale_output else n / n_w
            np.multiply(diff, (w * scale)[:, None], out=diff)
            return value, diff
        value = float(_dot(flat, flat)) / n
        if scale_output:
            np.multiply(diff, factor, out=diff)
        return value, diff

    return run, True, (1.0 if scale_output else factor)


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
