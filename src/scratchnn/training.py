"""The training loop: full-batch, online and mini-batch gradient descent with a history.

One epoch visits every training sample once. The samples are split into
``max(1, N // batch_size)`` consecutive mini-batches whose sizes differ by at most one, as
``np.array_split`` does (the series' Part 5: 1078 samples, ``batch_size=25`` → 43 batches,
3 of 26 and 40 of 25). ``batch_size=None`` is full-batch gradient descent (one update an
epoch, the "iterations" of Parts 1–4), ``batch_size=1`` online learning. With
``shuffle=True`` the samples are permuted by ``rng`` before each epoch; with
``shuffle=False`` the batches are fixed and visited in the same order every epoch.

Every update is: forward the batch, record its loss, backpropagate, add the weight-decay
gradient (``weight_decay``), clip the global gradient norm (``clip_norm``), optimiser step.
After every epoch the loss (and the requested ``metrics``) on the whole training set and on
the validation data are recorded in the :class:`History`, in evaluation mode (dropout off);
then early stopping and the callbacks are asked whether to stop.

Callbacks are plain functions ``callback(history) -> bool | None`` called after every epoch
(True stops training), or :class:`Callback` objects with hooks for the start and end of
training and the end of every batch and epoch (:class:`EarlyStopping` is one).

Ctrl-C stops training and leaves a usable model: while :func:`train` runs in the main thread
it defers SIGINT until the update in progress is complete, so the parameters are never left
half-updated; the history is returned with ``interrupted=True``.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence, Union

import numpy as np

from ._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_int,
    check_real,
    check_same_length,
)
from .losses import Loss
from .network import Sequential
from .optimizers import Optimizer
from .regularization import add_weight_decay, clip_by_global_norm, decay_mask

__all__ = [
    "History",
    "TrainingDivergedError",
    "TrainingContext",
    "Callback",
    "EarlyStopping",
    "METRICS",
    "accuracy",
    "train",
    "tutorial_early_stopping",
    "split_batches",
]


class TrainingDivergedError(FloatingPointError, ValueError):
    """The loss became NaN or infinite during training.

    Attributes
    ----------
    epoch : int
        1-based epoch in which it happened (0: before training).
    batch : int
        1-based mini-batch within that epoch (0: the end-of-epoch evaluation).
    history : History
        Everything recorded up to that point.
    """

    def __init__(self, message: str, epoch: int, batch: int, history: "History") -> None:
        super().__init__(message)
        self.epoch = epoch
        self.batch = batch
        self.history = history


@dataclass
class History:
    """What happened during training.

    Lists indexed by epoch start with the state *before* training (index 0), so after
    ``E`` epochs they hold ``E + 1`` values.

    Attributes
    ----------
    train_loss : list of float
        Loss on the whole training set after each epoch (index 0: initial), evaluation mode.
        The data loss only: the weight-decay penalty is not included.
    validation_loss : list of float
        Same on the validation data (empty without validation data).
    batch_loss : list of float
        Loss of every mini-batch, measured just before its update (training mode).
    learning_rate : list of float
        Learning rate used by each update.
    params : list of dict
        With ``record_params=True``: a copy of every parameter, by name, after each epoch
        (index 0: initial).
    epochs : int
        Epochs completed.
    stopped_early : bool
        Whether early stopping or a callback ended training before ``epochs``.
    interrupted : bool
        Whether Ctrl-C (a ``KeyboardInterrupt``) ended training; the network keeps its last
        complete update.
    train_metrics, validation_metrics : dict of str to list of float
        Per-epoch values of every requested metric (index 0: initial), e.g.
        ``train_metrics["accuracy"]``.
    grad_norm : list of float
        With ``clip_norm``: the global gradient norm of every update, before clipping.
    batches_per_epoch : int
        Number of updates in one epoch.
    best_epoch : int or None
        Set by :class:`EarlyStopping`: the epoch with the best monitored value (0: initial).
    """

    train_loss: list[float] = field(default_factory=list)
    validation_loss: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    params: list[dict[str, np.ndarray]] = field(default_factory=list)
    epochs: int = 0
    stopped_early: bool = False
    interrupted: bool = False
    train_metrics: dict[str, list[float]] = field(default_factory=dict)
    validation_metrics: dict[str, list[float]] = field(default_factory=dict)
    grad_norm: list[float] = field(default_factory=list)
    batches_per_epoch: int = 0
    best_epoch: int | None = None

    @property
    def train_accuracy(self) -> list[float]:
        """``train_metrics["accuracy"]`` (empty when accuracy was not requested)."""
        return self.train_metrics.get("accuracy", [])

    @property
    def validation_accuracy(self) -> list[float]:
        """``validation_metrics["accuracy"]`` (empty when not requested or no validation)."""
        return self.validation_metrics.get("accuracy", [])

    def series(self, name: str) -> list[float]:
        """A per-epoch series by name: ``"train_loss"``, ``"validation_loss"``,
        ``"train_<metric>"`` or ``"validation_<metric>"``.

        Raises
        ------
        KeyError
            For any other name.
        """
        if name in ("train_loss", "validation_loss"):
            return getattr(self, name)
        tables = (("train_", self.train_metrics), ("validation_", self.validation_metrics))
        for prefix, table in tables:
            if name.startswith(prefix) and name[len(prefix) :] in table:
                return table[name[len(prefix) :]]
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of everything except ``params``."""
        return {
            "train_loss": list(self.train_loss),
            "validation_loss": list(self.validation_loss),
            "batch_loss": list(self.batch_loss),
            "learning_rate": list(self.learning_rate),
            "epochs": self.epochs,
            "stopped_early": self.stopped_early,
            "interrupted": self.interrupted,
            "train_metrics": {k: list(v) for k, v in self.train_metrics.items()},
            "validation_metrics": {k: list(v) for k, v in self.validation_metrics.items()},
            "grad_norm": list(self.grad_norm),
            "batches_per_epoch": self.batches_per_epoch,
            "best_epoch": self.best_epoch,
        }


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------


