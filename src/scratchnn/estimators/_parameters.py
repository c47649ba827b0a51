"""The estimators' hyperparameters: each declared once, as a rule (checked in ``fit``) and
as documentation (shared by both estimators' docstrings).

:data:`PARAMETER_CONSTRAINTS` maps every constructor argument of
:class:`~scratchnn.estimators.MLPClassifier` and :class:`~scratchnn.estimators.MLPRegressor`
to a rule, in the manner of scikit-learn's ``_parameter_constraints``; :func:`check_params`
applies them in that order (the first bad parameter is reported), through the package's
validation vocabulary (:mod:`scratchnn._validation`). As scikit-learn requires, parameters
are checked in ``fit``, never in ``__init__``.

A rule is a small frozen dataclass with a method ``check(value, name)`` that returns the
value in canonical form (a float, an int, a tuple of layer sizes …) or raises a
``TypeError`` / ``ValueError`` naming the parameter. The rules accept what the installed
scikit-learn's ``_parameter_constraints`` accept at every boundary (a test holds them to it),
but for three deliberate differences: two more solvers (``"rmsprop"``, ``"adamw"``), numbers
must be finite (scikit-learn's intervals let ``inf`` and ``nan`` through, e.g. ``alpha=nan``)
and booleans are not numbers (``alpha=True`` is refused).

:data:`PARAMETERS_DOC` and :data:`ATTRIBUTES_DOC` are the numpydoc sections of the
hyperparameters and fitted attributes the two estimators share.

What the engine is given
------------------------
================================  ===================  ======================================
problem                           output layer         loss (scikit-learn's convention)
================================  ===================  ======================================
multi-class                       ``Softmax``          ``CategoricalCrossEntropy()``
binary, multi-label               ``Logistic``         ``BinaryCrossEntropy(outputs="sum")``
regression                        ``Identity``         ``MSE(half=True, outputs="sum")``
regression, ``loss="poisson"``    ``Exp``              ``HalfPoissonDeviance(outputs="sum")``
================================  ===================  ======================================

Each loss is scikit-learn's as it is (a mean over the samples, a sum over the outputs), so
the engine's gradients are scikit-learn's and its optimisers take ``learning_rate_init``,
``epsilon`` and the betas unscaled: ``"sgd"`` is ``GradientDescent(momentum=,
nesterov=)``, ``"adam"`` scikit-learn's form of Adam (``Adam(epsilon_hat=True)``: the
paper's efficient form), ``"rmsprop"`` ``RMSprop`` and ``"adamw"`` ``AdamW`` whose
``weight_decay`` is ``alpha`` (decoupled, instead of the L2 term). Weights and biases are
drawn as scikit-learn's: :math:`U(-a, a)`, :math:`a = \\sqrt{f / (fan_{in} + fan_{out})}`,
:math:`f` = 2 for logistic hidden units, else 6.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

import numpy as np

from .._validation import check_bool, check_choice, check_int, check_random_state, check_real
from ..layers import Exp, Identity, Layer, Logistic, ReLU, Softmax, Tanh
from ..losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy, HalfPoissonDeviance, Loss
from ..optimizers import Adam, AdamW, GradientDescent, Optimizer, RMSprop

__all__ = [
    "ACTIVATIONS",
    "SOLVERS",
    "HIDDEN",
    "OPTIMIZERS",
    "output_for",
    "make_optimizer",
    "SCHEDULES",
    "PARAMETER_CONSTRAINTS",
    "REGRESSOR_ONLY",
    "check_params",
    "hidden_layer_sizes",
    "PARAMETERS_DOC",
    "ATTRIBUTES_DOC",
]

#: Hidden-layer activations, by scikit-learn's names.
ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
#: The stochastic solvers (``"lbfgs"`` is the other one).
SOLVERS = ("adam", "sgd", "rmsprop", "adamw")
#: ``learning_rate`` schedules of ``solver="sgd"``.
SCHEDULES = ("constant", "invscaling", "adaptive")


class Rule(Protocol):
    """What a parameter must be: ``check`` returns it in canonical form or raises."""

    def check(self, value: Any, name: str) -> Any: ...  # pragma: no cover - protocol


@dataclass(frozen=True)
class Real:
    """A finite real number in ``interval`` (``"(0, inf)"``, ``"[0, 1)"`` …); a float."""

    interval: str

    def check(self, value: Any, name: str) -> float:
        return check_real(value, name, self.interval)


@dataclass(frozen=True)
class Int:
    """An int with ``low <= value <= high`` (either bound optional).

    ``keywords``: strings accepted as they are (``"auto"``; any other string is a
    ValueError listing them); ``allow_bool``: booleans count as 0 and 1; ``allow_inf``:
    ``float("inf")`` is accepted (and returned as ``math.inf``).
    """

    low: int | None = None
    high: int | None = None
    keywords: tuple[str, ...] = ()
    allow_bool: bool = False
    allow_inf: bool = False

    def check(self, value: Any, name: str) -> int | float | str:
        if self.keywords and isinstance(value, str):
            if value not in self.keywords:
                options = " or ".join(repr(k) for k in self.keywords)
                raise ValueError(f"{name} must be {options} or {self.describe()}, got {value!r}")
            return value
        if self.allow_bool and isinstance(value, (bool, np.bool_)):
            value = int(value)
        if self.allow_inf and isinstance(value, float) and value == math.inf:
            return math.inf
        return check_int(value, name, low=self.low, high=self.high)

    def describe(self) -> str:
        """``"an int >= 1"`` and the like."""
        if self.high is None:
            return "an int" if self.low is None else f"an int >= {self.low}"
        if self.low is None:
            return f"an int <= {self.high}"
        return f"an int in [{self.low}, {self.high}]"


@dataclass(frozen=True)
class Choice:
    """One of ``options`` (strings)."""

    options: tuple[str, ...]

    def check(self, value: Any, name: str) -> str:
        return check_choice(value, name, self.options)


@dataclass(frozen=True)
class Boolean:
    """``True`` or ``False`` (not 0 or 1); a bool."""

    def check(self, value: Any, name: str) -> bool:
        return check_bool(value, name)


@dataclass(frozen=True)
class RandomState:
    """None, an int in [0, 2**32 - 1] (a ``RandomState`` seed), a NumPy ``RandomState`` or
    ``Generator``; returned unchanged."""

    def check(self, value: Any, name: str) -> Any:
        value = check_random_state(value, name)
        if isinstance(value, numbers.Integral):  # a RandomState seed, as scikit-learn's
            check_int(value, name, low=0, high=2**32 - 1)
        return value


@dataclass(frozen=True)
class Sizes:
    """An int or a sequence of ints, each checked by ``item`` (named ``name[i]``); a tuple."""

    item: Int

    def check(self, value: Any, name: str) -> tuple[int, ...]:
        sizes = value
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        try:
            if isinstance(sizes, (str, bytes)):
                raise TypeError
            sizes = tuple(sizes)
        except TypeError:
            raise TypeError(f"{name} must be an int or a sequence of ints, got {value!r}") from None
        # ``item`` is an Int without keywords: its check returns ints
        return tuple(cast(int, self.item.check(s, f"{name}[{i}]")) for i, s in enumerate(sizes))


#: Every hyperparameter and its rule, in the order they are checked.
PARAMETER_CONSTRAINTS: dict[str, Rule] = {
    "hidden_layer_sizes": Sizes(Int(low=1)),
    "activation": Choice(ACTIVATIONS),
    "solver": Choice((*SOLVERS, "lbfgs")),
    "alpha": Real("[0, inf)"),
    "batch_size": Int(low=1, keywords=("auto",)),
    "learning_rate": Choice(SCHEDULES),
    "learning_rate_init": Real("(0, inf)"),
    "power_t": Real("[0, inf)"),
    "max_iter": Int(low=1),
    "shuffle": Boolean(),
    "warm_start": Boolean(),
    "nesterovs_momentum": Boolean(),
    "early_stopping": Boolean(),
    "random_state": RandomState(),
    "tol": Real("[0, inf)"),
    "verbose": Int(low=0, allow_bool=True),
    "momentum": Real("[0, 1]"),
    "validation_fraction": Real("[0, 1)"),
    "beta_1": Real("[0, 1)"),
    "beta_2": Real("[0, 1)"),
    "epsilon": Real("(0, inf)"),
    "n_iter_no_change": Int(low=1, allow_inf=True),
    "max_fun": Int(low=1),
    "loss": Choice(("squared_error", "poisson")),
}
#: Parameters of :class:`~scratchnn.estimators.MLPRegressor` alone.
REGRESSOR_ONLY = ("loss",)


#: Hidden-layer activations by scikit-learn's names.
HIDDEN: dict[str, type[Layer]] = {
    "identity": Identity,
    "logistic": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
}
#: Engine optimisers by ``solver``.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "adam": Adam,
    "sgd": GradientDescent,
    "rmsprop": RMSprop,
    "adamw": AdamW,
}


def output_for(kind: str, loss: str = "squared_error") -> tuple[type[Layer], str, Loss]:
    """The output layer, its scikit-learn name (``out_activation_``) and the engine loss
    with scikit-learn's convention, for a kind of problem (see the module docs)."""
    if kind == "regression":
        if loss == "poisson":
            return Exp, "exp", HalfPoissonDeviance(outputs="sum")
        return Identity, "identity", MSE(half=True, outputs="sum")
    if kind == "multiclass":
        return Softmax, "softmax", CategoricalCrossEntropy()
    if kind in ("binary", "multilabel-indicator"):
        return Logistic, "logistic", BinaryCrossEntropy(outputs="sum")
    raise ValueError(f"unknown kind of problem {kind!r}")


