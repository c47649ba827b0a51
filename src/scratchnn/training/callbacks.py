"""Callbacks: one protocol for everything that happens around the training loop.

Every unit that is not the loop itself is a :class:`Callback` (keras's shape): the history
recorder, the divergence check, the progress bar (:mod:`.progress`), early stopping, and the
user's own. A plain function ``f(history) -> bool | None`` is accepted wherever a callback is
and runs after every epoch (:class:`FunctionCallback`); a true return value stops training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .._validation import check_choice, check_int, check_real
from ..losses import Loss
from ..network import Sequential
from ..optimizer_base import Optimizer
from .history import History

__all__ = [
    "TrainingContext",
    "Callback",
    "CallbackList",
    "FunctionCallback",
    "as_callback",
    "EarlyStopping",
]


@dataclass
class TrainingContext:
    """What a :class:`Callback` hook sees.

    Attributes
    ----------
    network, loss, optimizer : the objects being trained
    history : History
        Filled so far.
    epochs : int
        Epochs requested.
    epoch : int
        Current epoch (1-based; 0 in ``on_train_begin``).
    batch : int
        Current batch within the epoch (1-based; 0 outside the batch loop).
    batch_loss : float
        Loss of the current batch, measured before its update.
    learning_rate : float
        Learning rate of the current batch's update.
    outputs, targets : ndarray
        The current batch's network outputs (before its update) and targets: each read
        gives a new copy, yours to keep (the training loop reuses its buffers).
    weights : ndarray or None
        The current batch's sample weights (``train(..., sample_weight=...)``), else None;
        a copy as well.
    """

    network: Sequential
    loss: Loss
    optimizer: Optimizer
    history: History
    epochs: int
    epoch: int = 0
    batch: int = 0
    batch_loss: float = math.nan
    learning_rate: float = math.nan
    #: The source of ``outputs``: a function returning a copy (the step's
    #: ``last_output``), or None.
    output_source: Callable[[], Any] | None = field(default=None, repr=False)
    batch_targets: Any = field(default=None, repr=False)
    batch_weights: Any = field(default=None, repr=False)

    @property
    def outputs(self) -> Any:
        return None if self.output_source is None else self.output_source()

    @property
    def targets(self) -> Any:
        return None if self.batch_targets is None else self.batch_targets.copy()

    @property
    def weights(self) -> Any:
        return None if self.batch_weights is None else self.batch_weights.copy()


class Callback:
    """Base class for callbacks; every hook does nothing by default.

    ``on_train_begin`` runs after the initial evaluation (``history`` holds index 0);
    ``on_before_update`` after every batch's loss and gradients, before the update;
    ``on_batch_end`` after every update; ``on_epoch_end`` after every epoch's evaluation
    (return True to stop training); ``on_train_end`` when training ends for any reason
    (completed, stopped, interrupted, or failed before the error propagates).
    A callback may raise ``KeyboardInterrupt`` to stop training as Ctrl-C does.
    """

    def on_train_begin(self, context: TrainingContext) -> None:
        """Called once before the first update."""

    def on_before_update(self, context: TrainingContext) -> None:
        """Called with every batch's loss and gradients, before the update."""

    def on_batch_end(self, context: TrainingContext) -> None:
        """Called after every update."""

    def on_epoch_end(self, context: TrainingContext) -> bool | None:
        """Called after every epoch; a true return value stops training."""
        return None

    def on_train_end(self, context: TrainingContext) -> None:
        """Called once when training ends."""


class FunctionCallback(Callback):
    """A plain function ``f(history) -> bool | None`` run after every epoch."""

    def __init__(self, function: Callable[[History], Any]) -> None:
        self.function = function

    def on_epoch_end(self, context: TrainingContext) -> bool:
        return bool(self.function(context.history))

    def __repr__(self) -> str:
        return f"FunctionCallback({self.function!r})"


def as_callback(value: Any, name: str) -> Callback:
    """``value`` if it is a :class:`Callback`, a :class:`FunctionCallback` for a callable."""
    if isinstance(value, Callback):
        return value
    if callable(value):
        return FunctionCallback(value)
    raise TypeError(f"{name} must be a Callback or a callable(history), got {value!r}")


class CallbackList:
    """Callbacks called in order. ``on_train_end`` reaches only those that began.

    The per-batch hooks call only the callbacks that define them (a no-op hook costs a
    Python call on every batch).
    """

    def __init__(self, callbacks: Sequence[Callback]) -> None:
        self.callbacks = list(callbacks)
        self.started: list[Callback] = []
        self._before_update = self._defining("on_before_update")
        self._batch_end = self._defining("on_batch_end")

    def _defining(self, hook: str) -> list[Callable[[TrainingContext], Any]]:
        default = getattr(Callback, hook)
        return [
            getattr(c, hook) for c in self.callbacks if getattr(type(c), hook, None) is not default
        ]

    def on_train_begin(self, context: TrainingContext) -> None:
        for callback in self.callbacks:
            self.started.append(callback)
            callback.on_train_begin(context)

    def on_before_update(self, context: TrainingContext) -> None:
        for hook in self._before_update:
            hook(context)

    def on_batch_end(self, context: TrainingContext) -> None:
        for hook in self._batch_end:
            hook(context)

    def on_epoch_end(self, context: TrainingContext) -> bool:
        stops = [bool(callback.on_epoch_end(context)) for callback in self.callbacks]
        return any(stops)

    def on_train_end(self, context: TrainingContext) -> None:
        for callback in self.started:
            callback.on_train_end(context)