def accuracy(y: np.ndarray, t: np.ndarray) -> float:
    """Fraction of samples classified correctly.

    With one output column (a logistic output), the class is :math:`[y > 0.5]` against
    :math:`[t > 0.5]` (the series' ``round(y)``); with several (softmax or one-hot), the
    arg-max of each row of ``y`` against that of ``t``.
    """
    if y.shape[1] == 1:
        return float(np.mean((y > 0.5) == (t > 0.5)))
    return float(np.mean(np.argmax(y, axis=1) == np.argmax(t, axis=1)))


#: Metrics by name: ``metric(y, t) -> float`` of outputs and targets, shape (N, n_out).
METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {"accuracy": accuracy}

Metric = Callable[[np.ndarray, np.ndarray], float]
Metrics = Union[Sequence[Union[str, Metric]], Mapping[str, Metric]]


def _resolve_metrics(metrics: Metrics) -> list[tuple[str, Metric]]:
    if isinstance(metrics, str):
        metrics = (metrics,)
    items: list[tuple[str, Any]] = []
    if isinstance(metrics, Mapping):
        items = list(metrics.items())
    else:
        for m in metrics:
            if isinstance(m, str):
                if m not in METRICS:
                    raise ValueError(
                        f"metrics: unknown metric {m!r}; known: {', '.join(METRICS)}, "
                        "or pass a callable metric(y, t) -> float"
                    )
                items.append((m, METRICS[m]))
            elif callable(m):
                items.append((getattr(m, "__name__", repr(m)), m))
            else:
                raise TypeError(f"metrics must hold names or callables, got {m!r}")
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics must have distinct names, got {names}")
    for name, fn in items:
        if not isinstance(name, str) or not callable(fn):
            raise TypeError(f"metrics must map names to callables, got {name!r}: {fn!r}")
    return items


