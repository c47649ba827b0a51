"""``solver="lbfgs"``: SciPy's L-BFGS-B over the engine's whole-data objective.

As scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` do, the fit minimises

.. math::

    J(\\theta) = \\ell(Y, T) + \\frac{\\alpha}{2N} \\sum_l \\lVert W_l \\rVert^2

over all :math:`N` training samples at once (no mini-batches, no shuffling, no validation
split: ``batch_size``, ``shuffle``, ``early_stopping``, ``validation_fraction``,
``n_iter_no_change``, ``learning_rate_init`` and the Adam/SGD parameters are ignored) with
``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` and scikit-learn's options:
``maxiter=max_iter``, ``maxfun=max_fun``, ``gtol=tol``. The objective and its gradient are
the engine's: :class:`~scratchnn.training.FlatObjective` on the network, its loss divided by
the loss scale :math:`s` (:mod:`._mapping`) and the L2 term :math:`\\lambda = \\alpha / N`.

Fitted attributes, as scikit-learn sets them: ``n_iter_`` = ``min(nit, max_iter)`` of this
fit, ``loss_`` = :math:`J` at the solution, ``t_`` unchanged; when SciPy stops without
converging (``max_iter`` or ``max_fun`` reached, or a failed line search), scikit-learn's
``ConvergenceWarning``. ``partial_fit`` does not exist for ``"lbfgs"`` (an
``AttributeError``, as in scikit-learn's classifier).

Differences from scikit-learn, deliberate:

* ``loss_curve_`` is extended with :math:`J` after every L-BFGS iteration and ``best_loss_``
  is its minimum (``loss_``); scikit-learn sets neither for ``"lbfgs"``.
* ``verbose`` prints ``Iteration n, loss = …`` after every iteration; scikit-learn with
  SciPy 1.15 or newer prints nothing.
* For several regression outputs :math:`J` is the gradient's own objective (half the squared
  error summed over the outputs); scikit-learn's value is its squared-error term divided by
  :math:`n_{outputs}` while its gradient is not, so its line search and stopping test see
  another function and it stops elsewhere (for ridge regression, farther from the exact
  minimiser than this fit): the solutions agree only as far as both converged, and
  ``loss_`` differs by about that factor.
* ``MLPRegressor(solver="lbfgs")`` has no ``partial_fit`` either; scikit-learn's means to
  hide it too, but its ``available_if`` test is the method ``_check_solver`` rather than
  its result, so there the method shows and runs a whole L-BFGS fit.
* A loss or weights that become NaN or infinite raise
  :class:`~scratchnn.training.TrainingDivergedError` (a ``ValueError``) advising to scale
  the inputs, as scikit-learn's ``ValueError`` does.
"""

from __future__ import annotations

import math
import sys
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import OptimizeResult, minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import _check_sample_weight

from ..training import FlatObjective, History, TrainingDivergedError
from ._mapping import OBJECTIVE, engine_config

if TYPE_CHECKING:
    from ._base import _BaseMLP

__all__ = ["fit_lbfgs", "check_stochastic"]

#: The parameters that ``"lbfgs"`` ignores, neutralised before configuring the engine (so
#: that no validation split is made and no batch-size warning is given).
_IGNORED = {"early_stopping": False, "batch_size": "auto"}


def check_stochastic(estimator: Any) -> bool:
    """``partial_fit`` is available for every solver but ``"lbfgs"``: scikit-learn's
    ``AttributeError`` otherwise (for ``sklearn.utils.available_if``)."""
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. lbfgs is not stochastic."
        )
    return True


