"""scikit-learn's objective :math:`J` of every epoch, and its L2 term on every batch.

On a mini-batch of :math:`b` samples scikit-learn's MLP minimises
:math:`J_b = \\ell + \\frac{\\alpha}{2b} \\sum_l \\lVert W_l \\rVert^2` (:mod:`._mapping`), so
the L2 coefficient depends on the size of the batch (the last one is smaller).
:class:`L2Gradient` adds its gradient :math:`s\\frac{\\alpha}{b} W` (:math:`s` the loss
scale) to the engine's gradients before every update; :func:`l2_penalty` is the term itself.

The engine's :func:`~scratchnn.training.train` already records the loss of every epoch,
measured as ``loss_curve_`` must be (``epoch_loss="batches"``: the sample-weighted mean of the
mini-batch losses, each before its update), and it averages every metric the same way. So
the estimators give it the L2 term as a metric (one BLAS dot per weight matrix and batch)
and :class:`Objective` adds the two after each epoch, instead of evaluating the loss of every
batch a second time. Full-batch training without shuffling records the loss after each epoch
instead (the next update's own forward pass): that is the value before the next epoch's
update, so :class:`Objective` reads it one epoch late (``lag=1``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..layers import Linear
from ..network import Sequential
from ..training import Callback, History, TrainingContext
from ._mapping import OBJECTIVE

__all__ = ["PENALTY", "l2_penalty", "L2Gradient", "Objective"]

#: The metric name of the L2 penalty :math:`c \sum_l \lVert W_l \rVert^2`.
PENALTY = "l2_penalty"


def l2_penalty(
    network: Sequential, coefficient: float
) -> Callable[[np.ndarray, np.ndarray], float]:
    """Metric ``f(y, t)``: :math:`\\frac{c}{b} \\sum \\lVert W \\rVert^2` over the network's
    weight matrices (biases are not penalised), :math:`c` = ``coefficient``, :math:`b` the
    number of samples (rows of ``y``). The parameters are read at every call (``train``
    converts them to the data's dtype)."""

    def penalty(y: np.ndarray, t: np.ndarray) -> float:
        total = 0.0
        for layer in network.layers:
            if isinstance(layer, Linear):
                w = layer.params["W"].ravel()
                total += float(np.dot(w, w))
        return coefficient * total / y.shape[0]

    return penalty


class L2Gradient(Callback):
    """Adds :math:`\\frac{c}{b} W` to the gradient of every weight matrix before each update,
    :math:`b` the batch's size (with sample weights: the sum of the batch's weights, as
    scikit-learn divides by it): the gradient of :math:`\\frac{c}{2b}\\lVert W \\rVert^2`.

    Parameters
    ----------
    coefficient : float
        :math:`c = s\\,\\alpha`.
    """

    def __init__(self, coefficient: float) -> None:
        self.coefficient = coefficient

    def on_before_update(self, context: TrainingContext) -> None:
        weights = context.weights
        b = context.targets.shape[0] if weights is None else float(np.sum(weights))
        decay = self.coefficient / b
        for layer in context.network.layers:
            if isinstance(layer, Linear):
                layer.grads["W"] += decay * layer.params["W"]


class Objective(Callback):
    """Appends :math:`J` = training loss / ``loss_scale`` (+ the :data:`PENALTY` metric) to
    ``history.train_metrics[OBJECTIVE]`` after every epoch (index 0: before training, NaN
    when the loss is a mean of batches), ahead of any stopping rule that monitors it.

    Parameters
    ----------
    loss_scale : float
        The engine's loss over the reported one (:math:`r` of :mod:`._mapping`).
    penalised : bool
        Whether ``train`` records the :data:`PENALTY` metric.
    lag : int, default 0
        1: report each epoch the value recorded one epoch earlier (full-batch training).
    """

    def __init__(self, loss_scale: float, penalised: bool, lag: int = 0) -> None:
        self.loss_scale, self.penalised, self.lag = loss_scale, penalised, lag

    def on_train_begin(self, context: TrainingContext) -> None:
        self._append(context.history, 0)

    def on_epoch_end(self, context: TrainingContext) -> bool:
        self._append(context.history, self.lag)
        return False

    def _append(self, history: History, lag: int) -> None:
        i = -1 - lag
        value = history.train_loss[i] / self.loss_scale
        if self.penalised:
            value += history.train_metrics[PENALTY][i]
        history.train_metrics.setdefault(OBJECTIVE, []).append(value)
