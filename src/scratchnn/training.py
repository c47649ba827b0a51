"""The training loop: full-batch, online and mini-batch gradient descent with a history.

One epoch visits every training sample once. The samples are split into
``max(1, N // batch_size)`` consecutive mini-batches whose sizes differ by at most one, as
``np.array_split`` does (the series' Part 5: 1078 samples, ``batch_size=25`` → 43 batches,
3 of 26 and 40 of 25). ``batch_size=None`` is full-batch gradient descent (one update an
epoch, the "iterations" of Parts 1–4), ``batch_size=1`` online learning. With
``shuffle=True`` the samples are permuted by ``rng`` before each epoch; with
``shuffle=False`` the batches are fixed and visited in the same order every epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ._validation import (
    as_float_array,
    as_rng,
    check_non_negative_int,
    check_same_length,
)
from .losses import Loss
from .network import Sequential
from .optimizers import Optimizer

__all__ = [
    "History",
    "TrainingDivergedError",
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
        Loss on the whole training set after each epoch (index 0: initial).
    validation_loss : list of float
        Same on the validation data (empty without validation data).
    batch_loss : list of float
        Loss of every mini-batch, measured just before its update.
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
        Whether Ctrl-C ended training (the network keeps its last complete update).
    """

    train_loss: list[float] = field(default_factory=list)
    validation_loss: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    params: list[dict[str, np.ndarray]] = field(default_factory=list)
    epochs: int = 0
    stopped_early: bool = False
    interrupted: bool = False


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


Callback = Callable[[History], Any]


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
    early_stopping: Callable[[History], bool] | None = None,
    callbacks: Sequence[Callback] = (),
    record_params: bool = False,
) -> History:
    """Train ``network`` on ``(X, T)`` and return the :class:`History`.

    Parameters
    ----------
    network : Sequential
        Trained in place. Its parameters are converted to the dtype of ``X`` (float32 data
        trains float32 parameters; integer data is treated as float64).
    loss : Loss
    optimizer : Optimizer
    X : array_like, shape (N, n_in)
    T : array_like, shape (N, n_out)
    epochs : int
        Number of passes over the data (>= 0).
    batch_size : int or None, default None
        None: full batch; 1: online; otherwise mini-batches (see module docs).
    shuffle : bool, default False
        Permute the samples with ``rng`` before every epoch.
    rng : None, int, Generator or RandomState
        Used only when ``shuffle`` is True.
    validation_data : (X_val, T_val), optional
        Evaluated after every epoch into ``history.validation_loss``.
    early_stopping : callable, optional
        ``rule(history) -> bool`` checked after every epoch; True stops training
        (for instance :func:`tutorial_early_stopping`).
    callbacks : sequence of callable
        ``callback(history)`` called after every epoch; a True return value stops training.
    record_params : bool, default False
        Keep a copy of every parameter after every epoch in ``history.params``.

    Raises
    ------
    TrainingDivergedError
        When the loss becomes NaN or infinite; it names the epoch and batch and carries the
        history so far.
    """
    X = as_float_array(X, "X", ndim=2)
    T = as_float_array(T, "T", ndim=2, dtype=X.dtype)
    check_same_length(X, T, "X", "T")
    epochs = check_non_negative_int(epochs, "epochs")
    if batch_size is not None:
        batch_size = check_non_negative_int(batch_size, "batch_size", minimum=1)
    if validation_data is not None:
        X_val, T_val = validation_data
        X_val = as_float_array(X_val, "X_val", ndim=2, dtype=X.dtype)
        T_val = as_float_array(T_val, "T_val", ndim=2, dtype=X.dtype)
        check_same_length(X_val, T_val, "X_val", "T_val")
    rng = as_rng(rng) if shuffle else None

    network.astype(X.dtype)
    network.train()
    params = network.parameters()
    grads = network.gradients()
    if optimizer.step_count == 0:
        optimizer.init(params)

    history = History()
    batches = split_batches(X.shape[0], batch_size)
    # Full batch without stochastic layers: the loss at the start of an epoch is the
    # training loss after the previous one, so no separate evaluation pass is needed.
    reuse_batch_loss = len(batches) == 1 and not shuffle and not network.stochastic

    def finite(value: float, epoch: int, batch: int, what: str) -> float:
        if not np.isfinite(value):
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

    def evaluate(x: np.ndarray, t: np.ndarray) -> float:
        return loss.value(network.predict(x), t)

    def end_of_epoch(epoch: int, train_value: float) -> None:
        history.train_loss.append(finite(train_value, epoch, 0, "training loss"))
        if validation_data is not None:
            history.validation_loss.append(
                finite(evaluate(X_val, T_val), epoch, 0, "validation loss")
            )
        if record_params:
            history.params.append({n: p.copy() for n, p in network.named_parameters()})

    # Overflow to inf/NaN is detected (TrainingDivergedError names where), not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        if reuse_batch_loss:
            y = network.forward(X)
            current = loss.value(y, T)
            end_of_epoch(0, current)
        else:
            end_of_epoch(0, evaluate(X, T))

        try:
            for epoch in range(1, epochs + 1):
                if reuse_batch_loss:
                    history.batch_loss.append(current)
                    history.learning_rate.append(optimizer.current_learning_rate)
                    network.backward_loss(loss, y, T)
                    optimizer.step(params, grads)
                    y = network.forward(X)
                    current = loss.value(y, T)
                    train_value = current
                else:
                    if shuffle:
                        order = rng.permutation(X.shape[0])
                        Xe, Te = X[order], T[order]
                    else:
                        Xe, Te = X, T
                    for b, s in enumerate(batches, start=1):
                        xb, tb = Xe[s], Te[s]
                        yb = network.forward(xb)
                        value = finite(loss.value(yb, tb), epoch, b, "loss")
                        history.batch_loss.append(value)
                        history.learning_rate.append(optimizer.current_learning_rate)
                        network.backward_loss(loss, yb, tb)
                        optimizer.step(params, grads)
                    train_value = evaluate(X, T)
                history.epochs = epoch
                end_of_epoch(epoch, train_value)
                stop = early_stopping is not None and bool(early_stopping(history))
                for callback in callbacks:
                    stop = bool(callback(history)) or stop
                if stop:
                    history.stopped_early = epoch < epochs
                    break
        except KeyboardInterrupt:
            history.interrupted = True
    return history