def fit_lbfgs(
    estimator: _BaseMLP, X: Any, y: Any, params: dict[str, Any], sample_weight: Any = None
) -> _BaseMLP:
    """``fit`` with ``solver="lbfgs"``: validate, initialise (or warm-start), minimise.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
    X, y : array_like
        As given to ``fit``.
    params : dict
        The checked hyperparameters (:func:`._constraints.check_params`).
    sample_weight : array_like, shape (n_samples,), optional
        The loss is the weighted mean, and the L2 term is divided by the weights' sum
        instead of the number of samples, as scikit-learn's.

    Returns
    -------
    estimator
        Fitted: the network holds L-BFGS-B's solution.

    Raises
    ------
    TrainingDivergedError
        When the objective or the weights become NaN or infinite.
    """
    first = not hasattr(estimator, "network_") or not params["warm_start"]
    X, T = estimator._validate_data_and_targets(X, y, first=first, incremental=False, classes=None)
    config = engine_config(
        {**params, **_IGNORED}, estimator._problem_kind(), T.shape[1], X.shape[0], incremental=False
    )
    estimator._rng = estimator._make_rng()
    if first:
        estimator._initialise(X.shape[1], T.shape[1], X.dtype, params["hidden_layer_sizes"], config)
    elif estimator.network_.dtype != X.dtype:
        estimator.network_.astype(X.dtype)
    estimator.optimizer_ = None  # L-BFGS keeps no state between fits
    weight_sum = float(X.shape[0])
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        weight_sum = float(np.sum(sample_weight))
    objective = FlatObjective(
        estimator.network_,
        estimator._loss,
        X,
        T,
        l2=float(params["alpha"]) / weight_sum,
        scale=1.0 / estimator._loss_scale,
        sample_weight=sample_weight,
    )
    try:
        result, curve = _minimize(objective, params)
    finally:
        estimator._forget_activations()
    _record(estimator, result, curve, int(params["max_iter"]))
    return estimator


def _minimize(objective: FlatObjective, params: dict[str, Any]) -> tuple[OptimizeResult, list]:
    """L-BFGS-B with scikit-learn's options; the result, in the network, and :math:`J` of
    every iteration (index 0: the initial parameters)."""
    curve: list[float] = []
    verbose = bool(params["verbose"])

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = objective(theta)
        if not curve:
            curve.append(value)
        return value, grad

    def callback(intermediate_result: OptimizeResult) -> None:
        curve.append(float(intermediate_result.fun))
        if verbose:
            print("Iteration %d, loss = %.8f" % (len(curve) - 1, curve[-1]), file=sys.stdout)

    with np.errstate(over="ignore", invalid="ignore"):  # a divergence raises in _record
        result = minimize(
            fun,
            objective.pack(),
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={
                "maxfun": int(params["max_fun"]),
                "maxiter": int(params["max_iter"]),
                "gtol": float(params["tol"]),
            },
        )
    objective.unpack(result.x)
    return result, curve


def _record(estimator: _BaseMLP, result: OptimizeResult, curve: list, max_iter: int) -> None:
    """scikit-learn's fitted attributes, its warning, and the divergence check."""
    n_iter = min(int(result.nit), max_iter)
    history = History(epochs=n_iter, batches_per_epoch=1)
    history.train_metrics[OBJECTIVE] = list(curve)
    estimator.history_ = history
    weights = estimator.coefs_ + estimator.intercepts_
    if not math.isfinite(result.fun) or not all(np.isfinite(w).all() for w in weights):
        raise TrainingDivergedError(
            f"solver='lbfgs': the loss became {result.fun} (or the weights non-finite) after "
            f"{n_iter} iteration(s); the input data may hold values too large for the network: "
            "scale the inputs (e.g. sklearn.preprocessing.StandardScaler)",
            epoch=n_iter,
            batch=0,
            history=history,
        )
    estimator.n_iter_ = n_iter
    estimator.loss_ = float(result.fun)
    estimator.loss_curve_.extend(curve[1 : n_iter + 1])
    estimator.best_loss_ = min(estimator.loss_curve_, default=estimator.loss_)
    if result.status != 0:
        message = (
            f"lbfgs failed to converge after {n_iter} iteration(s) (status={result.status}):\n"
            f"{result.message}\n"
        )
        if n_iter == max_iter:
            message += (
                "\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={max_iter})."
            )
        message += (
            "\nYou might also want to scale the data as shown in:\n"
            "    https://scikit-learn.org/stable/modules/preprocessing.html"
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=5)  # the caller of fit