# ---------------------------------------------------------------------------------------------
# Callbacks and early stopping
# ---------------------------------------------------------------------------------------------


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
    """

    network: Sequential
    loss: Loss
    optimizer: Optimizer
    history: History
    epochs: int
    epoch: int = 0
    batch: int = 0


class Callback:
    """Base class for callbacks with hooks; every hook does nothing by default.

    ``on_train_begin`` runs after the initial evaluation (``history`` holds index 0),
    ``on_batch_end`` after every update, ``on_epoch_end`` after every epoch's evaluation
    (return True to stop training), ``on_train_end`` when training ends for any reason
    (completed, stopped, interrupted, or diverged before the error propagates).
    A callback may raise ``KeyboardInterrupt`` to stop training as Ctrl-C does.
    """

    def on_train_begin(self, context: TrainingContext) -> None:
        """Called once before the first update."""

    def on_batch_end(self, context: TrainingContext) -> None:
        """Called after every update."""

    def on_epoch_end(self, context: TrainingContext) -> bool | None:
        """Called after every epoch; a true return value stops training."""
        return None

    def on_train_end(self, context: TrainingContext) -> None:
        """Called once when training ends."""


class EarlyStopping(Callback):
    """Stop when a monitored per-epoch value stops improving; restore the best weights.

    Usable as ``train(..., early_stopping=EarlyStopping(...))`` or among ``callbacks``.

    Parameters
    ----------
    monitor : str, default "validation_loss"
        A :meth:`History.series` name: ``"validation_loss"``, ``"train_loss"``,
        ``"validation_accuracy"``, ``"train_<metric>"`` …
    patience : int, default 10
        Stop after this many consecutive epochs without improvement (>= 1).
    min_delta : float, default 0
        An improvement must beat the best value by more than this.
    mode : {"auto", "min", "max"}, default "auto"
        Whether smaller or larger is better; "auto": "min" for losses, "max" otherwise.
    restore_best : bool, default True
        When training ends (for any reason), copy the parameters of the best epoch back
        into the network (in place). The initial state (epoch 0) is a candidate too.

    Attributes
    ----------
    best_value : float
        Best monitored value seen.
    best_epoch : int
        Its epoch (0: before training); also stored in ``history.best_epoch``.
    wait : int
        Epochs since the last improvement.
    stopped_epoch : int or None
        Epoch after which this callback stopped training.
    restored : bool
        Whether the best weights were copied back at the end (always, with
        ``restore_best``, once training has started).

    Notes
    -----
    Epoch ``e`` improves when :math:`v_e < v^* - \\delta` ("min") or
    :math:`v_e > v^* + \\delta` ("max"); training stops once ``wait == patience``.
    scikit-learn's ``n_iter_no_change=k`` with ``tol`` stops after ``k + 1`` such epochs:
    ``EarlyStopping(patience=k + 1, min_delta=tol)``.
    """

    def __init__(
        self,
        monitor: str = "validation_loss",
        patience: int = 10,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best: bool = True,
    ) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a string, got {monitor!r}")
        self.monitor = monitor
        self.patience = check_int(patience, "patience", low=1)
        self.min_delta = check_real(min_delta, "min_delta", "[0, inf)")
        self.mode = check_choice(mode, "mode", ("auto", "min", "max"))
        self.restore_best = bool(restore_best)
        self._reset()

    def _reset(self) -> None:
        self.best_value = math.nan
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

    def _improved(self, value: float) -> bool:
        if math.isnan(self.best_value):
            return not math.isnan(value)
        if self.minimise:
            return value < self.best_value - self.min_delta
        return value > self.best_value + self.min_delta

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
        if self._improved(value):
            self.best_value = value
            self.best_epoch = context.epoch
            self.wait = 0
            if self.restore_best:
                self._best_params = {
                    name: p.copy() for name, p in context.network.named_parameters()
                }
        else:
            self.wait += 1
        context.history.best_epoch = self.best_epoch

    def on_train_begin(self, context: TrainingContext) -> None:
        self._reset()
        self._observe(context)

    def on_epoch_end(self, context: TrainingContext) -> bool:
        self._observe(context)
        if self.wait >= self.patience:
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
            f"restore_best={self.restore_best})"
        )


def tutorial_early_stopping(history: History) -> bool:
    """The series' rule (Part 5): stop when more than 3 validation costs exist and the last
    three never decrease, :math:`v_{-1} \\ge v_{-2} \\ge v_{-3}`.

    Only the end-of-epoch costs count (``history.validation_loss[1:]``).
    """
    v = history.validation_loss[1:]
    return len(v) > 3 and v[-1] >= v[-2] >= v[-3]


def split_batches(n_samples: int, batch_size: int | None) -> list[slice]:
    """Consecutive slices: ``max(1, n_samples // batch_size)`` batches, sizes differing by
    at most one (``np.array_split``'s rule); one slice when ``batch_size`` is None."""
    if batch_size is None or batch_size >= n_samples:
        return [slice(0, n_samples)]
    n_batches = max(1, n_samples // batch_size)
    size, extra = divmod(n_samples, n_batches)
    slices, start = [], 0
    for i in range(n_batches):
        stop = start + size + (1 if i < extra else 0)
        slices.append(slice(start, stop))
        start = stop
    return slices


# ---------------------------------------------------------------------------------------------
# Ctrl-C and the progress bar
# ---------------------------------------------------------------------------------------------


class _InterruptFlag:
    requested = False


@contextmanager
def _deferred_sigint() -> Iterator[_InterruptFlag]:
    """While active (main thread, default SIGINT handler only), Ctrl-C sets a flag instead
    of raising ``KeyboardInterrupt`` wherever Python happens to be."""
    flag = _InterruptFlag()
    install = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    if not install:
        yield flag
        return

    def handler(signum, frame) -> None:
        flag.requested = True

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _progress_bar(verbose: int, epochs: int):
    """A tqdm bar over epochs on stderr when ``verbose >= 1`` and stderr is a terminal."""
    stream = sys.stderr
    isatty = getattr(stream, "isatty", None)
    if verbose < 1 or stream is None or not callable(isatty) or not isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=epochs, file=stream, unit="epoch", desc="training", dynamic_ncols=True)


Callback_ = Union[Callable[[History], Any], Callback]


def _check_callback(value: Any, name: str) -> None:
    if not (isinstance(value, Callback) or callable(value)):
        raise TypeError(f"{name} must be a Callback or a callable(history), got {value!r}")


# ---------------------------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------------------------


def train(
    network: Sequential,
    loss: Loss,
    optimizer: Optimizer,
    X: Any,
    T: Any,
    *,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool = False,
    rng: Any = None,
    validation_data: tuple[Any, Any] | None = None,
    validation_fraction: float | None = None,
    early_stopping: Callable[[History], bool] | Callback | None = None,
    callbacks: Sequence[Callback_] = (),
    record_params: bool = False,
    metrics: Metrics = (),
    weight_decay: float = 0.0,
    decay_biases: bool = False,
    clip_norm: float | None = None,
    verbose: int = 0,
    epoch_loss: str = "full",
) -> History:
    """Train ``network`` on ``(X, T)`` and return the :class:`History`.

    Parameters
    ----------
    network : Sequential
        Trained in place. Its parameters are converted to the dtype of ``X`` (float32 data
        trains float32 parameters; integer data is treated as float64).
    loss : Loss
    optimizer : Optimizer
        Its state is created on first use (``step_count == 0``) and otherwise continued, so
        calling ``train`` again resumes (``partial_fit``).
    X : array_like, shape (N, n_in)
    T : array_like, shape (N, n_out)
    epochs : int
        Number of passes over the data (>= 0).
    batch_size : int or None, default None
        None: full batch; 1: online; otherwise mini-batches (see module docs).
    shuffle : bool, default False
        Permute the samples with ``rng`` before every epoch.
    rng : None, int, Generator or RandomState
        Used for ``shuffle`` and ``validation_fraction`` (ignored otherwise). An int or None
        seeds a new ``numpy.random.default_rng``.
    validation_data : (X_val, T_val), optional
        Evaluated after every epoch into ``history.validation_loss`` (and metrics).
    validation_fraction : float in (0, 1), optional
        Instead of ``validation_data``: hold out ``ceil(fraction * N)`` samples drawn with
        ``rng`` (the first ``n_val`` entries of ``rng.permutation(N)``, drawn before any
        shuffling); the remaining samples keep their order and are trained on.
    early_stopping : callable or Callback, optional
        ``rule(history) -> bool`` checked after every epoch; True stops training (for
        instance :func:`tutorial_early_stopping`), or an :class:`EarlyStopping`.
    callbacks : sequence of callable or Callback
        ``callback(history)`` called after every epoch; a true return value stops training.
        :class:`Callback` objects get all their hooks.
    record_params : bool, default False
        Keep a copy of every parameter after every epoch in ``history.params``.
    metrics : sequence of str or callable, or mapping of name to callable
        Per-epoch metrics of the training and validation predictions, e.g.
        ``("accuracy",)`` (see :data:`METRICS`) or ``{"r2": r2(y, t)}``; recorded in
        ``history.train_metrics`` and ``history.validation_metrics``.
    weight_decay : float, default 0
        L2 penalty :math:`\\frac{\\lambda}{2}\\lVert W\\rVert^2`: :math:`\\lambda W` is added to the
        gradient of every weight matrix (arrays with >= 2 dimensions) before the step.
    decay_biases : bool, default False
        Apply ``weight_decay`` to biases (1-D parameters) too.
    clip_norm : float, optional
        Rescale the gradients so their global norm is at most this
        (:func:`scratchnn.regularization.clip_by_global_norm`), after weight decay; the
        norms are recorded in ``history.grad_norm``.
    verbose : int, default 0
        ``>= 1`` shows a tqdm progress bar over epochs when stderr is a terminal.
    epoch_loss : {"full", "batches"}, default "full"
        How ``history.train_loss`` (and the training metrics) are measured each epoch.
        ``"full"``: a forward pass over the whole training set after the epoch (what the
        series records). ``"batches"``: the sample-weighted mean of the epoch's mini-batch
        values, measured before each update — no extra pass, so faster for large data; the
        initial entry (index 0) is then NaN (not evaluated). Full-batch training without
        validation data gets the exact values for free either way.

    Returns
    -------
    History

    Raises
    ------
    TypeError, ValueError
        For bad arguments (named in the message), checked once before training.
    TrainingDivergedError
        When the loss becomes NaN or infinite; it names the epoch and batch and carries the
        history so far.
    """
    if not isinstance(network, Sequential):
        raise TypeError(f"network must be a scratchnn Sequential, got {network!r}")
    if not isinstance(loss, Loss):
        raise TypeError(f"loss must be a scratchnn Loss, got {loss!r}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a scratchnn Optimizer, got {optimizer!r}")
    X = as_float_array(X, "X", ndim=2)
    T = as_float_array(T, "T", ndim=2, dtype=X.dtype)
    check_same_length(X, T, "X", "T")
    network._check_features(X, "X")
    n_out = network.output_shapes(X.shape[1])[-1][-1]
    if T.shape[1] != n_out:
        raise ValueError(
            f"T must have {n_out} columns (the network's outputs), got shape {T.shape}"
        )
    epochs = check_int(epochs, "epochs", low=0)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", low=1)
    if validation_data is not None and validation_fraction is not None:
        raise ValueError("pass validation_data or validation_fraction, not both")
    has_validation = validation_data is not None or validation_fraction is not None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(
                f"validation_data must be a pair (X_val, T_val), got {type(validation_data)}"
            )
        X_val = as_float_array(validation_data[0], "X_val", ndim=2, dtype=X.dtype)
        T_val = as_float_array(validation_data[1], "T_val", ndim=2, dtype=X.dtype)
        check_same_length(X_val, T_val, "X_val", "T_val")
        network._check_features(X_val, "X_val")
        if T_val.shape[1] != n_out:
            raise ValueError(f"T_val must have {n_out} columns, got shape {T_val.shape}")
    if validation_fraction is not None:
        validation_fraction = check_real(validation_fraction, "validation_fraction", "(0, 1)")
    rng = as_rng(rng) if (shuffle or validation_fraction is not None) else None
    if validation_fraction is not None:
        n_val = math.ceil(validation_fraction * X.shape[0])
        if X.shape[0] - n_val < 1:
            raise ValueError(
                f"validation_fraction={validation_fraction} of {X.shape[0]} samples leaves "
                "no training samples"
            )
        order = rng.permutation(X.shape[0])
        val_idx, train_idx = order[:n_val], np.sort(order[n_val:])
        X_val, T_val = X[val_idx], T[val_idx]
        X, T = X[train_idx], T[train_idx]
    metric_fns = _resolve_metrics(metrics)
    weight_decay = check_real(weight_decay, "weight_decay", "[0, inf)")
    if clip_norm is not None:
        clip_norm = check_real(clip_norm, "clip_norm", "(0, inf)")
    verbose = check_int(verbose, "verbose", low=0)
    epoch_loss = check_choice(epoch_loss, "epoch_loss", ("full", "batches"))
    if early_stopping is not None:
        _check_callback(early_stopping, "early_stopping")
    callbacks = list(callbacks)
    for i, callback in enumerate(callbacks):
        _check_callback(callback, f"callbacks[{i}]")
    all_callbacks = ([early_stopping] if early_stopping is not None else []) + callbacks
    hooked = [c for c in all_callbacks if isinstance(c, Callback)]

    network.astype(X.dtype)
    network.train()
    params = network.parameters()
    grads = network.gradients()
    if optimizer.step_count == 0:
        optimizer.init(params)
    decays = decay_mask(params, decay_biases) if weight_decay else None

    history = History()
    for name, _ in metric_fns:
        history.train_metrics[name] = []
        if has_validation:
            history.validation_metrics[name] = []
    batches = split_batches(X.shape[0], batch_size)
    history.batches_per_epoch = len(batches)
    context = TrainingContext(network, loss, optimizer, history, epochs)
    # Full batch without stochastic layers: the loss at the start of an epoch is the
    # training loss after the previous one, so no separate evaluation pass is needed. Not
    # with validation data: evaluating it would overwrite the layers' forward caches
    # between the forward and backward passes of the update.
    reuse_batch_loss = (
        len(batches) == 1 and not shuffle and not network.stochastic and not has_validation
    )
    batch_means = epoch_loss == "batches" and not reuse_batch_loss
    n_train = X.shape[0]

    def finite(value: float, epoch: int, batch: int, what: str) -> float:
        if not math.isfinite(value):
            lr = optimizer.current_learning_rate
            where = f"epoch {epoch}, batch {batch}" if batch else f"the end of epoch {epoch}"
            raise TrainingDivergedError(
                f"{what} became {value} at {where}: training diverged "
                f"(learning rate {lr:g} may be too high)",
                epoch,
                batch,
                history,
            )
        return value

    def end_of_epoch(
        epoch: int,
        y_train: np.ndarray | None = None,
        train_value: float | None = None,
        train_metrics: dict[str, float] | None = None,
    ) -> None:
        """Record the epoch; ``y_train``/``train_value`` reuse a full-batch forward pass,
        ``train_value``/``train_metrics`` alone are the epoch's batch means."""
        if train_metrics is not None:
            history.train_loss.append(
                finite(train_value, epoch, 0, "training loss") if epoch else math.nan
            )
            for name, _ in metric_fns:
                history.train_metrics[name].append(train_metrics[name])
        else:
            if y_train is None:
                y_train = network._predict(X)
                train_value = loss.value(y_train, T)
            history.train_loss.append(finite(train_value, epoch, 0, "training loss"))
            for name, fn in metric_fns:
                history.train_metrics[name].append(float(fn(y_train, T)))
        if has_validation:
            y_val = network._predict(X_val)
            history.validation_loss.append(
                finite(loss.value(y_val, T_val), epoch, 0, "validation loss")
            )
            for name, fn in metric_fns:
                history.validation_metrics[name].append(float(fn(y_val, T_val)))
        if record_params:
            history.params.append({n: p.copy() for n, p in network.named_parameters()})

    def update(sigint: _InterruptFlag) -> None:
        """Weight decay, clipping and the optimiser step, then the batch hooks."""
        if weight_decay:
            add_weight_decay(params, grads, weight_decay, decays)
        if clip_norm is not None:
            history.grad_norm.append(clip_by_global_norm(grads, clip_norm))
        optimizer.step(params, grads)
        for callback in hooked:
            callback.on_batch_end(context)
        if sigint.requested:
            raise KeyboardInterrupt

    progress = _progress_bar(verbose, epochs)
    started: list[Callback] = []
    # Overflow to inf/NaN is detected (TrainingDivergedError names where), not warned about.
    network._reuse_buffers(True)
    with np.errstate(over="ignore", invalid="ignore"), _deferred_sigint() as sigint:
        try:
            if reuse_batch_loss:
                y = network._forward(X)
                current = network._loss_gradients(loss, y, T)
                end_of_epoch(0, y, current)
            elif batch_means:
                end_of_epoch(0, train_value=math.nan, train_metrics=dict.fromkeys(
                    (name for name, _ in metric_fns), math.nan))
            else:
                end_of_epoch(0)
            for callback in hooked:
                started.append(callback)
                callback.on_train_begin(context)
            for epoch in range(1, epochs + 1):
                context.epoch = epoch
                if reuse_batch_loss:
                    context.batch = 1
                    history.batch_loss.append(current)
                    history.learning_rate.append(optimizer.current_learning_rate)
                    update(sigint)
                    y = network._forward(X)
                    # the loss after this update, and the gradients for the next one
                    current = network._loss_gradients(loss, y, T)
                else:
                    if shuffle:
                        order = rng.permutation(X.shape[0])
                        Xe, Te = X[order], T[order]
                    else:
                        Xe, Te = X, T
                    epoch_total = 0.0
                    metric_totals = dict.fromkeys((name for name, _ in metric_fns), 0.0)
                    for b, s in enumerate(batches, start=1):
                        context.batch = b
                        xb, tb = Xe[s], Te[s]
                        yb = network._forward(xb)
                        value = finite(network._loss_gradients(loss, yb, tb), epoch, b, "loss")
                        history.batch_loss.append(value)
                        history.learning_rate.append(optimizer.current_learning_rate)
                        if batch_means:
                            n_b = xb.shape[0]
                            epoch_total += value * n_b if loss.reduction == "mean" else value
                            for name, fn in metric_fns:
                                metric_totals[name] += float(fn(yb, tb)) * n_b
                        update(sigint)
                context.batch = 0
                history.epochs = epoch
                if reuse_batch_loss:
                    end_of_epoch(epoch, y, current)
                elif batch_means:
                    mean = loss.reduction == "mean"
                    end_of_epoch(
                        epoch,
                        train_value=epoch_total / n_train if mean else epoch_total,
                        train_metrics={k: v / n_train for k, v in metric_totals.items()},
                    )
                else:
                    end_of_epoch(epoch)
                stop = False
                for callback in all_callbacks:
                    if isinstance(callback, Callback):
                        result = callback.on_epoch_end(context)
                    else:
                        result = callback(history)
                    stop = bool(result) or stop
                if progress is not None:
                    postfix = {"loss": f"{history.train_loss[-1]:.4g}"}
                    if has_validation:
                        postfix["val_loss"] = f"{history.validation_loss[-1]:.4g}"
                    for name in history.train_metrics:
                        postfix[name] = f"{history.train_metrics[name][-1]:.4g}"
                    progress.set_postfix(postfix, refresh=False)
                    progress.update(1)
                if sigint.requested:
                    raise KeyboardInterrupt
                if stop:
                    history.stopped_early = epoch < epochs
                    break
        except KeyboardInterrupt:
            history.interrupted = True
        finally:
            network._reuse_buffers(False)
            if progress is not None:
                progress.close()
            for callback in started:
                callback.on_train_end(context)
    return history
