"""The stochastic solvers' fit: scikit-learn's ``_fit_stochastic``, on the engine's step.

One ``fit`` (or ``partial_fit``) with ``solver="sgd"``, ``"adam"``, ``"rmsprop"`` or
``"adamw"`` is :func:`fit_stochastic`, read top to bottom as scikit-learn's own:

1. With ``early_stopping``, the validation set is drawn by scikit-learn's
   ``train_test_split`` with the estimator's ``RandomState`` (right after the initial
   weights), stratified when the network has one output (a binary classifier).
2. Every epoch permutes the previous sample order as scikit-learn's ``shuffle`` does with the
   same ``RandomState`` (:func:`_permuted`: its draws, without its parameter checks), and cuts it with scikit-learn's ``gen_batches`` (full batches and a
   smaller last one). On each batch of :math:`b` samples (with sample weights, :math:`b`
   is their sum) the engine's :class:`~scratchnn.executor.TrainingStep` computes the loss
   and its gradients, the L2 gradient :math:`\\alpha W / b` is added
   (:class:`~scratchnn.regularization.WeightDecay` with ``per_batch=True``), and the
   optimiser updates the weights.
3. The end of the epoch (:func:`_end_of_epoch`) is scikit-learn's, in its order: the
   epoch's loss joins ``loss_curve_``; the validation score (with ``early_stopping``) or the
   loss decides whether the epoch made progress; ``"invscaling"`` sets the sgd learning rate
   (:class:`~scratchnn.schedules.InverseScaling` of ``t_``); after more than
   ``n_iter_no_change`` epochs without progress, ``"adaptive"`` divides the rate by 5 (until
   it is at most 1e-6) and everything else stops.

The objective
-------------
On a batch, scikit-learn minimises :math:`J = \\ell + \\frac{\\alpha}{2b}\\sum_l \\lVert W_l
\\rVert^2`, :math:`\\ell` its loss: the engine's loss with scikit-learn's convention, chosen
in :mod:`._base` (``outputs="sum"``; for regression the half squared error), so the engine's
gradient is scikit-learn's as it is. ``loss_curve_`` holds, per epoch, the mean over the
batches of :math:`J` measured before each update, weighted by the batches' sizes. One
convention of scikit-learn's is reproduced apart: for the squared error it *reports* the loss
averaged over the outputs although its gradient sums them, so the reported loss is the
engine's divided by ``n_outputs_`` (:func:`_reported`).

The counters, best values and best weights outlive a call: a warm-started ``fit`` or a
``partial_fit`` continues them, and ``t_`` and ``loss_curve_`` accumulate since the weights
were initialised, while ``n_iter_`` counts the epochs of the call.
"""

from __future__ import annotations

import math
import sys
import warnings
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches

from .._sparse import as_sparse_input, is_sparse
from ..executor import TrainingStep
from ..regularization import WeightDecay
from ..schedules import InverseScaling
from ..training import History, TrainingDivergedError
from ..training.interrupt import deferred_sigint

if TYPE_CHECKING:
    from ..optimizer_base import Optimizer
    from ._base import _BaseMLP

__all__ = ["fit_stochastic", "TOO_SMALL"]

#: scikit-learn's message for a validation set of fewer than 2 samples.
TOO_SMALL = (
    "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
)
#: ``batch_size="auto"`` is ``min(AUTO_BATCH_SIZE, n_train)``, as scikit-learn's.
AUTO_BATCH_SIZE = 200
#: The adaptive schedule divides the learning rate by this, and stops once it is at most
#: ``SMALLEST_LEARNING_RATE``.
ADAPTIVE_FACTOR, SMALLEST_LEARNING_RATE = 5.0, 1e-6


