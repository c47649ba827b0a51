"""What training records: the :class:`History`, and the error raised when training diverges."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["History", "TrainingDivergedError"]


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

    def plot(self, batches: bool = True, title: str | None = None) -> Figure:
        """The loss curves by epoch and, on their own axes, the metrics (e.g. accuracy).

        See :func:`scratchnn.plotting.plot_history` (``batches``: also the loss of
        every mini-batch). Returns a :class:`matplotlib.figure.Figure`: save it with
        ``fig.savefig(path)``, show it with ``fig.show()``; Jupyter displays it inline.

        Raises
        ------
        ValueError
            When nothing was recorded yet.
        """
        from ..plotting.history import plot_history  # lazy: matplotlib only when plotting

        return plot_history(self, batches=batches, title=title)

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
