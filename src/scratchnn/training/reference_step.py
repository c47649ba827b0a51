"""The reference training step: the plain path behind ``train(..., fast=False)``.

:class:`ReferenceStep` has the interface of the executor's
:class:`~scratchnn.executor.TrainingStep` but runs the textbook code and nothing else: each
layer's ``forward`` and ``backward`` (:meth:`Sequential.loss_and_gradients
<scratchnn.network.Sequential.loss_and_gradients>`), then the optimiser's own ``step``, one
NumPy expression per formula and one parameter at a time (PyTorch's ``foreach=False``). It is
slower, and it is the path to step through with a debugger while reading the math; the
equivalence suite holds the two paths equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._sparse import is_sparse
from .._validation import as_float_array
from ..executor.step import Step
from ..losses import Loss
from ..network import Sequential
from ..optimizer_base import Optimizer

__all__ = ["ReferenceStep"]


class ReferenceStep(Step):
    """``network``, ``loss`` and ``optimizer`` as one training step on the plain path.

    Parameters
    ----------
    network : Sequential
    loss : Loss
    optimizer : Optimizer
        Any optimiser or :func:`~scratchnn.optimizers.chain`; :meth:`~scratchnn.optimizers.Optimizer.step` updates the parameters.
    """

    def __init__(self, network: Sequential, loss: Loss, optimizer: Optimizer) -> None:
        self.network, self.loss, self.optimizer = network, loss, optimizer
        self._output: np.ndarray | None = None

    def loss_and_gradients(self, x: Any, t: Any, w: Any = None) -> float:
        """The loss of batch ``(x, t)`` with sample weights ``w``; every gradient into
        ``layer.grads`` (:meth:`~scratchnn.network.Sequential.loss_and_gradients`)."""
        x, t, w = self._as_batch(x), self._as_float(t, "t"), self._as_weights(w)
        net = self.network
        z, y = net.forward_with_logits(x)
        if y.shape != t.shape:
            raise ValueError(f"t must have the output's shape {y.shape}, got {t.shape}")
        value = net.loss_value(self.loss, z, y, t, w)
        net.backward_loss(self.loss, y, t, w)
        self._output = y
        return value

    def prepare(self, x: Any, t: Any, w: Any = None) -> float:
        """:meth:`loss_and_gradients` (the executor remembers it for the next update; the
        plain path computes it again)."""
        return self.loss_and_gradients(x, t, w)

    def update(self) -> None:
        """:math:`\\theta \\leftarrow \\theta + \\Delta\\theta` by the optimiser's own ``step``."""
        self.optimizer.step(self.network.parameters(), self.network.gradients())

    def last_output(self) -> np.ndarray | None:
        """A copy of the output of the last :meth:`loss_and_gradients` (None before)."""
        return None if self._output is None else self._output.copy()

    def predict(self, x: Any) -> np.ndarray:
        """The network's output for ``x`` in evaluation mode (:meth:`~scratchnn.network.Sequential.predict`)."""
        return self.network.predict(self._as_batch(x))

    def evaluate(self, x: Any, t: Any, w: Any = None) -> tuple[float, np.ndarray]:
        """``(loss, output)`` of ``x`` against ``t`` in evaluation mode, no gradients."""
        net = self.network
        x, t, w = self._as_batch(x), self._as_float(t, "t"), self._as_weights(w)
        modes = [layer.training for layer in net.layers]
        net.eval()
        try:
            z, y = net.forward_with_logits(x)
        finally:
            for layer, mode in zip(net.layers, modes):
                layer.training = mode
        return net.loss_value(self.loss, z, y, t, w), y

    def _as_batch(self, x: Any) -> Any:
        if is_sparse(x):
            return self.network.check_sparse(x, "x", dtype=self.network.dtype)
        return self._as_float(x, "x")

    def _as_float(self, a: Any, name: str) -> np.ndarray:
        dtype = self.network.dtype or np.float64
        if isinstance(a, np.ndarray) and a.dtype == dtype and a.ndim == 2:
            return a
        return as_float_array(a, name, ndim=2, dtype=dtype)

    def _as_weights(self, w: Any) -> np.ndarray | None:
        return None if w is None else np.asarray(w, dtype=self.network.dtype or np.float64)
