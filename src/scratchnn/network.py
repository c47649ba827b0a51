"""A network as a sequence of layers.

Forward runs the layers in order; backward runs them in reverse, each layer filling its
``grads``. This is the reference path; the training loop runs the same passes through
:mod:`scratchnn.executor`. When the loss fuses with the last layer (softmax + categorical cross-entropy,
logistic + binary cross-entropy) the backward pass starts below that layer from the fused
gradient :math:`\\partial\\xi/\\partial z = (y - t)/n`, and the loss value is computed from
:math:`z` (exact at any saturation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Sequence

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

from ._sparse import as_sparse_input, is_sparse
from ._validation import as_float_array, check_int
from .layers import Layer, Linear
from .losses import Loss

__all__ = ["Sequential"]


class Sequential:
    """Layers applied one after another.

    Parameters
    ----------
    layers : sequence of Layer

    Notes
    -----
    Parameters are named ``"<layer index>.<param>"`` (``"0.W"``, ``"0.b"``, ``"2.W"`` …) and
    always listed in layer order, then in each layer's ``params`` order. That order is the
    order optimisers, the gradient checker and save/load use.

    A network is only its list of layers: building one never copies or moves a layer's
    arrays, so several networks may share layers (``Sequential(net.layers[:2])``), and arrays
    taken from ``net.parameters()`` stay the layers' own.
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("a Sequential network needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a scratchnn Layer, got {layer!r}")
        self.layers = layers

    # -- passes -------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Output for a batch ``x`` of shape ``(N, n_in)``; caches what backward needs.

        ``x`` is converted to the network's parameter dtype (no copy when it already has it);
        it may be a SciPy CSR or CSC matrix when the first layer is a ``Linear``.
        Cheap checks only (type, number of dimensions, number of features); :meth:`predict`
        also rejects NaN and infinity.

        Raises
        ------
        TypeError
            If ``x`` is not numeric.
        ValueError
            If ``x`` is not 2-D or has the wrong number of features.
        """
        return self.forward_with_logits(x)[1]

    def forward_with_logits(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`forward`, also returning the input ``z`` of the last layer: ``(z, y)``.

        A loss that fuses with the last layer computes its value from ``z`` (exact where
        the output activation saturates).
        """
        if is_sparse(x):
            x = self.check_sparse(x, "x", dtype=self.dtype, check_finite=False)
        elif not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
            x = as_float_array(x, "x", allow_empty=True)
        self.check_features(x, "x")
        x = x.astype(self.dtype or x.dtype, copy=False)
        for layer in self.layers[:-1]:
            x = layer.forward(x)
        return x, self.layers[-1].forward(x)

    __call__ = forward

    def check_sparse(
        self, x: Any, name: str, *, dtype: Any = None, rows: bool = False, check_finite: bool = True
    ) -> Any:
        """The SciPy sparse input ``x`` checked and converted as
        ``scratchnn._sparse.as_sparse_input`` does (CSR or CSC, in ``dtype``, CSR with
        ``rows``); ValueError unless the first layer is a ``Linear``, the only layer that
        multiplies a sparse matrix."""
        if not isinstance(self.layers[0], Linear):
            raise ValueError(
                f"{name} is a sparse matrix, but the network's first layer is "
                f"{self.layers[0]!r}; sparse input needs a Linear first layer"
            )
        return as_sparse_input(x, name, dtype=dtype, rows=rows, check_finite=check_finite)

    def check_features(self, x: np.ndarray, name: str) -> None:
        """Raise ValueError unless ``x`` is 2-D with the network's number of input features."""
        if x.ndim != 2:
            raise ValueError(
                f"{name} must have 2 dimensions (n_samples, n_features), got shape {x.shape}"
            )
        n_in = self.n_features_in
        if n_in is not None and x.shape[1] != n_in:
            raise ValueError(
                f"{name} must have {n_in} features (columns) for this network, got shape {x.shape}"
            )

    def backward(self, grad_y: np.ndarray, *, start: int | None = None) -> np.ndarray:
        """Backpropagate ``grad_y`` = ∂ξ/∂(output of layer ``start``), default the last layer.

        Fills every layer's ``grads`` and returns ∂ξ/∂x for the network input.
        """
        last = len(self.layers) - 1 if start is None else start
        for layer in self.layers[last::-1]:
            grad_y = layer.backward(grad_y)
        return grad_y

    def fuses_with(self, loss: Loss) -> bool:
        """Whether ``loss`` fuses with the last layer (softmax/logistic + cross-entropy)."""
        fused = loss.fused_activation
        return fused is not None and type(self.layers[-1]) is fused

    def backward_loss(
        self, loss: Loss, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None
    ) -> np.ndarray:
        """Backpropagate ``loss`` at output ``y`` (from the last ``forward``), targets ``t``
        and optional sample weights ``w``.

        When the loss fuses with the last layer, backpropagation starts below it from
        ``loss.fused_gradient`` (:math:`w(y - t)/n`); otherwise from ``loss.gradient``.
        """
        if self.fuses_with(loss):
            return self.backward(loss.fused_gradient(y, t, w), start=len(self.layers) - 2)
        return self.backward(loss.gradient(y, t, w))

    def loss_value(
        self, loss: Loss, z: np.ndarray, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None
    ) -> float:
        """The loss of output ``y`` (``z``: the last layer's input) against ``t``: from ``z``
        when the loss fuses with the last layer (``loss.value_from_logits``), else from ``y``."""
        if self.fuses_with(loss):
            return loss.value_from_logits(z, t, w)
        return loss.value(y, t, w)

    def loss_and_gradients(
        self, loss: Loss, x: np.ndarray, t: np.ndarray, w: np.ndarray | None = None
    ) -> float:
        """Forward ``x``, return the loss against ``t`` (sample weights ``w``) and fill every
        layer's ``grads``.

        The reference path, one layer at a time; :class:`scratchnn.executor.TrainingStep`
        computes the same faster.
        """
        z, y = self.forward_with_logits(x)
        value = self.loss_value(loss, z, y, t, w)
        self.backward_loss(loss, y, t, w)
        return value

    def predict(self, x: Any) -> np.ndarray:
        """Forward pass in evaluation mode (dropout off), the mode restored afterwards.

        Parameters
        ----------
        x : array_like or SciPy CSR/CSC matrix, shape (N, n_in)
            Finite real numbers; converted to the parameter dtype. A sparse ``x`` (for a
            network whose first layer is a ``Linear``) is never densified.

        Returns
        -------
        ndarray, shape (N, n_out)
            In the parameter dtype (float32 parameters give float32 predictions).

        Raises
        ------
        TypeError
            If ``x`` is not numeric.
        ValueError
            If ``x`` is empty, holds NaN or infinity, is not 2-D or has the wrong number of
            features.
        """
        if is_sparse(x):
            x = self.check_sparse(x, "x", dtype=self.dtype)
        else:
            x = as_float_array(x, "x")
        modes = [layer.training for layer in self.layers]
        self.eval()
        try:
            return self.forward(x)
        finally:
            for layer, mode in zip(self.layers, modes):
                layer.training = mode

    # -- parameters ---------------------------------------------------------------------
    def named_parameters(self) -> Iterator[tuple[str, np.ndarray]]:
        """``(name, array)`` for every parameter, in the stable order."""
        for i, layer in enumerate(self.layers):
            for key, value in layer.params.items():
                yield f"{i}.{key}", value

    def parameters(self) -> list[np.ndarray]:
        """Every parameter array, in the stable order."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self) -> list[np.ndarray]:
        """Every gradient array, in the same order as :meth:`parameters`."""
        return [layer.grads[k] for layer in self.layers for k in layer.params]

    @property
    def n_parameters(self) -> int:
        return sum(p.size for p in self.parameters())

    @property
    def n_features_in(self) -> int | None:
        """Number of input features, read from the first layer that fixes it (``n_in`` of a
        ``Linear``, ``n_features`` of a ``Bias``), skipping parameter-free layers; None when
        unknown."""
        for layer in self.layers:
            for attr in ("n_in", "n_features"):
                value = getattr(layer, attr, None)
                if isinstance(value, int):
                    return value
            if layer.params:
                return None
        return None

    def output_shapes(self, input_dim: int) -> list[tuple]:
        """Output shape of every layer for inputs of ``input_dim`` features (batch axis None).

        Raises
        ------
        ValueError
            If some layer expects a different number of inputs than the layer below gives.
        """
        shape: tuple = (None, input_dim)
        shapes = []
        for i, layer in enumerate(self.layers):
            expected = getattr(layer, "n_in", getattr(layer, "n_features", None))
            if isinstance(expected, int) and expected != shape[-1]:
                raise ValueError(
                    f"layer {i} ({layer!r}) expects {expected} inputs, but receives {shape[-1]}"
                )
            shape = tuple(layer.output_shape(shape))
            shapes.append(shape)
        return shapes

    def summary(self, input_dim: int | None = None) -> str:
        """A table of the layers, their output shapes and parameter counts.

        Parameters
        ----------
        input_dim : int, optional
            Number of input features; default :attr:`n_features_in`.

        Returns
        -------
        str
            One row per layer (index, layer, output shape with ``None`` for the batch axis,
            number of parameters), then the total and the parameter dtype.

        Raises
        ------
        ValueError
            If ``input_dim`` is missing and cannot be inferred, or some layer expects a
            different number of inputs than the layer below produces.

        Examples
        --------
        >>> from scratchnn import Sequential, Linear, Logistic, Softmax
        >>> print(Sequential([Linear(2, 3), Logistic(), Linear(3, 2), Softmax()]).summary())
        #  Layer                               Output shape  Parameters
        0  Linear(n_in=2, n_out=3, bias=True)  (None, 3)              9
        1  Logistic()                          (None, 3)              0
        2  Linear(n_in=3, n_out=2, bias=True)  (None, 2)              8
        3  Softmax()                           (None, 2)              0
        Total parameters: 17 (float64)
        """
        if input_dim is None:
            input_dim = self.n_features_in
            if input_dim is None:
                raise ValueError("input_dim is needed: the network's input width is unknown")
        input_dim = check_int(input_dim, "input_dim", low=1)
        rows = []
        for i, (layer, shape) in enumerate(zip(self.layers, self.output_shapes(input_dim))):
            count = sum(p.size for p in layer.params.values())
            rows.append((str(i), repr(layer), "(" + ", ".join(map(str, shape)) + ")", str(count)))
        header = ("#", "Layer", "Output shape", "Parameters")
        widths = [max(len(r[k]) for r in [header, *rows]) for k in range(4)]

        def line(r: tuple[str, ...]) -> str:
            return (
                f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
                f"{r[3]:>{widths[3]}}"
            ).rstrip()

        dtype = self.dtype
        total = f"Total parameters: {self.n_parameters}" + (f" ({dtype})" if dtype else "")
        return "\n".join([line(header), *map(line, rows), total])

    @property
    def dtype(self) -> np.dtype | None:
        """The parameters' dtype (None for a network without parameters)."""
        for layer in self.layers:
            for value in layer.params.values():
                return value.dtype
        return None

    def astype(self, dtype: DTypeLike) -> Sequential:
        """Convert every parameter to ``dtype`` in place; return self."""
        for layer in self.layers:
            layer.astype(dtype)
        return self

    def clear_cache(self) -> "Sequential":
        """Forget every layer's forward cache (the last batch's activations); return self."""
        for layer in self.layers:
            layer.clear_cache()
        return self

    def train(self) -> "Sequential":
        """Training mode (dropout active)."""
        for layer in self.layers:
            layer.training = True
        return self

    def eval(self) -> "Sequential":
        """Evaluation mode (dropout off)."""
        for layer in self.layers:
            layer.training = False
        return self

    @property
    def stochastic(self) -> bool:
        """Whether some layer behaves differently in training (e.g. dropout)."""
        return any(getattr(layer, "stochastic", False) for layer in self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __repr__(self) -> str:
        inner = ",\n    ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n    {inner},\n])"
