"""The estimators' hyperparameters, each declared once as a rule, checked in ``fit``.

:data:`PARAMETER_CONSTRAINTS` maps every constructor argument of
:class:`~scratchnn.estimators.MLPClassifier` and :class:`~scratchnn.estimators.MLPRegressor`
to a rule, in the manner of scikit-learn's ``_parameter_constraints``; :func:`check_params`
applies them in that order (the first bad parameter is reported), through the package's
validation vocabulary (:mod:`scratchnn._validation`). As scikit-learn requires, parameters
are checked in ``fit``, never in ``__init__``.

A rule is a small frozen dataclass with a method ``check(value, name)`` that returns the
value in canonical form (a float, an int, a tuple of layer sizes …) or raises a
``TypeError`` / ``ValueError`` naming the parameter.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .._validation import check_bool, check_choice, check_int, check_random_state, check_real
from ._mapping import ACTIVATIONS, SCHEDULES, SOLVERS

__all__ = ["PARAMETER_CONSTRAINTS", "REGRESSOR_ONLY", "check_params", "hidden_layer_sizes"]


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
    """None, an int, a NumPy ``RandomState`` or ``Generator``; returned unchanged."""

    def check(self, value: Any, name: str) -> Any:
        return check_random_state(value, name)


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
        return tuple(self.item.check(s, f"{name}[{i}]") for i, s in enumerate(sizes))


#: Every hyperparameter and its rule, in the order they are checked.
PARAMETER_CONSTRAINTS: dict[str, Rule] = {
    "hidden_layer_sizes": Sizes(Int(low=1)),
    "activation": Choice(tuple(ACTIVATIONS)),
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
    "momentum": Real("[0, 1)"),
    "validation_fraction": Real("(0, 1)"),
    "beta_1": Real("[0, 1)"),
    "beta_2": Real("[0, 1)"),
    "epsilon": Real("(0, inf)"),
    "n_iter_no_change": Int(low=1, allow_inf=True),
    "max_fun": Int(low=1),
    "loss": Choice(("squared_error", "poisson")),
}
#: Parameters of :class:`~scratchnn.estimators.MLPRegressor` alone.
REGRESSOR_ONLY = ("loss",)


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