class EarlyStopping(Callback):
    """Stop when a monitored per-epoch value stops improving; optionally restore the best
    weights.

    Parameters
    ----------
    monitor : str, default "validation_loss"
        A :meth:`History.series` name: ``"validation_loss"``, ``"train_loss"``,
        ``"validation_accuracy"``, ``"train_<metric>"`` …
    patience : int, default 10
        Stop after this many consecutive epochs without improvement (>= 1).
    min_delta : float, default 0
        An improvement must beat the reference value by more than this.
    mode : {"auto", "min", "max"}, default "auto"
        Whether smaller or larger is better; "auto": "min" for losses, "max" otherwise.
    restore_best : bool, default True
        When training ends (for any reason), copy the parameters of the best epoch back
        into the network (in place). The initial state (epoch 0) is a candidate too.
    compare : {"best", "previous"}, default "best"
        What an epoch must improve on: the best value so far, or the previous epoch's value.
    min_epochs : int, default 0
        Never stop before this epoch.

    Attributes
    ----------
    best_value, best_epoch : float, int
        Best monitored value seen and its epoch (0: before training); the epoch is also
        stored in ``history.best_epoch``.
    wait : int
        Consecutive epochs without improvement.
    stopped_epoch : int or None
        Epoch after which this callback stopped training.
    restored : bool
        Whether the best weights were copied back at the end.

    Notes
    -----
    Epoch ``e`` improves when :math:`v_e < r - \\delta` ("min") or :math:`v_e > r + \\delta`
    ("max"), :math:`r` the reference; training stops once ``wait >= patience`` and
    ``e >= min_epochs``. scikit-learn's ``n_iter_no_change=k`` with ``tol`` is
    ``EarlyStopping(patience=k + 1, min_delta=tol)``. The series' Part 5 rule, stop once more
    than three validation costs exist and the last three never decrease, is
    ``EarlyStopping(patience=2, compare="previous", min_epochs=4, restore_best=False)``.
    """

    def __init__(
        self,
        monitor: str = "validation_loss",
        patience: int = 10,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best: bool = True,
        compare: str = "best",
        min_epochs: int = 0,
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a string, got {monitor!r}")
        self.monitor = monitor
        self.patience = check_int(patience, "patience", low=1)
        self.min_delta = check_real(min_delta, "min_delta", "[0, inf)")
        self.mode = check_choice(mode, "mode", ("auto", "min", "max"))
        self.restore_best = bool(restore_best)
        self.compare = check_choice(compare, "compare", ("best", "previous"))
        self.min_epochs = check_int(min_epochs, "min_epochs", low=0)
        self._reset()

    def _reset(self) -> None:
        self.best_value = math.nan
        self.previous_value = math.nan
        self.best_epoch = 0
        self.wait = 0
        self.stopped_epoch: int | None = None
        self.restored = False
        self._best_params: dict[str, np.ndarray] | None = None

    @property
    def minimise(self) -> bool:
        if self.mode == "auto":
            return self.monitor.endswith("loss")
        return self.mode == "min"

    def _better(self, value: float, reference: float, delta: float) -> bool:
        if math.isnan(reference):
            return not math.isnan(value)
        if self.minimise:
            return value < reference - delta
        return value > reference + delta

    def _series(self, history: History) -> list[float]:
        try:
            series = history.series(self.monitor)
        except KeyError:
            series = []
        if not series:
            raise ValueError(
                f"EarlyStopping monitor {self.monitor!r} is not recorded: use "
                "'train_loss', 'validation_loss' (needs validation_data or "
                "validation_fraction) or 'train_<metric>'/'validation_<metric>' for a metric "
                "passed in metrics="
            )
        return series

    def _observe(self, context: TrainingContext) -> None:
        value = float(self._series(context.history)[-1])
        reference = self.best_value if self.compare == "best" else self.previous_value
        self.wait = 0 if self._better(value, reference, self.min_delta) else self.wait + 1
        self.previous_value = value
        if self._better(value, self.best_value, self.min_delta if self.compare == "best" else 0):
            self.best_value, self.best_epoch = value, context.epoch
            if self.restore_best:
                network = context.network
                self._best_params = {n: p.copy() for n, p in network.named_parameters()}
        context.history.best_epoch = self.best_epoch

    def on_train_begin(self, context: TrainingContext) -> None:
        self._reset()
        self._observe(context)

    def on_epoch_end(self, context: TrainingContext) -> bool:
        self._observe(context)
        if self.wait >= self.patience and context.epoch >= self.min_epochs:
            self.stopped_epoch = context.epoch
            return True
        return False

    def on_train_end(self, context: TrainingContext) -> None:
        if not self.restore_best or self._best_params is None:
            return
        current = dict(context.network.named_parameters())
        for name, value in self._best_params.items():
            current[name][...] = value
        self.restored = True

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
            f"min_delta={self.min_delta!r}, mode={self.mode!r}, "
            f"restore_best={self.restore_best}, compare={self.compare!r}, "
            f"min_epochs={self.min_epochs})"
        )