def fit_stochastic(
    est: _BaseMLP, X: Any, T: np.ndarray, W: np.ndarray | None, params: dict, incremental: bool
) -> None:
    """One ``fit`` (``max_iter`` epochs) or ``partial_fit`` (one epoch) of ``est``.

    Parameters
    ----------
    est : MLPClassifier or MLPRegressor
        With its network, loss and optimiser (``optimizer_``) ready, ``_rng`` drawn.
    X, T : arrays, shape (n_samples, n_features) and (n_samples, n_outputs)
        Validated inputs (dense, CSR or CSC) and the network's targets.
    W : ndarray, shape (n_samples,), or None
        Sample weights.
    params : dict
        The checked hyperparameters.
    incremental : bool
        ``partial_fit``: one epoch, no validation split, no convergence warning.
    """
    if is_sparse(X):  # row batches X[rows] are cheap in CSR (a CSC X is converted once)
        X = as_sparse_input(X, "X", rows=True, check_finite=False)
    early = params["early_stopping"] and not incremental
    rng = _legacy(est._rng)  # the split and the shuffling draw from it, in this order
    X, T, W, validation = _split(est, X, T, W, params["validation_fraction"], rng, early)
    n = X.shape[0]
    batch_size = _batch_size(params["batch_size"], n)
    # ``fit`` or ``partial_fit`` has just made the optimiser (it is None only for L-BFGS)
    step = TrainingStep(est.network_, est._loss, cast("Optimizer", est.optimizer_))
    decay = WeightDecay(0.0 if params["solver"] == "adamw" else params["alpha"], per_batch=True)
    weights = est.network_.parameters()
    history = History(batches_per_epoch=math.ceil(n / batch_size))
    history.train_metrics["objective"] = [math.nan]  # index 0, before training: not measured
    if early:
        history.validation_metrics["score"] = [math.nan]
    order, stopped = np.arange(n), False
    est.n_iter_ = 0
    with deferred_sigint() as interrupt, np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, (1 if incremental else params["max_iter"]) + 1):
            if params["shuffle"]:
                order = _permuted(order, rng)
            accumulated = 0.0
            for k, batch in enumerate(gen_batches(n, batch_size), 1):
                rows = order[batch] if params["shuffle"] else batch
                wb = None if W is None else W[rows]
                b = float(batch.stop - batch.start) if wb is None else float(np.sum(wb))
                value = step.loss_and_gradients(X[rows], T[rows], wb)
                if not math.isfinite(value):
                    _diverged(est, X, T, value, epoch, k, history)
                objective = _reported(est, value)
                if decay.weight_decay:  # the L2 term (before the step) and its gradient α W / b
                    objective += decay.penalty(weights, b)
                    for grad, term in zip(step.grad_views, decay.terms(weights, batch_weight=b)):
                        if term is not None:
                            grad += term
                step.update()
                history.batch_loss.append(value)
                accumulated += objective * (batch.stop - batch.start)
                est.t_ += batch.stop - batch.start
                if interrupt.requested:
                    break
            if interrupt.requested:
                break
            est.n_iter_ += 1
            stopped = _end_of_epoch(est, accumulated / n, validation, history, params)
            if stopped:
                break
        history.interrupted = interrupt.requested  # at any moment of the fit, the last too
    _finish(est, history, early, stopped, incremental, params)


