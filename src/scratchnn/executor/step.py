"""The compiled training step: one network, loss and optimiser, run fast.

:class:`TrainingStep` runs the reference math of the layers, the loss and the optimiser
(forward, loss, backward, update) through the in-place kernels of this package, with the
gradients and the optimiser state in flat arrays. ``train`` uses it, and so can a user's own
loop::

    step = TrainingStep(net, loss, optimizer)
    for xb, tb in batches:
        value = step(xb, tb)           # forward, loss, backward, update; returns the loss

Nothing is copied out of or moved in the network: its layers keep their parameter arrays
(updated in place), and after each step ``layer.grads`` are views of the flat gradients.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

from .._sparse import is_sparse
from .._validation import as_float_array, check_int, check_same_length
from ..losses import Loss
from ..network import Sequential
from ..optimizer_base import Optimizer
from .flat_update import FLUSH_EVERY, FlatLayout, FlatUpdate
from .layer_kernels import Slot
from .loss_kernels import log_softmax_value, loss_pass

__all__ = ["Step", "TrainingStep", "check_training_objects", "MAX_PLANS"]

#: Batch shapes whose passes (and buffers) a step keeps before it drops them all: training
#: batches (two sizes), the training set and the validation set take four.
MAX_PLANS = 8


def check_training_objects(network: Any, loss: Any, optimizer: Any) -> None:
    """Raise TypeError unless these are a scratchnn Sequential, Loss and Optimizer."""
    if not isinstance(network, Sequential):
        raise TypeError(f"network must be a scratchnn Sequential, got {network!r}")
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be a scratchnn Loss, got {loss!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a scratchnn Optimizer, got {optimizer!r}")


def _plan_key(x: Any) -> tuple:
    """The key of a batch's passes: its shape, marked for a sparse batch (other passes)."""
    return x.shape if isinstance(x, np.ndarray) else ("sparse", *x.shape)


class Step:
    """What every training step shares: one call runs the batch's loss and gradients, then the
    update. Subclasses implement :meth:`loss_and_gradients` and :meth:`update`."""

    def __call__(self, x: Any, t: Any, w: Any = None) -> float:
        """Forward, loss, backward and update on the batch ``(x, t)`` (sample weights ``w``,
        shape (N,), or None); the loss before the update.

        Raises
        ------
        FloatingPointError
            If the loss is NaN or infinite (the batch holds NaN or infinity, or training
            diverged); the parameters are then left as they were.
        """
        value = self.loss_and_gradients(x, t, w)
        if not math.isfinite(value):
            raise FloatingPointError(
                f"the loss is {value}: the batch holds NaN or infinity, or training diverged "
                "(is the learning rate too high?); the parameters were not updated"
            )
        self.update()
        return value

    def loss_and_gradients(self, x: Any, t: Any, w: Any = None) -> float:
        raise NotImplementedError  # pragma: no cover - abstract

    def update(self) -> None:
        raise NotImplementedError  # pragma: no cover - abstract


