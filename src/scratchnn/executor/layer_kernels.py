"""In-place forward and backward kernels: the layers' formulas, run into reused buffers.

Each kernel computes exactly what its layer's ``forward``/``backward`` compute (the
equivalence tests hold them equal), but writes into arrays that the executor owns and reuses
across steps, works in place where the math allows, and writes parameter gradients straight
into the executor's flat gradient storage:

* a :class:`~scratchnn.layers.Linear` layer writes :math:`XW + b` into its own output buffer;
  its backward needs its input, not its output, so an activation after it may overwrite that
  output in place (``owned`` inputs below);
* a gradient the executor owns (the loss gradient, a layer's input gradient) is scaled in place
  by the activation's derivative;
* the first layer skips :math:`G W^\\top`: nobody needs the gradient of the data.

Layers without a kernel run their own ``forward``/``backward``; their parameter gradients are
copied into the flat storage.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._blas import column_sums
from ..layers import Layer, Linear, Logistic, ReLU, Softmax, Tanh

__all__ = ["Slot", "kernel_for", "product", "MAX_BUFFERS"]

_dot, _matmul = np.dot, np.matmul
_max, _sum = np.maximum.reduce, np.add.reduce

#: Buffers one layer keeps (roles × batch shapes) before it drops them all.
MAX_BUFFERS = 24


def product(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The matrix product :math:`AB` into ``out``.

    ``np.dot`` makes the same BLAS call as ``np.matmul`` (the same numbers) with about a
    microsecond less overhead, which counts for mini-batch-sized products; it accepts only
    an ``out`` of exactly its result dtype, so mixed dtypes go to ``np.matmul``.
    """
    try:
        return _dot(a, b, out=out)
    except ValueError:
        return _matmul(a, b, out=out)


