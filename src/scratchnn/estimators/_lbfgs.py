"""``solver="lbfgs"``: SciPy's L-BFGS-B over the engine's whole-data objective.

As scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` do, the fit minimises

.. math::

    J(\\theta) = \\ell(Y, T) + \\frac{\\alpha}{2N} \\sum_l \\lVert W_l \\rVert^2

over all :math:`N` training samples at once (no mini-batches, no shuffling, no validation
split: ``batch_size``, ``shuffle``, ``early_stopping``, ``validation_fraction``,
``n_iter_no_change``, ``learning_rate_init`` and the Adam/SGD parameters are ignored) with
``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` and scikit-learn's options:
``maxiter=max_iter``, ``maxfun=max_fun``, ``gtol=tol``. The objective and its gradient are
the engine's: :class:`~scratchnn.training.FlatObjective` (the SciPy objective,
:mod:`scratchnn.training.scipy_objective`) on the network, with the estimator's loss (already
scikit-learn's convention, :mod:`._parameters`) and the L2 term :math:`\\lambda = \\alpha / N`
(:math:`\\alpha / \\sum_i w_i` with sample weights: ``WeightDecay(alpha, per_batch=True)``
on one batch of all the samples). As scikit-learn's, it computes in float64 whatever
``X``'s dtype, from weights drawn in ``X``'s dtype and a starting vector of that dtype, so
SciPy evaluates at points rounded to it: a float32 ``X`` takes float32-rounded steps and
ends with float64 ``coefs_``.

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
* The loss is computed exactly from the output layer's input, where scikit-learn clips the
  probabilities: at saturation the line search sees other values (the module docs of
  :mod:`scratchnn.estimators` list this among the deliberate differences).
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

from ..regularization import WeightDecay
from ..training import FlatObjective, History, TrainingDivergedError

if TYPE_CHECKING:
    from ._base import _BaseMLP

__all__ = ["fit_lbfgs", "check_stochastic"]

#: The name of :math:`J` in ``history_.train_metrics``.
OBJECTIVE = "objective"


def check_stochastic(estimator: Any) -> bool:
    """``partial_fit`` is available for every solver but ``"lbfgs"``: scikit-learn's
    ``AttributeError`` otherwise (for ``sklearn.utils.available_if``)."""
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. lbfgs is not stochastic."
        )
    return True


def fit_lbfgs(
    est: _BaseMLP, X: Any, T: np.ndarray, W: np.ndarray | None, params: dict[str, Any]
) -> None:
    """``fit`` with ``solver="lbfgs"``: minimise from the current (float64) weights.

    Parameters
    ----------
    est : MLPClassifier or MLPRegressor
        Initialised or warm-started; its network float64.
    X, T : arrays, shape (n_samples, n_features) and (n_samples, n_outputs)
        Validated inputs (dense, CSR or CSC) and the network's targets.
    W : ndarray, shape (n_samples,), or None
        Sample weights: the loss is their weighted mean, and the L2 term is divided by
        their sum instead of the number of samples, as scikit-learn's.
    params : dict
        The checked hyperparameters.

    Raises
    ------
    TrainingDivergedError
        When the objective or the weights become NaN or infinite.
    """
    est.optimizer_ = None  # L-BFGS keeps no state between fits
    weight_sum = float(X.shape[0]) if W is None else float(np.sum(W))
    decay = WeightDecay(params["alpha"], per_batch=True)
    objective = FlatObjective(
        est.network_,
        est._loss,
        X,
        T,
        l2=decay.coefficient(weight_sum),
        sample_weight=W,
    )
    try:
        result, curve = _minimize(objective, params, X.dtype)
    finally:
        est.network_.clear_cache()
    _record(est, result, curve, int(params["max_iter"]))


def _minimize(
    objective: FlatObjective, params: dict[str, Any], dtype: np.dtype
) -> tuple[OptimizeResult, list]:
    """L-BFGS-B with scikit-learn's options; the result, in the network, and :math:`J` of
    every iteration (index 0: the initial parameters).

    The starting vector has ``X``'s ``dtype``, as scikit-learn's (it packs the weights drawn
    in that dtype): SciPy then evaluates the objective at points rounded to it, so a float32
    ``X`` takes float32-rounded steps, computed in float64, ending at a float64 solution."""
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
            objective.pack().astype(dtype),
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