def make_optimizer(params: dict[str, Any]) -> Optimizer:
    """The engine optimiser of ``solver`` with the estimator's hyperparameters, unscaled."""
    solver, lr = params["solver"], params["learning_rate_init"]
    if solver == "sgd":
        momentum = params["momentum"]
        nesterov = params["nesterovs_momentum"] and momentum > 0
        return GradientDescent(lr, momentum=momentum, nesterov=nesterov)
    if solver == "rmsprop":
        return RMSprop(lr, epsilon=params["epsilon"])
    adam = (lr, params["beta_1"], params["beta_2"], params["epsilon"])
    if solver == "adamw":
        return AdamW(*adam, weight_decay=params["alpha"])
    return Adam(*adam, epsilon_hat=True)


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Check every hyperparameter against :data:`PARAMETER_CONSTRAINTS`.

    Parameters
    ----------
    params : mapping
        The estimator's ``get_params(deep=False)``.

    Returns
    -------
    dict
        The parameters in canonical form: floats, ints, bools, ``hidden_layer_sizes`` a
        tuple, ``verbose`` an int, ``n_iter_no_change`` an int or ``math.inf``,
        ``batch_size`` an int or ``"auto"``, ``random_state`` unchanged.

    Raises
    ------
    TypeError, ValueError
        For the first parameter (in declaration order) that breaks its rule, named.
    """
    return {
        name: rule.check(params[name], name)
        for name, rule in PARAMETER_CONSTRAINTS.items()
        if name in params or name not in REGRESSOR_ONLY
    }


def hidden_layer_sizes(value: Any) -> tuple[int, ...]:
    """``hidden_layer_sizes`` checked and as a tuple (an int ``n`` becomes ``(n,)``)."""
    return PARAMETER_CONSTRAINTS["hidden_layer_sizes"].check(value, "hidden_layer_sizes")


PARAMETERS_DOC = """
    hidden_layer_sizes : int or sequence of int, default (100,)
        Units of each hidden layer; ``()`` for none (a linear model).
    activation : {"relu", "logistic", "tanh", "identity"}, default "relu"
        Hidden-layer activation (the engine's ``ReLU``, ``Logistic``, ``Tanh``, ``Identity``).
    solver : {"adam", "sgd", "rmsprop", "adamw", "lbfgs"}, default "adam"
        Engine optimiser: ``Adam``, ``GradientDescent`` (with ``momentum``), ``RMSprop``
        (decay 0.9), ``AdamW``; or ``"lbfgs"``: SciPy's L-BFGS-B on the whole training set
        (no mini-batches, validation split or ``partial_fit``), as scikit-learn's; see
        ``max_fun``.
    alpha : float, default 1e-4
        L2 penalty :math:`\\frac{\\alpha}{2b}\\lVert W\\rVert^2` on the weights (see the module
        notes); AdamW's decoupled weight decay with ``solver="adamw"``.
    batch_size : int or "auto", default "auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``. An epoch is full batches of this
        size and a smaller last one, as scikit-learn's.
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant"
        Schedule of ``solver="sgd"`` (ignored by the others): "invscaling" uses
        ``learning_rate_init / (t_ + 1) ** power_t`` from the second epoch on (``t_`` the
        samples seen); "adaptive" divides the rate by 5 whenever ``n_iter_no_change``
        epochs in a row did not improve by ``tol``, and stops once it is at most 1e-6.
    learning_rate_init : float, default 1e-3
        Initial learning rate.
    power_t : float, default 0.5
        Exponent of "invscaling".
    max_iter : int, default 200
        Maximum number of epochs (L-BFGS iterations with ``solver="lbfgs"``).
    shuffle : bool, default True
        Shuffle the samples before every epoch (each epoch permutes the previous order).
    random_state : None, int, RandomState or Generator
        Source of the initial weights, then the validation split, then the shuffling, drawn
        in scikit-learn's order. None: fresh entropy (never NumPy's global state); an int:
        ``RandomState(seed)`` anew for every ``fit``/``partial_fit`` call, as scikit-learn,
        so the same seed gives scikit-learn's weights, split and batches.
    tol : float, default 1e-4
        An epoch counts as progress when ``loss_curve_`` drops (or, with
        ``early_stopping``, the validation score rises) by at least ``tol``; the best
        epoch is any improvement. With ``solver="lbfgs"``: L-BFGS-B's ``gtol`` (it stops
        when no gradient component exceeds ``tol``).
    verbose : bool or int, default False
        Print scikit-learn's lines to stdout (``Iteration 3, loss = 0.41268301``,
        ``Validation score: 0.900000`` with ``early_stopping``, and its stopping sentences).
    warm_start : bool, default False
        ``fit`` continues from the current weights (with a new optimiser; ``loss_curve_``,
        ``t_``, the best values and the count of epochs without progress go on) instead of
        starting afresh.
    momentum : float, default 0.9
        Momentum of ``solver="sgd"``, in [0, 1] (as scikit-learn's; 1 never forgets).
    nesterovs_momentum : bool, default True
        Nesterov momentum for ``solver="sgd"``.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the samples (scikit-learn's
        ``train_test_split``, stratified for a binary classifier), stop when the validation
        score has not improved by ``tol`` for more than ``n_iter_no_change`` epochs and
        restore the weights of the best score. At least 2 validation samples.
    validation_fraction : float, default 0.1
        In [0, 1); used with ``early_stopping`` (where 0 is scikit-learn's error: no
        validation samples).
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's (and AdamW's) moment decays and stabiliser; ``epsilon`` also RMSprop's.
    n_iter_no_change : int or inf, default 10
        Stop (or, "adaptive", lower the rate) after ``n_iter_no_change + 1`` epochs in a row
        without progress (scikit-learn's rule).
    max_fun : int, default 15000
        ``solver="lbfgs"`` only: the most evaluations of the loss and its gradient
        (L-BFGS-B's ``maxfun``; line searches take several per iteration).
"""

ATTRIBUTES_DOC = """
    network_ : scratchnn.Sequential
        The trained network (``Linear`` layers and activations).
    optimizer_ : scratchnn.optimizers.Optimizer or None
        The engine optimiser with its state (continued by ``partial_fit``); None after a
        ``solver="lbfgs"`` fit.
    history_ : scratchnn.History
        The last ``fit``/``partial_fit`` in the engine's record: ``batch_loss`` (every
        update's engine loss), ``train_metrics["objective"]`` (``loss_curve_``'s values of
        the call) and, with ``early_stopping``, ``validation_metrics["score"]``; index 0
        (before training) is NaN, not measured (``"lbfgs"``: :math:`J` of every iteration,
        index 0 the initial one).
    coefs_, intercepts_ : list of ndarray
        The network's weight matrices and biases, layer by layer (the arrays themselves).
    loss_ : float
        ``loss_curve_[-1]`` (``"lbfgs"``: :math:`J` at the solution).
    loss_curve_ : list of float
        scikit-learn's loss (L2 term included) of every epoch since the weights were
        initialised: the mean of its mini-batches' values (see the module notes).
    best_loss_ : float or None
        Smallest ``loss_curve_`` value (None with ``early_stopping``; ``loss_`` for
        ``"lbfgs"``).
    validation_scores_ : list of float or None
        With ``early_stopping``: the score on the validation samples after every epoch.
    best_validation_score_ : float or None
        Best validation score (``max(validation_scores_)``); its weights were restored.
    n_iter_ : int
        Epochs run by the last ``fit`` or ``partial_fit`` call (1 for ``partial_fit``).
    t_ : int
        Training samples seen by the optimiser since the weights were initialised
        (``n_train`` per epoch, as scikit-learn; after Ctrl-C, the interrupted epoch's
        batches too, so ``optimizer_.step_count <= t_``, which ``load`` checks).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` had column names.
    n_outputs_ : int
        Network outputs.
    n_layers_ : int
        Layers counted as scikit-learn does (input, hidden, output).
"""