class Slot:
    """What the executor keeps for one layer: its kernel, the forward cache (input ``x``,
    output ``y``), reusable buffers by role, and the layer's gradient views."""

    __slots__ = ("layer", "kernel", "x", "y", "buffers", "last", "grads", "arrays")

    def __init__(self, layer: Layer, grads: dict[str, np.ndarray]) -> None:
        self.layer = layer
        self.kernel = kernel_for(layer)
        self.x: Any = None
        self.y: Any = None
        self.buffers: dict[tuple, np.ndarray] = {}
        self.last: dict[str, np.ndarray] = {}  # the last buffer of each role (the fast path)
        self.grads = grads
        self.arrays = self.kernel.arrays(layer, grads)

    def buffer(self, role: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """The reusable array for ``role`` and ``shape``: training batches, the full training
        set and the validation set each keep theirs (fresh large arrays cost page faults on
        every pass). At most :data:`MAX_BUFFERS` are kept; then they are all dropped. (A
        change of dtype re-binds the executor, with new slots.)"""
        out = self.last.get(role)
        if out is not None and out.shape == shape:
            return out
        key = (role, shape)
        out = self.buffers.get(key)
        if out is None:
            if len(self.buffers) >= MAX_BUFFERS:
                self.buffers.clear()
            out = self.buffers[key] = np.empty(shape, dtype=dtype)
        self.last[role] = out
        return out


class LayerKernel:
    """Fallback: the layer's own passes (nothing owned), gradients copied into the views."""

    def arrays(self, layer: Layer, grads: dict[str, np.ndarray]) -> Any:
        """What the kernel reads at every pass, looked up once per binding (``slot.arrays``)."""
        return None

    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[np.ndarray, bool]:
        return slot.layer.forward(x), False

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[np.ndarray | None, bool]:
        layer = slot.layer
        grad_x = layer.backward(g)  # writes into layer.grads: the executor's views
        for name, view in slot.grads.items():
            if layer.grads[name] is not view:  # a layer that rebinds its gradients
                view[...] = layer.grads[name]
                layer.grads[name] = view
        return grad_x, False


class LinearKernel(LayerKernel):
    """:math:`Y = XW + b`; :math:`\\partial W = X^\\top G`, :math:`\\partial b = 1^\\top G`,
    :math:`\\partial X = G W^\\top`. A 1-to-1 layer uses elementwise products (an
    ``(N, 1) @ (1, 1)`` product is the same numbers, several times slower).

    The arrays are read from ``slot.arrays`` (:meth:`arrays`), fixed at binding: the
    executor re-binds when a parameter array is replaced."""

    def arrays(self, layer: Layer, grads: dict[str, np.ndarray]) -> tuple:
        """``(W, b, ∂W, ∂b, n_out, scalar)``, ``b`` and ``∂b`` None without a bias."""
        W = layer.params["W"]
        b = layer.params["b"] if layer.bias else None
        return W, b, grads["W"], grads.get("b"), layer.n_out, W.shape == (1, 1)

    def forward(self, slot, x, owned):
        W, b, _, _, n_out, scalar = slot.arrays
        y = slot.buffer("y", (x.shape[0], n_out), W.dtype)
        if scalar:
            np.multiply(x, W[0, 0], out=y)
        else:
            product(x, W, y)
        if b is not None:
            y += b
        slot.x = x
        return y, True

    def backward(self, slot, g, owned, need_input):
        W, _, gW, gb, _, scalar = slot.arrays
        x = slot.x
        if scalar:
            gW[0, 0] = np.dot(x.reshape(-1), g.reshape(-1))
        else:
            product(x.T, g, gW)
        if gb is not None:
            column_sums(g, out=gb)
        if not need_input:
            return None, False
        grad_x = slot.buffer("grad_x", x.shape, g.dtype)
        if scalar:
            return np.multiply(g, W[0, 0], out=grad_x), True
        return product(g, W.T, grad_x), True


class ActivationKernel(LayerKernel):
    """An elementwise activation: in place on an owned input, else into its own buffer."""

    def output(self, slot: Slot, x: np.ndarray, owned: bool) -> np.ndarray:
        return x if owned else slot.buffer("y", x.shape, x.dtype)

    def scale(self, slot: Slot, g: np.ndarray, owned: bool, factor: np.ndarray) -> np.ndarray:
        """``g * factor``, in place when the executor owns ``g``."""
        return np.multiply(g, factor, out=g if owned else None)


class ReLUKernel(ActivationKernel):
    def forward(self, slot, x, owned):
        slot.y = np.maximum(x, 0, out=self.output(slot, x, owned), dtype=x.dtype)
        return slot.y, True

    def backward(self, slot, g, owned, need_input):
        return self.scale(slot, g, owned, slot.y > 0), True


class LogisticKernel(ActivationKernel):
    """:math:`\\sigma(z)` as SciPy's ``expit`` ufunc: one pass instead of four, the same
    numbers (and no overflow warning for very negative :math:`z`). SciPy is imported at the
    first use (``scipy.special`` takes longer to import than the rest of scratchnn)."""

    expit = None

    def forward(self, slot, x, owned):
        expit = self.expit
        if expit is None:
            from scipy.special import expit

            LogisticKernel.expit = staticmethod(expit)
        slot.y = expit(x, out=self.output(slot, x, owned))
        return slot.y, True

    def backward(self, slot, g, owned, need_input):
        y = slot.y
        factor = np.subtract(1.0, y, out=slot.buffer("factor", y.shape, y.dtype))
        factor *= y  # y(1 − y)
        return self.scale(slot, g, owned, factor), True


class TanhKernel(ActivationKernel):
    def forward(self, slot, x, owned):
        slot.y = np.tanh(x, out=self.output(slot, x, owned))
        return slot.y, True

    def backward(self, slot, g, owned, need_input):
        y = slot.y
        factor = np.square(y, out=slot.buffer("factor", y.shape, y.dtype))
        np.subtract(1.0, factor, out=factor)  # 1 − y²
        return self.scale(slot, g, owned, factor), True


class SoftmaxKernel(ActivationKernel):
    """Row maxima and row sums as the ufuncs' reductions into one reused column (the same
    numbers as ``x.max(axis=1)`` and ``y.sum(axis=1)``, without their Python wrappers)."""

    def forward(self, slot, x, owned):
        rows = slot.buffer("rows", (x.shape[0], 1), x.dtype)
        y = np.subtract(x, _max(x, 1, keepdims=True, out=rows), out=self.output(slot, x, owned))
        np.exp(y, out=y)
        y /= _sum(y, 1, keepdims=True, out=rows)
        slot.y = y
        return y, True

    def backward(self, slot, g, owned, need_input):
        y = slot.y
        return y * (g - (g * y).sum(axis=-1, keepdims=True)), True


#: Kernels by exact layer type (a subclass may change the math: it gets the fallback).
KERNELS: dict[type, LayerKernel] = {
    Linear: LinearKernel(),
    ReLU: ReLUKernel(),
    Logistic: LogisticKernel(),
    Tanh: TanhKernel(),
    Softmax: SoftmaxKernel(),
}

_FALLBACK = LayerKernel()


def kernel_for(layer: Layer) -> LayerKernel:
    """The in-place kernel of ``layer``'s exact type, or the fallback (its own passes)."""
    return KERNELS.get(type(layer), _FALLBACK)