def _permuted(order: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """``sklearn.utils.shuffle(order, random_state=rng)``: the same draw (``resample``
    without replacement shuffles ``arange(n)`` in place), without the parameter validation
    that costs that function a tenth of a digits fit."""
    indices = np.arange(order.shape[0])
    rng.shuffle(indices)
    return order[indices]


def _finish(
    est: _BaseMLP, history: History, early: bool, stopped: bool, incremental: bool, params: dict
) -> None:
    """Restore the best weights (early stopping), drop the caches, warn as scikit-learn."""
    history.epochs, history.stopped_early = est.n_iter_, stopped
    est.history_ = history
    if early:
        for param, best in zip(est.network_.parameters(), est._best_params):
            param[...] = best
        est.best_loss_ = None
    est.network_.clear_cache()
    if history.interrupted:
        warnings.warn(
            "Training interrupted by the user (Ctrl-C) after "
            f"{est.n_iter_} epoch(s); the model keeps its last complete update",
            UserWarning,
            stacklevel=5,  # the caller of fit or partial_fit
        )
    elif not incremental and not stopped and est.n_iter_ == params["max_iter"]:
        warnings.warn(
            f"Stochastic Optimizer: Maximum iterations ({params['max_iter']}) reached and the "
            "optimization hasn't converged yet.",
            ConvergenceWarning,
            stacklevel=5,  # the caller of fit or partial_fit
        )


def _end_of_epoch(
    est: _BaseMLP, loss: float, validation: tuple | None, history: History, params: dict
) -> bool:
    """scikit-learn's end of an epoch with loss ``loss`` (``_update_no_improvement_count``,
    ``iteration_ends``, ``trigger_stopping``): whether to stop."""
    verbose, tol = params["verbose"], params["tol"]
    est.loss_ = loss
    est.loss_curve_.append(loss)
    history.train_metrics["objective"].append(loss)
    if verbose:
        _say("Iteration %d, loss = %.8f" % (est.n_iter_, loss))
    # With a validation set (early stopping) the scores are lists and numbers, without one
    # ``best_loss_`` is a number (``_initialise``); the optimiser exists (a stochastic solver).
    if validation is not None:
        score = est._validation_score(est.network_.predict(validation[0]), *validation[1:])
        cast("list[float]", est.validation_scores_).append(score)
        history.validation_metrics["score"].append(score)
        if verbose:
            _say("Validation score: %f" % score)
        best_score = cast(float, est.best_validation_score_)
        worse = score < best_score + tol
        if score > best_score:
            est.best_validation_score_ = score
            est._best_params = [p.copy() for p in est.network_.parameters()]
    else:
        best_loss = cast(float, est.best_loss_)
        worse = loss > best_loss - tol
        est.best_loss_ = min(best_loss, loss)
    est._no_improvement_count = est._no_improvement_count + 1 if worse else 0
    sgd, optimizer = params["solver"] == "sgd", cast("Optimizer", est.optimizer_)
    schedule = params["learning_rate"] if sgd else "constant"
    if schedule == "invscaling":
        rate = InverseScaling(params["learning_rate_init"], params["power_t"])
        optimizer.learning_rate = rate(est.t_)
    if est._no_improvement_count <= params["n_iter_no_change"]:
        return False
    what = "Validation score" if validation is not None else "Training loss"
    message = "%s did not improve more than tol=%f for %d consecutive epochs." % (
        what,
        tol,
        params["n_iter_no_change"],
    )
    if schedule == "adaptive" and cast(float, optimizer.learning_rate) > SMALLEST_LEARNING_RATE:
        optimizer.learning_rate = cast(float, optimizer.learning_rate) / ADAPTIVE_FACTOR
        est._no_improvement_count = 0
        if verbose:
            _say(message + " Setting learning rate to %f" % optimizer.learning_rate)
        return False
    if verbose:
        too_small = " Learning rate too small." if schedule == "adaptive" else ""
        _say(message + too_small + " Stopping.")
    return True


def _reported(est: _BaseMLP, value: float) -> float:
    """The loss of a batch as scikit-learn reports it: the engine's (scikit-learn's own
    objective), but for the squared error averaged over the outputs, as scikit-learn's
    ``squared_loss`` is although its gradient sums them."""
    if est.out_activation_ == "identity":
        return value / est.n_outputs_
    return value


def _say(line: str) -> None:
    """One of scikit-learn's verbose lines, on stdout where scikit-learn prints them."""
    sys.stdout.write(line + "\n")


def _legacy(rng: Any) -> np.random.RandomState:
    """The ``RandomState`` scikit-learn's utilities take (a ``Generator`` seeds one)."""
    if isinstance(rng, np.random.Generator):
        return np.random.RandomState(rng.integers(2**32, dtype=np.uint64))
    return rng


def _split(
    est: _BaseMLP,
    X: Any,
    T: np.ndarray,
    W: np.ndarray | None,
    fraction: float,
    rng: np.random.RandomState,
    early: bool,
) -> tuple[Any, np.ndarray, np.ndarray | None, tuple | None]:
    """scikit-learn's validation split: ``(X, T, W)`` to train on and ``(X, T, W)`` to
    score (the weights are split with the samples and weigh the score), or no split."""
    if not early:
        return X, T, W, None
    stratify = T > 0.5 if est._is_classifier and T.shape[1] == 1 else None
    arrays = (X, T) if W is None else (X, T, W)
    with config_context(skip_parameter_validation=True):  # as in scikit-learn's fit
        parts = train_test_split(*arrays, random_state=rng, test_size=fraction, stratify=stratify)
    if parts[1].shape[0] < 2:
        raise ValueError(TOO_SMALL)
    if W is None:
        return parts[0], parts[2], None, (parts[1], parts[3], None)
    return parts[0], parts[2], parts[4], (parts[1], parts[3], parts[5])


def _batch_size(batch_size: int | str, n: int) -> int:
    """``"auto"``: ``min(200, n)``; a larger int is clipped, with scikit-learn's warning."""
    if batch_size == "auto":
        return min(AUTO_BATCH_SIZE, n)
    if cast(int, batch_size) > n:  # an int: the only string the parameter check lets through
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. It is going to be "
            f"clipped (batch_size={batch_size}, {n} training samples)",
            UserWarning,
            stacklevel=5,
        )
    return min(int(batch_size), n)


def _diverged(
    est: _BaseMLP, X: Any, T: np.ndarray, value: float, epoch: int, batch: int, history: History
) -> None:
    """Raise :class:`~scratchnn.training.TrainingDivergedError` for a non-finite batch loss
    (the update was not applied), with what to do: scale inputs too large for the dtype (no
    learning rate helps then), else lower the user's ``learning_rate_init``."""
    est.network_.clear_cache()
    largest = float(abs(X).max()) if X.shape[0] else 0.0
    if not est._is_classifier and T.size:
        largest = max(largest, float(np.max(np.abs(T))))
    what = "X" if est._is_classifier else "X and y"
    if largest >= math.sqrt(np.finfo(T.dtype).max):
        advice = (
            f"{what} hold values up to {largest:.3g}, too large for {T.dtype} arithmetic "
            "whatever the learning rate: scale the inputs first, e.g. with "
            "sklearn.preprocessing.StandardScaler"
        )
    else:
        advice = f"lower learning_rate_init (it is {est.learning_rate_init!r})"
        if largest > 1e3:
            advice += (
                f", or scale the inputs ({what} hold values up to {largest:.3g}), e.g. with "
                "sklearn.preprocessing.StandardScaler"
            )
    history.epochs = est.n_iter_
    raise TrainingDivergedError(
        f"training diverged: the loss is {value} in epoch {epoch}, batch {batch}; {advice}",
        epoch,
        batch,
        history,
    )
