"""The estimators' hyperparameters, declared once (``PARAMETER_CONSTRAINTS``) and checked by
``check_params``: coverage, canonical forms and the messages."""

import inspect
import math

import numpy as np
import pytest

from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.estimators._parameters import PARAMETER_CONSTRAINTS, REGRESSOR_ONLY, check_params


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_every_parameter_is_declared_once(cls):
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    declared = [p for p in PARAMETER_CONSTRAINTS if cls is MLPRegressor or p not in REGRESSOR_ONLY]
    assert sorted(declared) == sorted(names)


def test_canonical_forms():
    p = check_params(
        MLPClassifier(
            hidden_layer_sizes=np.int64(5),
            alpha=1,
            verbose=True,
            batch_size=np.int32(8),
            shuffle=np.True_,
            n_iter_no_change=np.inf,
            random_state=np.int64(3),
        ).get_params()
    )
    assert p["hidden_layer_sizes"] == (5,)
    assert p["alpha"] == 1.0 and isinstance(p["alpha"], float)
    assert p["verbose"] == 1 and type(p["verbose"]) is int
    assert p["batch_size"] == 8 and type(p["batch_size"]) is int
    assert p["shuffle"] is True
    assert p["n_iter_no_change"] == math.inf
    assert p["random_state"] == 3
    assert (
        check_params(MLPClassifier(hidden_layer_sizes=[]).get_params())["hidden_layer_sizes"] == ()
    )
    assert check_params(MLPClassifier().get_params())["batch_size"] == "auto"


BAD = [
    (
        {"hidden_layer_sizes": (4, -1)},
        ValueError,
        r"hidden_layer_sizes\[1\] must be an integer >= 1, got -1",
    ),
    (
        {"hidden_layer_sizes": "4"},
        TypeError,
        "hidden_layer_sizes must be an int or a sequence of ints, got '4'",
    ),
    ({"hidden_layer_sizes": (4.0,)}, TypeError, r"hidden_layer_sizes\[0\] must be an integer"),
    ({"batch_size": "full"}, ValueError, "batch_size must be 'auto' or an int >= 1, got 'full'"),
    ({"batch_size": 2.0}, TypeError, "batch_size must be an integer, got 2.0"),
    ({"shuffle": 1}, TypeError, "shuffle must be True or False, got 1"),
    (
        {"random_state": 1.5},
        TypeError,
        "random_state must be None, an int, a numpy RandomState or Generator, got 1.5",
    ),
    ({"random_state": True}, TypeError, "random_state must be None"),
    ({"verbose": -1}, ValueError, "verbose must be an integer >= 0, got -1"),
    ({"n_iter_no_change": -np.inf}, TypeError, "n_iter_no_change must be an integer"),
    ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change must be an integer >= 1, got 0"),
    ({"momentum": 1.5}, ValueError, r"momentum must be a finite number in \[0, 1\], got 1.5"),
    ({"validation_fraction": 1.0}, ValueError, r"validation_fraction must be .* in \[0, 1\)"),
    ({"epsilon": np.nan}, ValueError, "epsilon must be a finite number"),
    (
        {"solver": "newton"},
        ValueError,
        "solver must be one of 'adam', 'sgd', 'rmsprop', 'adamw', 'lbfgs', got 'newton'",
    ),
    ({"max_fun": 0}, ValueError, "max_fun must be an integer >= 1, got 0"),
    ({"max_fun": 1.5}, TypeError, "max_fun must be an integer"),
]


@pytest.mark.parametrize("overrides, error, message", BAD, ids=[str(b[0]) for b in BAD])
def test_messages(overrides, error, message):
    with pytest.raises(error, match=message):
        check_params(MLPRegressor(**overrides).get_params())


def test_the_first_bad_parameter_in_declaration_order_is_reported():
    with pytest.raises(ValueError, match="^solver"):
        check_params(MLPClassifier(n_iter_no_change=0, solver="x", alpha=-1.0).get_params())
