"""scikit-learn's objective :math:`J` of every epoch, from what the engine records anyway.

:math:`J = \\ell / s + c \\sum_l \\lVert W_l \\rVert^2` (:mod:`._mapping`: the engine loss over
the loss scale :math:`s`, plus the L2 penalty with :math:`c = \\alpha / (2\\bar b)`). The
engine's :func:`~scratchnn.training.train` already records the loss of every epoch, measured
as :math:`J` must be (``epoch_loss="batches"``: the sample-weighted mean of the mini-batch
losses, each before its update; a pass after the epoch for full-batch training), and it
averages every metric the same way. So the estimators give it the penalty as a metric (one
BLAS dot per weight matrix and batch) and :class:`Objective` adds the two after each epoch,
instead of evaluating the loss of every batch a second time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..network import Sequential
from ..regularization import WeightDecay
from ..training import Callback, History, TrainingContext
from ._mapping import OBJECTIVE

__all__ = ["PENALTY", "l2_penalty", "Objective"]

#: The metric name of the L2 penalty :math:`c \sum_l \lVert W_l \rVert^2`.
PENALTY = "l2_penalty"


def l2_penalty(
    network: Sequential, coefficient: float
) -> Callable[[np.ndarray, np.ndarray], float]:
    """Metric ``f(y, t)``: ``coefficient`` :math:`\\cdot \\sum \\lVert W \\rVert^2` over the
    network's weight matrices (biases are not penalised), whatever the outputs ``y`` and
    targets ``t``: :meth:`~scratchnn.regularization.WeightDecay.penalty` with
    :math:`\\lambda = 2 \\cdot` ``coefficient``. The parameters are read at every call
    (``train`` converts them to the data's dtype)."""
    decay = WeightDecay(2.0 * coefficient)

    def penalty(y: np.ndarray, t: np.ndarray) -> float:
        return decay.penalty(network.parameters())

    return penalty


class Objective(Callback):
    """Appends :math:`J` = training loss / ``loss_scale`` (+ the :data:`PENALTY` metric) to
    ``history.train_metrics[OBJECTIVE]`` after every epoch (index 0: before training, NaN
    when the loss is a mean of batches), ahead of any stopping rule that monitors it.

    Parameters
    ----------
    loss_scale : float
        :math:`s`.
    penalised : bool
        Whether ``train`` records the :data:`PENALTY` metric.
    """

    def __init__(self, loss_scale: float, penalised: bool) -> None:
        self.loss_scale, self.penalised = loss_scale, penalised

    def on_train_begin(self, context: TrainingContext) -> None:
        self._append(context.history)

    def on_epoch_end(self, context: TrainingContext) -> bool:
        self._append(context.history)
        return False

    def _append(self, history: History) -> None:
        value = history.train_loss[-1] / self.loss_scale
        if self.penalised:
            value += history.train_metrics[PENALTY][-1]
        history.train_metrics.setdefault(OBJECTIVE, []).append(value)
