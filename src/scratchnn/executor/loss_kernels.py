"""The loss value and the gradient that starts backpropagation, into reused buffers.

Like the layer kernels (:mod:`.layer_kernels`), :func:`loss_pass` returns the computation for
one shape of network output, with its buffers and the loss's normaliser :math:`n` bound; the
executor keeps it per batch shape.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..losses import MSE, CategoricalCrossEntropy, Loss
from .layer_kernels import Slot, _dot

__all__ = ["loss_pass"]

#: The smallest normal number by dtype character: the clip before a logarithm.
_TINY = {c: np.finfo(c).tiny for c in "efd"}

#: ``np.vdot`` without its ``__array_function__`` dispatch (as the layers' ``_dot``).
_vdot = getattr(np.vdot, "_implementation", np.vdot)

#: ``run(y, t) -> (value, g)`` for outputs ``y`` and targets ``t``.
LossPass = Callable[[np.ndarray, np.ndarray], tuple[float, Any]]


def loss_pass(
    loss: Loss, slot: Slot, y: np.ndarray, fused: bool, n_parameters: int
) -> tuple[LossPass, bool, float]:
    """``(run, owned, factor)`` for outputs shaped like ``y`` of the last layer's ``slot``:
    ``run(y, t)`` gives the loss and ``g``, the gradient being ``factor * g``; ``owned``:
    ``g`` is an executor buffer. With ``fused``, ``g`` is the gradient at the input of the
    output activation, :math:`\\partial\\xi/\\partial z = (y - t)/n`.

    Backprop is linear in the output gradient, so MSE's constant :math:`2/n` is applied to
    whichever is smaller: the output gradient or the ``n_parameters`` parameter gradients.
    """
    n = loss.normaliser(y)
    if fused:
        return _fused(loss, slot, y, n), True, 1.0
    if type(loss) is MSE:
        diff = slot.buffer("loss_grad", y.shape, y.dtype)
        flat = diff.reshape(-1)
        factor = 2.0 / n
        scale_output = diff.size <= n_parameters

        def run(y, t):
            np.subtract(y, t, out=diff)
            value = float(_dot(flat, flat)) / n
            if scale_output:
                np.multiply(diff, factor, out=diff)
            return value, diff

        return run, True, (1.0 if scale_output else factor)

    def plain(y, t):
        return loss.value(y, t), loss.gradient(y, t)

    return plain, False, 1.0


def _fused(loss: Loss, slot: Slot, y: np.ndarray, n: int) -> LossPass:
    """:math:`(y - t)/n`; the cross-entropy value through one buffer and ``vdot``."""
    grad = slot.buffer("loss_grad", y.shape, y.dtype)
    if type(loss) is not CategoricalCrossEntropy:

        def run(y, t):
            np.subtract(y, t, out=grad)
            np.divide(grad, n, out=grad)  # ∂ξ/∂z = (y − t)/n
            return loss.value(y, t), grad

        return run
    log_y = slot.buffer("log_y", y.shape, y.dtype)
    tiny = _TINY[y.dtype.char]

    def cross_entropy(y, t):
        np.subtract(y, t, out=grad)
        np.divide(grad, n, out=grad)
        np.maximum(y, tiny, out=log_y)
        return -float(_vdot(t, np.log(log_y, out=log_y))) / n, grad  # −Σ t log y / n

    return cross_entropy
