"""The history recorder: the callback that fills :class:`~.history.History` as training runs."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

from .callbacks import Callback, TrainingContext
from .data import TrainingData
from .history import History
from .metrics import Metric

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Recorder"]


class Recorder(Callback):
    """Fills the :class:`History`: batch losses and learning rates, and after every epoch
    (index 0: before training) the training and validation losses and metrics.

    Parameters
    ----------
    data : TrainingData
    metrics : list of (name, metric)
    epoch_loss : {"full", "batches"}
        ``"full"``: the training loss is a pass over the whole training set after the
        epoch (evaluation mode; weighted by the sample weights). ``"batches"``: the mean of
        the epoch's batch losses, each counted by its number of samples and measured before
        its update (the initial entry is then NaN); scikit-learn's ``loss_curve_`` is
        averaged so, sample weights or not.
    record_params : bool
        Keep a copy of every parameter after every epoch.
    step : TrainingStep or ReferenceStep
        Evaluates the network (``step.evaluate``: new arrays, no gradients).
    full_batch : bool, default False
        Full-batch training without shuffling or stochastic layers: the full pass is then
        the next update's own forward pass (:meth:`TrainingStep.prepare`), so the series'
        iterations cost one pass each.
    """

    def __init__(
        self,
        data: TrainingData,
        metrics: list[tuple[str, Metric]],
        epoch_loss: str,
        record_params: bool,
        step: Any,
        full_batch: bool = False,
    ) -> None:
        self.data, self.metrics, self.record_params = data, metrics, record_params
        self.batch_means = epoch_loss == "batches" and not full_batch
        self.step, self.full_batch = step, full_batch

    def on_train_begin(self, context: TrainingContext) -> None:
        history = context.history
        for name, _ in self.metrics:
            history.train_metrics[name] = []
            if self.data.X_val is not None:
                history.validation_metrics[name] = []
        if self.batch_means:
            self._append_train(history, math.nan, dict.fromkeys(history.train_metrics, math.nan))
            self._record_rest(context)
        else:
            self._record_epoch(context)

    def on_before_update(self, context: TrainingContext) -> None:
        """Batch means are of the parameters the batch loss was measured with."""
        if self.batch_means:
            n_b = context.batch_targets.shape[0]
            mean = context.loss.reduction == "mean"
            self._total += context.batch_loss * n_b if mean else context.batch_loss
            for name, fn in self.metrics:
                self._metric_totals[name] += float(fn(context.outputs, context.targets)) * n_b

    def on_batch_end(self, context: TrainingContext) -> None:
        context.history.batch_loss.append(context.batch_loss)
        context.history.learning_rate.append(context.learning_rate)

    def on_epoch_end(self, context: TrainingContext) -> None:
        if not self.batch_means:
            self._record_epoch(context)
            return
        n = self.data.X.shape[0]
        mean = context.loss.reduction == "mean"
        value = self._total / n if mean else self._total
        metrics = {name: total / n for name, total in self._metric_totals.items()}
        self._append_train(context.history, value, metrics)
        self._record_rest(context)

    def _record_epoch(self, context: TrainingContext) -> None:
        """The full pass over the training set, then the rest of the epoch's record."""
        data = self.data
        if self.full_batch:
            value = self.step.prepare(data.X, data.T, data.W)
            y = self.step.last_output() if self.metrics else None
        else:
            value, y = self.step.evaluate(data.X, data.T, data.W)
        # ``y`` is None only without metrics
        metrics = {name: float(fn(cast("np.ndarray", y), data.T)) for name, fn in self.metrics}
        self._append_train(context.history, value, metrics)
        self._record_rest(context)

    def _append_train(self, history: History, value: float, metrics: dict[str, float]) -> None:
        history.train_loss.append(float(value))
        for name, metric in metrics.items():
            history.train_metrics[name].append(metric)
        self._total = 0.0
        self._metric_totals = dict.fromkeys(metrics, 0.0)

    def _record_rest(self, context: TrainingContext) -> None:
        data, history = self.data, context.history
        if data.X_val is not None:
            value, y_val = self.step.evaluate(data.X_val, data.T_val, data.W_val)
            history.validation_loss.append(value)
            for name, fn in self.metrics:
                t_val = cast("np.ndarray", data.T_val)  # set with X_val
                history.validation_metrics[name].append(float(fn(y_val, t_val)))
        if self.record_params:
            params = context.network.named_parameters()
            history.params.append({name: p.copy() for name, p in params})