class TrainingStep(Step):
    """``network``, ``loss`` and ``optimizer`` as one fast training step.

    Parameters
    ----------
    network : Sequential
    loss : Loss
    optimizer : Optimizer
        Any optimiser or :func:`~scratchnn.optimizers.chain`; its ``state`` is kept readable
        (views of the executor's flat buffers).

    flush_every : int, default 16
        Every how many updates the optimiser state's subnormal entries are set to zero (0:
        never): they are slow to compute with on some CPUs (``.flat_update``).

    Notes
    -----
    Every array handed out (:meth:`predict`, :meth:`evaluate`, :meth:`last_output`) is a new
    one; the buffers the kernels reuse stay inside. When a layer's parameter array is replaced
    (not written into), for instance by ``network.astype``, the step binds the new arrays at
    its next call.

    The passes for a shape of input batch are made at its first batch (the kernels' passes
    with their buffers bound, ``.layer_kernels``) and kept for the next ones, so the
    number of input features is checked once per shape, and the loss's normaliser read.

    ``x`` may be a SciPy CSR or CSC matrix when the first layer is a ``Linear``
    (``.layer_kernels``: sparse × dense products); sparse batches have passes of their own.
    """

    def __init__(
        self,
        network: Sequential,
        loss: Loss,
        optimizer: Optimizer,
        *,
        flush_every: int = FLUSH_EVERY,
    ) -> None:
        check_training_objects(network, loss, optimizer)
        self.network, self.loss, self.optimizer = network, loss, optimizer
        self._flush_every = check_int(flush_every, "flush_every", low=0)
        self._output: np.ndarray | None = None
        self.logits: np.ndarray | None = None
        self._params: list[np.ndarray] = []
        self._prepared: tuple | None = None
        self._bind()

    # -- binding ----------------------------------------------------------------------------
    def _bind(self) -> None:
        """Flat gradient storage and one slot per layer for the current parameter arrays."""
        params = self.network.parameters()
        self.fused = self.network.fuses_with(self.loss)
        dtype = params[0].dtype if params else np.dtype(np.float64)
        self.dtype = dtype
        layout = FlatLayout([p.shape for p in params])
        self.grad_flat = np.zeros(layout.size, dtype=dtype)
        views = iter(layout.split(layout.group_views(self.grad_flat)))
        self.slots = []
        for layer in self.network.layers:
            grads = {name: next(views) for name in layer.params}
            layer.grads.update(grads)
            self.slots.append(Slot(layer, grads))
        self.grad_views = [g for slot in self.slots for g in slot.grads.values()]
        # backward from the output (below the output activation when it fuses with the loss)
        # to the first layer, which need not compute the gradient of its input
        last = len(self.slots) - (2 if self.fused else 1)
        self._backward_slots = [(self.slots[i], i > 0) for i in range(last, -1, -1)]
        # by input shape: the forward passes; the loss pass and the backward passes
        self._forwards: dict[tuple, list] = {}
        self._backwards: dict[tuple, tuple] = {}
        self._params = params  # held, so that no other array can take their ids
        self._identity = [
            (layer.params, len(layer.params), tuple(layer.params.items()))
            for layer in self.network.layers
            if layer.params
        ]
        self._layers = list(self.network.layers)
        self._n_in = self.network.n_features_in
        self.update_params = FlatUpdate(
            self.optimizer, params, layout, self.grad_flat, self._flush_every
        )

    @property
    def flush_every(self) -> int:
        """Every how many updates the optimiser state's subnormal entries are set to zero
        (0: never; ``flush_subnormals``)."""
        return self._flush_every

    @flush_every.setter
    def flush_every(self, value: int) -> None:
        self._flush_every = check_int(value, "flush_every", low=0)
        self.update_params.flush_every = self._flush_every

    def _bound(self) -> bool:
        """Whether the network still has the layers and parameter arrays of the binding."""
        if self.network.layers != self._layers:
            return False
        for params, size, items in self._identity:
            if len(params) != size:
                return False
            for name, array in items:
                if params.get(name) is not array:
                    return False
        return True

    # -- the step ---------------------------------------------------------------------------
    def loss_and_gradients(self, x: Any, t: Any, w: Any = None) -> float:
        """The loss of batch ``(x, t)`` with sample weights ``w`` (None: all ones); every
        gradient into ``layer.grads``.

        ``x``, ``t`` and ``w`` are converted to the parameter dtype; finite values (and
        non-negative weights) are the caller's responsibility (``train`` checks its data
        once).
        """
        prepared, self._prepared = self._prepared, None
        if prepared is not None and all(a is b for a, b in zip(prepared, (x, t, w))):
            return prepared[3]
        if not self._bound():
            self._bind()
        x = self._as_batch(x, "x")
        t = self._as_batch(t, "t")
        if x.shape[0] != t.shape[0]:
            check_same_length(x, t, "x", "t")
        if w is not None:
            w = self._as_weights(w, t.shape[0])
        y = self._forward(x)
        if y.shape != t.shape:
            raise ValueError(f"t must have the output's shape {y.shape}, got {t.shape}")
        self._output = y
        plan = self._backwards.get(_plan_key(x))
        if plan is None:
            return self._first_backward(_plan_key(x), y, t, w)
        loss, passes = plan
        value, g = loss(self.logits, y, t, w)
        for backward in passes:
            g = backward(g)
        return value

    def prepare(self, x: Any, t: Any, w: Any = None) -> float:
        """:meth:`loss_and_gradients` now, remembered for the next call with these same
        arrays (``train``'s full-batch epochs: the loss after one update is measured by the
        next update's own forward pass). Any update in between forgets it."""
        value = self.loss_and_gradients(x, t, w)
        self._prepared = (x, t, w, value)
        return value

    def last_output(self) -> np.ndarray | None:
        """A copy of the network's output in the last :meth:`loss_and_gradients` (None
        before the first): the executor's buffer is reused, the copy is yours."""
        return None if self._output is None else self._output.copy()

    def predict(self, x: Any) -> np.ndarray:
        """The network's output for ``x`` in evaluation mode (dropout off), computed by the
        kernels (a new array: yours to keep).

        Gradients already computed are kept: ``train`` evaluates between an update's
        gradients and the next batch.
        """
        if not self._bound():
            self._bind()
        modes = [layer.training for layer in self.network.layers]
        self.network.eval()
        try:
            return self._forward(self._as_batch(x, "x")).copy()
        finally:
            for layer, mode in zip(self.network.layers, modes):
                layer.training = mode

    def evaluate(self, x: Any, t: Any, w: Any = None) -> tuple[float, np.ndarray]:
        """``(loss, output)`` of ``x`` against ``t`` (sample weights ``w``) in evaluation
        mode, without gradients; the output is a new array, as :meth:`predict`'s. A loss
        that fuses with the output layer is computed from that layer's input (exact)."""
        y = self.predict(x)
        t = self._as_batch(t, "t")
        if w is not None:
            w = self._as_weights(w, t.shape[0])
        if self.fused:
            # ``predict`` has just set the logits (the output layer's input) and run the
            # output layer, whose buffers a categorical cross-entropy's value reads
            n = self.loss.normaliser(y)
            value = log_softmax_value(self.loss, self.slots[-1], y.shape, y.dtype, n)
            if w is None and value is not None and t.shape == y.shape:
                return value(t), y
            return self.loss.value_from_logits(cast(np.ndarray, self.logits), t, w), y
        return self.loss.value(y, t, w), y

    def update(self) -> None:
        """Apply the optimiser (and its chain's transformations) to the current gradients."""
        self._prepared = None
        self.update_params()

    # -- passes -----------------------------------------------------------------------------
    def _as_batch(self, a: Any, name: str) -> np.ndarray:
        if isinstance(a, np.ndarray) and a.dtype == self.dtype and a.ndim == 2:
            return a
        if is_sparse(a):  # CSR or CSC in the parameter dtype; finite values unchecked
            return self.network.check_sparse(a, name, dtype=self.dtype, check_finite=False)
        return as_float_array(a, name, ndim=2, dtype=self.dtype)

    def _as_weights(self, w: Any, n: int) -> np.ndarray:
        w = np.asarray(w, dtype=self.dtype)
        if w.shape != (n,):
            raise ValueError(f"w must have shape ({n},) (one weight per sample), got {w.shape}")
        return w

    def _forward(self, x: np.ndarray) -> np.ndarray:
        """The output for ``x``; ``self.logits``: the input of the last layer."""
        passes = self._forwards.get(_plan_key(x))
        if passes is None:
            return self._first_forward(x)
        for forward in passes[:-1]:
            x = forward(x)
        self.logits = x
        return passes[-1](x)

    def _first_forward(self, x: np.ndarray) -> np.ndarray:
        """The forward pass of a new input shape: each kernel's pass made and run."""
        if self._n_in is not None and x.shape[1] != self._n_in:
            self.network.check_features(x, "x")
        if len(self._forwards) >= MAX_PLANS:
            self._drop_plans()
        shape, passes, owned = _plan_key(x), [], False
        for i, slot in enumerate(self.slots):
            if i == len(self.slots) - 1:
                self.logits = x
                # a fused loss reads the output layer's input: not overwritten in place
                owned = owned and not self.fused
            forward, owned = slot.kernel.forward(slot, x, owned)
            x = forward(x)
            passes.append(forward)
        self._forwards[shape] = passes
        return x

    def _first_backward(
        self, shape: tuple, y: np.ndarray, t: np.ndarray, w: np.ndarray | None
    ) -> float:
        """Loss and backward passes of a new input shape, made and run (its forward pass
        was made just before: no more shapes than forward passes)."""
        loss, owned = loss_pass(self.loss, self.slots[-1], y, self.fused)
        value, g = loss(self.logits, y, t, w)
        passes = []
        for slot, need_input in self._backward_slots:
            backward, owned = slot.kernel.backward(slot, g, owned, need_input)
            g = backward(g)
            passes.append(backward)
        self._backwards[shape] = (loss, passes)
        return value

    def _drop_plans(self) -> None:
        """Forget every shape's passes and the buffers they use (too many batch shapes)."""
        self._forwards.clear()
        self._backwards.clear()
        for slot in self.slots:
            slot.buffers.clear()
