"""A network as a sequence of layers.

Forward runs the layers in order; backward runs them in reverse, each layer filling its
``grads``. When the loss fuses with the last layer (softmax + categorical cross-entropy,
logistic + binary cross-entropy) the backward pass starts below that layer from the fused
gradient :math:`\\partial\\xi/\\partial z = (y - t)/n`.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np

from .layers import Layer
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

        ``x`` is converted to the network's parameter dtype (no copy when it already has it).
        """
        dtype = self.dtype
        if dtype is not None and x.dtype != dtype:
            x = x.astype(dtype)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

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

    def backward_loss(self, loss: Loss, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Backpropagate ``loss`` at output ``y`` (from the last ``forward``) and targets ``t``."""
        if self.fuses_with(loss):
            return self.backward(loss.fused_gradient(y, t), start=len(self.layers) - 2)
        return self.backward(loss.gradient(y, t))

    def loss_and_gradients(self, loss: Loss, x: np.ndarray, t: np.ndarray) -> float:
        """Forward ``x``, return the loss against ``t`` and fill every gradient."""
        y = self.forward(x)
        value = loss.value(y, t)
        self.backward_loss(loss, y, t)
        return value

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Forward pass in evaluation mode (dropout off), the mode restored afterwards."""
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
    def dtype(self) -> np.dtype | None:
        """The parameters' dtype (None for a network without parameters)."""
        for layer in self.layers:
            for value in layer.params.values():
                return value.dtype
        return None

    def astype(self, dtype) -> "Sequential":
        """Convert every parameter to ``dtype`` in place; return self."""
        for layer in self.layers:
            layer.astype(dtype)
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
