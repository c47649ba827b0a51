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
* the first layer skips :math:`G W^\\top`: nobody needs the gradient of the data;
* a sparse input (SciPy CSR/CSC, the network's input) gets the Linear kernel's sparse passes:
  :math:`XW` and :math:`X^\\top G` as SciPy's sparse × dense products, ``X`` never densified.

Layers without a kernel run their own ``forward``/``backward``; their parameter gradients are
copied into the flat storage.

Passes made once per batch shape
--------------------------------
Within one binding a layer's arrays are fixed, and for one shape of input batch so are the
shapes of everything it computes (a layer's output shape is a function of its input shape):
so are its buffers. A kernel therefore does not run a pass itself; given the first input
(or output gradient) of a shape, :meth:`LayerKernel.forward` (:meth:`LayerKernel.backward`)
returns the pass for that shape, a function of the input alone with its arrays and buffers
bound, which the executor keeps and calls for every batch of the shape. A mini-batch is then
a sequence of calls that do NumPy's work and nothing else.
"""

from __future__ import annotations

from typing import Any, Callable, cast

import numpy as np

from .._blas import column_sums
from .._sparse import is_sparse
from ..layers import Layer, Linear, Logistic, ReLU, Softmax, Tanh

__all__ = ["Slot", "kernel_for", "Pass"]

#: A pass for one batch shape: input (or output gradient) -> output (or input gradient).
Pass = Callable[[np.ndarray], Any]

#: ``np.dot`` without its ``__array_function__`` dispatch (NEP 18's ``_implementation``, half
#: a microsecond a call): the passes only ever see NumPy arrays.
_dot = getattr(np.dot, "_implementation", np.dot)
_matmul = np.matmul
_max, _sum = np.maximum.reduce, np.add.reduce


def _product(*arrays: np.ndarray) -> Callable[..., np.ndarray]:
    """``np.dot`` for these operands and output, else ``np.matmul``: both make the same BLAS
    call (the same numbers), ``np.dot`` with about a microsecond less overhead, which counts
    for mini-batch-sized products; it accepts only an output of exactly its result dtype."""
    return _dot if len({a.dtype for a in arrays}) == 1 else _matmul


class Slot:
    """What the executor keeps for one layer: its kernel, the forward cache (input ``x``,
    output ``y``), reusable buffers by role and shape, the layer's gradient views and the
    arrays its kernel reads (``arrays``, looked up once per binding)."""

    __slots__ = ("layer", "kernel", "x", "y", "buffers", "grads", "arrays")

    def __init__(self, layer: Layer, grads: dict[str, np.ndarray]) -> None:
        self.layer = layer
        self.kernel = kernel_for(layer)
        self.x: Any = None
        self.y: Any = None
        self.buffers: dict[tuple, np.ndarray] = {}
        self.grads = grads
        self.arrays = self.kernel.arrays(layer, grads)

    def buffer(
        self, role: str, shape: tuple[int, ...], dtype: np.dtype | type[np.generic]
    ) -> np.ndarray:
        """The reusable array for ``role`` and ``shape``: training batches, the full training
        set and the validation set each keep theirs (fresh large arrays cost page faults on
        every pass). The executor drops them with the passes that use them."""
        key = (role, shape)
        out = self.buffers.get(key)
        if out is None or out.dtype != dtype:
            out = self.buffers[key] = np.empty(shape, dtype=dtype)
        return out


class LayerKernel:
    """Fallback: the layer's own passes (nothing owned), gradients copied into the views."""

    def arrays(self, layer: Layer, grads: dict[str, np.ndarray]) -> Any:
        """What the passes read, looked up once per binding (``slot.arrays``)."""
        return None

    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[Pass, bool]:
        """The forward pass for inputs shaped like ``x`` (an executor buffer when ``owned``)
        and whether the executor owns its outputs."""
        return slot.layer.forward, False

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[Pass, bool]:
        """The backward pass for output gradients shaped like ``g`` (``g → ∂ξ/∂x``; None
        without ``need_input`` where the kernel can skip it) and whether the executor owns
        its results. Parameter gradients go into ``slot.grads``."""
        layer, views = slot.layer, slot.grads

        def run(g: np.ndarray) -> np.ndarray | None:
            grad_x = layer.backward(g)  # writes into layer.grads: the executor's views
            for name, view in views.items():
                if layer.grads[name] is not view:  # a layer that rebinds its gradients
                    view[...] = layer.grads[name]
                    layer.grads[name] = view
            return grad_x

        return run, False


class LinearKernel(LayerKernel):
    """:math:`Y = XW + b`; :math:`\\partial W = X^\\top G`, :math:`\\partial b = 1^\\top G`,
    :math:`\\partial X = G W^\\top`. A 1-to-1 layer uses elementwise products (an
    ``(N, 1) @ (1, 1)`` product is the same numbers, several times slower)."""

    def arrays(
        self, layer: Layer, grads: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray | None]:
        """``(W, b, ∂W, ∂b)``, ``b`` and ``∂b`` None without a bias."""
        b = layer.params["b"] if cast(Linear, layer).bias else None
        return layer.params["W"], b, grads["W"], grads.get("b")

    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[Pass, bool]:
        W, b, _, _ = slot.arrays
        y = slot.buffer("y", (x.shape[0], W.shape[1]), W.dtype)
        if is_sparse(x):
            return self._sparse_forward(slot, W, b, y), True
        product = np.multiply if W.shape == (1, 1) else _product(x, W, y)

        def run(x: np.ndarray) -> np.ndarray:
            slot.x = x
            product(x, W, out=y)
            if b is not None:
                np.add(y, b, out=y)
            return y

        return run, True

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[Pass, bool]:
        W, _, gW, gb = slot.arrays
        x = slot.x
        if is_sparse(x):
            return self._sparse_backward(slot, gW, gb), True
        grad_x = slot.buffer("grad_x", x.shape, g.dtype) if need_input else None
        if W.shape == (1, 1):
            return self._scalar_backward(slot, W, gW, gb, grad_x), True
        weights = _product(x, g, gW)
        inputs = _product(g, W, cast(np.ndarray, grad_x)) if need_input else None
        ones = None
        if gb is not None and g.dtype == gb.dtype and g.dtype.char in "fd":
            ones = slot.buffer("ones", (g.shape[0],), g.dtype)
            ones.fill(1.0)  # 1ᵀG as a matrix-vector product (as _blas.column_sums)

        def run(g: np.ndarray) -> np.ndarray | None:
            weights(slot.x.T, g, out=gW)
            if ones is not None:
                _dot(ones, g, out=gb)
            elif gb is not None:
                column_sums(g, out=gb)
            if inputs is None:
                return None
            return inputs(g, W.T, out=grad_x)

        return run, True

    @staticmethod
    def _sparse_forward(slot: Slot, W: np.ndarray, b: np.ndarray | None, y: np.ndarray) -> Pass:
        """:math:`Y = XW + b` for a SciPy sparse ``X``: SciPy's sparse × dense product (a new
        dense array), then the bias into the reused output."""

        def run(x: Any) -> np.ndarray:  # x: a SciPy sparse matrix
            slot.x = x
            if b is None:
                y[...] = x @ W
            else:
                np.add(x @ W, b, out=y)
            return y

        return run

    @staticmethod
    def _sparse_backward(slot: Slot, gW: np.ndarray, gb: np.ndarray | None) -> Pass:
        """:math:`\\partial W = X^\\top G` for a SciPy sparse ``X`` (the transpose of CSR is
        CSC: no copy), :math:`\\partial b = 1^\\top G`; the gradient of the sparse input is
        not computed (None), as in ``Linear.backward``."""

        def run(g: np.ndarray) -> None:
            gW[...] = slot.x.T @ g
            if gb is not None:
                column_sums(g, out=gb)
            return None

        return run

    @staticmethod
    def _scalar_backward(
        slot: Slot,
        W: np.ndarray,
        gW: np.ndarray,
        gb: np.ndarray | None,
        grad_x: np.ndarray | None,
    ) -> Pass:
        def run(g: np.ndarray) -> np.ndarray | None:
            gW[0, 0] = np.dot(slot.x.reshape(-1), g.reshape(-1))
            if gb is not None:
                column_sums(g, out=gb)
            if grad_x is None:
                return None
            return np.multiply(g, W, out=grad_x)

        return run


class ActivationKernel(LayerKernel):
    """An elementwise activation: in place on an owned input, else into its own buffer;
    its derivative scales an owned gradient in place, else a new array."""

    @staticmethod
    def output(slot: Slot, x: np.ndarray, owned: bool) -> np.ndarray | None:
        """The buffer for the output, or None: in place."""
        return None if owned else slot.buffer("y", x.shape, x.dtype)


class ReLUKernel(ActivationKernel):
    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[Pass, bool]:
        y = self.output(slot, x, owned)

        def run(x: np.ndarray) -> np.ndarray:
            slot.y = np.maximum(x, 0, out=x if y is None else y, dtype=x.dtype)
            return slot.y

        return run, True

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[Pass, bool]:
        positive = slot.buffer("positive", slot.y.shape, np.bool_)

        def run(g: np.ndarray) -> np.ndarray:
            return np.multiply(g, np.greater(slot.y, 0, out=positive), out=g if owned else None)

        return run, True


class LogisticKernel(ActivationKernel):
    """:math:`\\sigma(z)` as SciPy's ``expit`` ufunc: one pass instead of four, the same
    numbers (and no overflow warning for very negative :math:`z`). SciPy is imported at the
    first use (``scipy.special`` takes longer to import than the rest of scratchnn)."""

    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[Pass, bool]:
        from scipy.special import expit

        y = self.output(slot, x, owned)

        def run(x: np.ndarray) -> np.ndarray:
            slot.y = expit(x, out=x if y is None else y)
            return slot.y

        return run, True

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[Pass, bool]:
        factor = slot.buffer("factor", slot.y.shape, slot.y.dtype)

        def run(g: np.ndarray) -> np.ndarray:
            y = slot.y
            np.subtract(1.0, y, out=factor)
            np.multiply(factor, y, out=factor)  # y(1 − y)
            return np.multiply(g, factor, out=g if owned else None)

        return run, True


class TanhKernel(ActivationKernel):
    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[Pass, bool]:
        y = self.output(slot, x, owned)

        def run(x: np.ndarray) -> np.ndarray:
            slot.y = np.tanh(x, out=x if y is None else y)
            return slot.y

        return run, True

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[Pass, bool]:
        factor = slot.buffer("factor", slot.y.shape, slot.y.dtype)

        def run(g: np.ndarray) -> np.ndarray:
            np.square(slot.y, out=factor)
            np.subtract(1.0, factor, out=factor)  # 1 − y²
            return np.multiply(g, factor, out=g if owned else None)

        return run, True


class SoftmaxKernel(ActivationKernel):
    """Row maxima and row sums as the ufuncs' reductions into one reused column (the same
    numbers as ``x.max(axis=1)`` and ``y.sum(axis=1)``, without their Python wrappers).

    The shifted logits :math:`z - \\max_c z_c` stay in the slot's ``"shifted"`` buffer and
    the row sums of their exponentials in ``"rows"``: a categorical cross-entropy's value reads
    its log-probabilities from them (``.loss_kernels.log_softmax_value``)."""

    def forward(self, slot: Slot, x: np.ndarray, owned: bool) -> tuple[Pass, bool]:
        out = self.output(slot, x, owned)
        rows = slot.buffer("rows", (x.shape[0], 1), x.dtype)
        shifted = slot.buffer("shifted", x.shape, x.dtype)

        def run(x: np.ndarray) -> np.ndarray:
            y = x if out is None else out
            np.subtract(x, _max(x, 1, keepdims=True, out=rows), out=shifted)
            np.exp(shifted, out=y)
            y /= _sum(y, 1, keepdims=True, out=rows)
            slot.y = y
            return y

        return run, True

    def backward(
        self, slot: Slot, g: np.ndarray, owned: bool, need_input: bool
    ) -> tuple[Pass, bool]:
        def run(g: np.ndarray) -> np.ndarray:
            y = slot.y
            return y * (g - (g * y).sum(axis=-1, keepdims=True))

        return run, True


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
