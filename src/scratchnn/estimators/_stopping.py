"""scikit-learn's end of an epoch: the stopping rule, the best epoch, the learning-rate schedule.

After every epoch scikit-learn's MLP (``_update_no_improvement_count``,
``SGDOptimizer.iteration_ends`` and ``trigger_stopping``) does, in this order:

1. **Progress.** With ``early_stopping`` it compares the validation score :math:`v_e` with the
   best so far :math:`v^*`: the epoch counts as *no improvement* when
   :math:`v_e < v^* + tol`, and :math:`v^*` (with a copy of the weights, restored at the end)
   is replaced on *any* improvement, :math:`v_e > v^*`. Without it, the same with the
   training objective :math:`J_e` (``loss_curve_``): no improvement when
   :math:`J_e > J^* - tol`, and :math:`J^* \\leftarrow J_e` when :math:`J_e < J^*`.
   ``tol`` only counts epochs without progress; it never hides a better epoch.
2. **Schedule** (``solver="sgd"``). ``"invscaling"``:
   :math:`\\mu = \\mu_0 / (t + 1)^{p}`, :math:`t` the training samples seen so far (``t_``,
   counted over every ``fit`` and ``partial_fit`` since the weights were initialised),
   :math:`p` = ``power_t``; the first epoch of a new optimiser uses :math:`\\mu_0`.
3. **Stop?** After more than ``n_iter_no_change`` epochs without improvement: the
   ``"adaptive"`` schedule divides :math:`\\mu` by 5 and starts counting again (it stops
   only once :math:`\\mu \\le 10^{-6}`); every other configuration stops.

The counters, the best values and the best weights outlive one call (:class:`Progress`, kept
by the estimator): a warm-started ``fit`` or a ``partial_fit`` continues them, as
scikit-learn's does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..training import Callback, TrainingContext
from ._mapping import OBJECTIVE, SCORE

__all__ = ["Progress", "SklearnStopping", "SMALLEST_LEARNING_RATE", "ADAPTIVE_FACTOR"]

#: The adaptive schedule stops once the learning rate is at most this.
SMALLEST_LEARNING_RATE = 1e-6
#: The adaptive schedule divides the learning rate by this.
ADAPTIVE_FACTOR = 5.0


@dataclass
class Progress:
    """What scikit-learn's MLP keeps between epochs (and between calls).

    Attributes
    ----------
    best_loss : float
        :math:`J^*` (``best_loss_``; ``inf`` before the first epoch).
    best_validation_score : float
        :math:`v^*` (``best_validation_score_``; ``-inf`` before the first epoch).
    no_improvement_count : int
        Consecutive epochs without improvement.
    best_params : list of ndarray
        Copies of the network's parameters at :math:`v^*` (the initial ones until then).
    learning_rate : float
        The sgd learning rate in scikit-learn's units (reset to ``learning_rate_init`` with
        every new optimiser).
    """

    best_loss: float = math.inf
    best_validation_score: float = -math.inf
    no_improvement_count: int = 0
    best_params: list[np.ndarray] = field(default_factory=list)
    learning_rate: float = math.nan


class SklearnStopping(Callback):
    """scikit-learn's end of every epoch (see the module docs), on a :class:`Progress`.

    Parameters
    ----------
    progress : Progress
        Updated in place.
    early : bool
        Monitor the validation score (``early_stopping``) instead of the objective.
    tol : float
    n_iter_no_change : int or inf
    schedule : {"constant", "invscaling", "adaptive"}
        ``learning_rate`` for sgd; "constant" for the other solvers.
    power_t, learning_rate_init : float
    rate_scale : float
        The engine optimiser's learning rate is ``progress.learning_rate * rate_scale``
        (:mod:`._mapping`: :math:`1/s` for sgd).
    t0, n_train : int
        ``t_`` before this call, and the training samples of one epoch.

    Attributes
    ----------
    message : str or None
        scikit-learn's verbose sentence for the epoch just ended (a stop, or a new rate).
    stopped_epoch : int or None
        The epoch after which the rule stopped training.
    """

    def __init__(
        self,
        progress: Progress,
        *,
        early: bool,
        tol: float,
        n_iter_no_change: float,
        schedule: str,
        power_t: float,
        learning_rate_init: float,
        rate_scale: float,
        t0: int,
        n_train: int,
    ) -> None:
        self.progress, self.early, self.tol = progress, early, tol
        self.n_iter_no_change, self.schedule, self.power_t = n_iter_no_change, schedule, power_t
        self.learning_rate_init, self.rate_scale = learning_rate_init, rate_scale
        self.t0, self.n_train = t0, n_train
        self.message: str | None = None
        self.stopped_epoch: int | None = None

    def on_epoch_end(self, context: TrainingContext) -> bool:
        self.message = None
        if self.early:
            self._observe_score(context)
        else:
            self._observe_loss(context.history.train_metrics[OBJECTIVE][-1])
        progress = self.progress
        if self.schedule == "invscaling":
            t = self.t0 + self.n_train * context.epoch
            self._set_rate(context, self.learning_rate_init / (t + 1) ** self.power_t)
        if progress.no_improvement_count <= self.n_iter_no_change:
            return False
        what = "Validation score" if self.early else "Training loss"
        sentence = "%s did not improve more than tol=%f for %d consecutive epochs." % (
            what,
            self.tol,
            self.n_iter_no_change,
        )
        if self.schedule != "adaptive":
            self.message = sentence + " Stopping."
        elif progress.learning_rate <= SMALLEST_LEARNING_RATE:
            self.message = sentence + " Learning rate too small. Stopping."
        else:
            self._set_rate(context, progress.learning_rate / ADAPTIVE_FACTOR)
            self.message = sentence + " Setting learning rate to %f" % progress.learning_rate
            progress.no_improvement_count = 0
            return False
        self.stopped_epoch = context.epoch
        return True

    def _observe_score(self, context: TrainingContext) -> None:
        progress = self.progress
        score = context.history.validation_metrics[SCORE][-1]
        if score < progress.best_validation_score + self.tol:
            progress.no_improvement_count += 1
        else:
            progress.no_improvement_count = 0
        if score > progress.best_validation_score:
            progress.best_validation_score = score
            progress.best_params = [p.copy() for p in context.network.parameters()]

    def _observe_loss(self, loss: float) -> None:
        progress = self.progress
        if loss > progress.best_loss - self.tol:
            progress.no_improvement_count += 1
        else:
            progress.no_improvement_count = 0
        if loss < progress.best_loss:
            progress.best_loss = loss

    def _set_rate(self, context: TrainingContext, rate: float) -> None:
        self.progress.learning_rate = rate
        context.optimizer.learning_rate = rate * self.rate_scale

    def on_train_end(self, context: TrainingContext) -> None:
        """With early stopping, the weights of the best validation score come back (as
        scikit-learn's, also when training ends otherwise)."""
        if not self.early or not self.progress.best_params:
            return
        for param, best in zip(context.network.parameters(), self.progress.best_params):
            param[...] = best
