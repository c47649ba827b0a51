"""The stochastic solvers' fit: scikit-learn's validation split, one call of the engine's
``train``, and scikit-learn's fitted attributes.

One ``fit`` (or ``partial_fit``) with ``solver="sgd"``/``"adam"`` runs as scikit-learn's
``_fit_stochastic`` does, on the engine:

1. With ``early_stopping``, the validation set is drawn by scikit-learn's own
   ``train_test_split`` with the estimator's ``RandomState`` (right after the initial
   weights), stratified when the network has one output (a binary classifier), as
   scikit-learn stratifies; fewer than 2 validation samples is an error.
2. :func:`scratchnn.training.train` runs the epochs: full batches and a smaller last one
   (``batch_split="fill"``), every epoch permuting the previous order with the same
   ``RandomState`` (``shuffle="cumulative"``), the L2 gradient of each batch
   (:class:`._objective.L2Gradient`), ``loss_curve_``'s values (:class:`._objective.Objective`)
   and scikit-learn's end of epoch (:class:`._stopping.SklearnStopping`).
3. The fitted attributes are scikit-learn's: ``n_iter_`` counts the epochs of this call
   (``partial_fit``: 1), ``t_`` and ``loss_curve_`` accumulate since the weights were
   initialised.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ..training import History, TrainingDivergedError, train
from ._mapping import OBJECTIVE, SCORE, EngineConfig
from ._objective import PENALTY, L2Gradient, Objective, l2_penalty
from ._progress import SklearnProgress
from ._stopping import Progress, SklearnStopping

__all__ = ["StochasticMixin", "TOO_SMALL"]

#: scikit-learn's message for a validation set of fewer than 2 samples.
TOO_SMALL = (
    "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
)


class StochasticMixin:
    """``_fit_stochastic`` and its parts, for :class:`._base._BaseMLP`."""

    def _progress(self) -> Progress:
        """The end-of-epoch state (rebuilt from the public attributes after ``load``)."""
        progress = getattr(self, "_stopping_progress", None)
        if progress is None:
            best_loss, best_score = getattr(self, "best_loss_", None), self.best_validation_score_
            progress = Progress(
                best_loss=math.inf if best_loss is None else best_loss,
                best_validation_score=-math.inf if best_score is None else best_score,
                best_params=[p.copy() for p in self.network_.parameters()],
                learning_rate=float(self.learning_rate_init),
            )
            self._stopping_progress = progress
        return progress

    def _fit_stochastic(
        self,
        X: np.ndarray,
        T: np.ndarray,
        config: EngineConfig,
        incremental: bool,
        sample_weight: np.ndarray | None = None,
    ) -> None:
        X_train, T_train, W_train, validation = self._split(X, T, sample_weight, config)
        rule = SklearnStopping(
            self._progress(),
            early=validation is not None,
            tol=float(self.tol),
            n_iter_no_change=self.n_iter_no_change,
            schedule=config.schedule,
            power_t=float(self.power_t),
            learning_rate_init=float(self.learning_rate_init),
            rate_scale=config.rate_scale,
            t0=self.t_,
            n_train=config.n_train,
        )
        try:
            history = self._train(X_train, T_train, W_train, validation, config, rule)
        except TrainingDivergedError as error:
            # the engine's own advice quotes its internal learning rate: replaced
            what = str(error).split(" (learning rate")[0]
            message = f"{what}; {self._divergence_advice(X, T)}"
            raise TrainingDivergedError(message, error.epoch, error.batch, error.history) from None
        self._record(history, validation is not None, config)
        if history.interrupted:
            warnings.warn(
                "Training interrupted by the user (Ctrl-C) after "
                f"{history.epochs} epoch(s); the model keeps its last complete update",
                UserWarning,
                stacklevel=4,
            )
        elif not incremental and rule.stopped_epoch is None and history.epochs == config.epochs:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({config.epochs}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _split(
        self, X: np.ndarray, T: np.ndarray, W: np.ndarray | None, config: EngineConfig
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, tuple[np.ndarray, np.ndarray] | None]:
        """scikit-learn's validation split (``train_test_split``, the sample weights ``W``
        split with the samples), or none. The validation score is not weighted."""
        if config.validation_fraction is None:
            return X, T, W, None
        rng = self._rng
        if isinstance(rng, np.random.Generator):  # scikit-learn takes RandomState only
            rng = np.random.RandomState(rng.integers(2**32, dtype=np.uint64))
        stratify = T > 0.5 if self._is_classifier and T.shape[1] == 1 else None
        arrays = (X, T) if W is None else (X, T, W)
        parts = train_test_split(
            *arrays, random_state=rng, test_size=config.validation_fraction, stratify=stratify
        )
        X_train, X_val, T_train, T_val = parts[:4]
        if X_val.shape[0] < 2:
            raise ValueError(TOO_SMALL)
        return X_train, T_train, None if W is None else parts[4], (X_val, T_val)

    def _train(
        self,
        X: np.ndarray,
        T: np.ndarray,
        W: np.ndarray | None,
        validation: tuple[np.ndarray, np.ndarray] | None,
        config: EngineConfig,
        rule: SklearnStopping,
    ) -> History:
        """One call of the engine's ``train``."""
        metrics: dict[str, Callable] = {}
        if config.penalty:
            metrics[PENALTY] = l2_penalty(self.network_, config.penalty)
        # one batch in order: the engine records the loss after each epoch (one epoch late)
        lag = int(config.n_batches == 1 and not config.shuffle)
        callbacks: list = [Objective(config.report_scale, bool(config.penalty), lag), rule]
        if config.l2_coefficient:
            callbacks.insert(0, L2Gradient(config.l2_coefficient))
        if validation is not None:
            metrics[SCORE] = self._validation_score
        if config.verbose:
            callbacks.append(SklearnProgress(rule, validation is not None))
        history = train(
            self.network_,
            self._loss,
            self.optimizer_,
            X,
            T,
            epochs=config.epochs,
            batch_size=config.batch_size,
            batch_split="fill",
            shuffle="cumulative" if config.shuffle else False,
            rng=self._rng,
            validation_data=validation,
            callbacks=callbacks,
            metrics=metrics,
            epoch_loss="batches",
            sample_weight=W,
        )
        self._forget_activations()
        return history

    def _record(self, history: History, early: bool, config: EngineConfig) -> None:
        """scikit-learn's fitted attributes from the engine's ``History``."""
        self.history_: History = history
        progress = self._progress()
        new = history.train_metrics[OBJECTIVE][1:]
        self.loss_curve_.extend(new)
        if new:
            self.loss_ = new[-1]
        if early:
            if self.validation_scores_ is None:  # a warm start that turned early stopping on
                self.validation_scores_ = []
            self.validation_scores_.extend(history.validation_metrics[SCORE][1:])
            self.best_validation_score_ = progress.best_validation_score
            self.best_loss_ = None
        else:
            self.best_loss_ = progress.best_loss
        self.n_iter_ = history.epochs
        self.t_ += _samples_seen(history, config)

    def _divergence_advice(self, X: np.ndarray, T: np.ndarray) -> str:
        """What to do about a diverged fit: scale inputs too large for the dtype (no
        learning rate helps then), else lower the user's ``learning_rate_init``."""
        largest = float(np.max(np.abs(X))) if X.size else 0.0
        if not self._is_classifier and T.size:
            largest = max(largest, float(np.max(np.abs(T))))
        what = "X" if self._is_classifier else "X and y"
        if largest >= math.sqrt(np.finfo(X.dtype).max):
            return (
                f"{what} hold values up to {largest:.3g}, too large for {X.dtype} arithmetic "
                "whatever the learning rate: scale the inputs first, e.g. with "
                "sklearn.preprocessing.StandardScaler"
            )
        advice = f"lower learning_rate_init (it is {self.learning_rate_init!r})"
        if largest > 1e3:
            advice += (
                f", or scale the inputs ({what} hold values up to {largest:.3g}), e.g. with "
                "sklearn.preprocessing.StandardScaler"
            )
        return advice

    def _new_progress(self, early: bool) -> None:
        """Fresh end-of-epoch state for freshly initialised weights."""
        self._stopping_progress = Progress(
            best_params=[p.copy() for p in self.network_.parameters()],
            learning_rate=float(self.learning_rate_init),
        )
        self.best_loss_: Any = None if early else math.inf
        self.best_validation_score_: Any = -math.inf if early else None


def _samples_seen(history: History, config: EngineConfig) -> int:
    """Training samples the fit's updates used: ``n_train`` per epoch, as scikit-learn's
    ``t_`` counts them, plus (after Ctrl-C) the full batches of the interrupted epoch, so that
    every update is counted and ``optimizer_.step_count <= t_`` always holds."""
    partial = len(history.batch_loss) - history.epochs * history.batches_per_epoch
    return config.n_train * history.epochs + min(partial * config.batch_size, config.n_train)
