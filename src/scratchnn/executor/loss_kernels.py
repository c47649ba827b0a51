"""The loss value and the gradient that starts backpropagation, into reused buffers.

Like the layer kernels (``.layer_kernels``), :func:`loss_pass` returns the computation for
one shape of network output, with its buffers and the loss's normaliser :math:`n` bound; the
executor keeps it per batch shape.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..losses import MSE, CategoricalCrossEntropy, Loss
from .layer_kernels import Slot, SoftmaxKernel, _dot

__all__ = ["loss_pass", "log_softmax_value"]

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

    def plain(
        z: Any, y: np.ndarray, t: np.ndarray, w: np.ndarray | None
    ) -> tuple[float, np.ndarray]:
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

    def run(z: Any, y: np.ndarray, t: np.ndarray, w: np.ndarray | None) -> tuple[float, np.ndarray]:
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
    """:math:`w(y - t)/n` into one buffer; the value from the logits ``z`` (without weights
    and after a softmax layer, from what its forward pass kept: :func:`log_softmax_value`)."""
    grad = slot.buffer("loss_grad", y.shape, y.dtype)
    value = log_softmax_value(loss, slot, y.shape, y.dtype, n)

    def run(z: Any, y: np.ndarray, t: np.ndarray, w: np.ndarray | None) -> tuple[float, np.ndarray]:
        np.subtract(y, t, out=grad)
        if w is None:
            np.divide(grad, n, out=grad)  # ∂ξ/∂z = (y − t)/n
            if value is not None:
                return value(t), grad
        else:
            np.multiply(grad, (w / loss.normaliser(y, w))[:, None], out=grad)
        return loss.value_from_logits(z, t, w), grad

    return run


def log_softmax_value(
    loss: Loss, slot: Slot, shape: tuple[int, ...], dtype: Any, n: float
) -> Callable[[np.ndarray], float] | None:
    """``value(t)``: a :class:`~scratchnn.losses.CategoricalCrossEntropy`'s unweighted value
    :math:`-\\sum_{ic} t_{ic} \\log y_{ic} / n` for outputs of ``shape`` just computed by the
    softmax layer of ``slot``, from the shifted logits and row sums its forward pass kept:
    :math:`\\log y_{ic} = (z_{ic} - \\max_d z_{id}) - \\log \\sum_d e^{z_{id} - \\max_d z_{id}}`,
    the loss's own log-sum-exp without computing it again. None for any other loss or layer
    (the loss's ``value_from_logits`` then)."""
    if type(loss) is not CategoricalCrossEntropy or type(slot.kernel) is not SoftmaxKernel:
        return None
    shifted = slot.buffer("shifted", shape, dtype)
    rows = slot.buffer("rows", (shape[0], 1), dtype)
    log_rows = slot.buffer("log_rows", (shape[0], 1), dtype)
    log_y = slot.buffer("log_probabilities", shape, dtype)
    flat = log_y.reshape(-1)

    def value(t: np.ndarray) -> float:
        np.log(rows, out=log_rows)
        np.subtract(shifted, log_rows, out=log_y)
        return -float(_dot(t.reshape(-1), flat)) / n

    return value
