"""The estimators' parameter rules against the installed scikit-learn's own
``_parameter_constraints``, value by value at every boundary; and the behaviours that had
drifted from scikit-learn (issue 20), each compared with scikit-learn run on the same data.

Deliberate differences (documented in :mod:`scratchnn.estimators._parameters`) are not
compared: numbers must be finite and not booleans, and two more solvers are accepted.
"""

import math
import numbers
import warnings

import numpy as np
import pytest
from sklearn import neural_network as sknn
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import (
    InvalidParameterError,
    make_constraint,
    validate_parameter_constraints,
)

import scratchnn.estimators
from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.estimators._parameters import check_params

CONSTRAINTS = sknn.MLPRegressor._parameter_constraints  # the classifier's, with ``loss``


def _interval_values(interval):
    """Each finite bound, the numbers just inside and outside it, and a large value."""
    integral = interval.type is numbers.Integral
    values = []
    for bound in (interval.left, interval.right):
        if bound is None:
            continue
        if integral:
            values += [bound - 1, bound, bound + 1]
        else:
            values += [float(bound), np.nextafter(bound, -np.inf), np.nextafter(bound, np.inf)]
    values.append(10**9 if integral else 1e300)
    if not integral:
        values += [0.5, -0.5, 1.0, 0.0]
    return values


def _candidates(name):
    """Values probing every constraint of ``name``: its boundaries and options, and a few
    values of the wrong kind."""
    values = ["not-an-option", 1.5, -1, 0, 1]
    for constraint in map(make_constraint, CONSTRAINTS[name]):
        kind = type(constraint).__name__
        if kind == "Interval":
            values += _interval_values(constraint)
        elif kind in ("StrOptions", "Options"):
            values += sorted(constraint.options, key=repr)
        elif kind == "_RandomStates":
            values += [None, 2**32 - 1, 2**32, np.random.RandomState(0)]
        elif kind == "_VerboseHelper":
            values += [True, False, 3]
        elif kind == "_Booleans":
            values += [True, False, np.True_]
        elif kind == "_ArrayLikes":
            values += [(3, 2), [4], ()]
    return values


def _deliberately_refused(value):
    """Values scikit-learn's intervals let through and ours refuse on purpose."""
    if isinstance(value, (bool, np.bool_)):
        return True  # booleans are not numbers (True is not a learning rate)
    return isinstance(value, float) and not math.isfinite(value) and value != np.inf


def _sklearn_accepts(name, value):
    try:
        validate_parameter_constraints({name: CONSTRAINTS[name]}, {name: value}, "MLPRegressor")
    except InvalidParameterError:
        return False
    return True


def _we_accept(name, value):
    try:
        check_params({**MLPRegressor().get_params(), name: value})
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_every_boundary_is_sklearns(name):
    assert sorted(CONSTRAINTS) == sorted(MLPRegressor().get_params())
    differences = []
    for value in _candidates(name):
        theirs = _sklearn_accepts(name, value)
        if name != "verbose" and theirs and _deliberately_refused(value):
            continue
        if (name, value) == ("n_iter_no_change", np.inf):
            theirs = True  # Options(Real, {inf}): compared as it is below
        if name == "hidden_layer_sizes" and isinstance(value, (tuple, list)):
            theirs = all(size >= 1 for size in value)  # scikit-learn checks the sizes in fit
        if theirs != _we_accept(name, value):
            differences.append((value, theirs))
    assert not differences, f"{name}: (value, scikit-learn accepts) where we differ"


# ---------------------------------------------------------------------------------------------
# Behaviours that had drifted
# ---------------------------------------------------------------------------------------------


def _data(n=103):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 5))
    return X, rng


def _fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


def _same_fit(a, b, tol=1e-10):
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=0, atol=tol)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        np.testing.assert_allclose(p, q, rtol=0, atol=tol)
    if b.validation_scores_ is not None:
        np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, atol=tol)
    else:
        assert a.best_loss_ == pytest.approx(b.best_loss_, abs=tol)


@pytest.mark.parametrize("n_outputs", [1, 3])
def test_poisson_reports_sklearns_loss_and_stops_where_it_stops(n_outputs):
    X, rng = _data()
    y = np.exp(0.3 * X[:, :n_outputs]) * rng.uniform(0.5, 1.5, size=(103, n_outputs))
    settings = dict(
        hidden_layer_sizes=(6,), loss="poisson", learning_rate_init=0.01, tol=1e-3,
        batch_size=20, random_state=0, max_iter=200,
    )  # fmt: skip
    ours = _fit(MLPRegressor(**settings), X, y.squeeze())
    theirs = _fit(sknn.MLPRegressor(**settings), X, y.squeeze())
    _same_fit(ours, theirs)
    assert ours.n_iter_ < 200  # tol stopped both, at the same epoch


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("problem", ["binary", "multiclass", "regression"])
def test_sample_weight_with_alpha_is_sklearns(problem, early_stopping):
    """The L2 term divided by each batch's total weight, and the validation score weighted."""
    X, rng = _data()
    y = {
        "binary": (X[:, 0] > 0).astype(int),
        "multiclass": rng.randint(0, 3, 103),
        "regression": X[:, 0] - X[:, 1],
    }[problem]
    ours_cls, theirs_cls = (
        (MLPRegressor, sknn.MLPRegressor)
        if problem == "regression"
        else (MLPClassifier, sknn.MLPClassifier)
    )
    w = rng.uniform(0.0, 3.0, size=103)
    settings = dict(
        hidden_layer_sizes=(7,), alpha=0.5, batch_size=16, max_iter=30, random_state=2,
        early_stopping=early_stopping, solver="sgd", learning_rate_init=0.05, tol=1e-3,
    )  # fmt: skip
    ours = _fit(ours_cls(**settings), X, y, sample_weight=w)
    theirs = _fit(theirs_cls(**settings), X, y, sample_weight=w)
    _same_fit(ours, theirs)


def test_warm_start_applies_a_new_activation_as_sklearn():
    X, rng = _data()
    y = rng.randint(0, 3, 103)
    settings = dict(hidden_layer_sizes=(6,), max_iter=5, random_state=0, warm_start=True)
    ours = _fit(MLPClassifier(**settings), X, y)
    theirs = _fit(sknn.MLPClassifier(**settings), X, y)
    ours.set_params(activation="tanh")
    theirs.set_params(activation="tanh")
    _same_fit(_fit(ours, X, y), _fit(theirs, X, y))
    assert type(ours.network_.layers[1]).__name__ == "Tanh"


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(hidden_layer_sizes=(7,)), r"hidden_layer_sizes=\(7,\) cannot continue"),
        (dict(hidden_layer_sizes=(6, 2)), "whose hidden layers are \\(6,\\)"),
        (dict(loss="poisson"), "loss='poisson' cannot continue"),
    ],
)
def test_warm_start_refuses_what_it_cannot_honour(change, message):
    X, _ = _data()
    model = _fit(MLPRegressor((6,), max_iter=3, random_state=0, warm_start=True), X, X[:, 0] ** 2)
    before = [p.copy() for p in model.coefs_]
    model.set_params(**change)
    with pytest.raises(ValueError, match=message):
        model.fit(X, X[:, 0] ** 2)
    with pytest.raises(ValueError, match=message):
        model.partial_fit(X, X[:, 0] ** 2)
    for p, q in zip(model.coefs_, before):
        np.testing.assert_array_equal(p, q)  # refused before anything changed


def test_warm_start_error_is_sklearns():
    X, rng = _data()
    y = rng.randint(0, 3, 103)
    messages = []
    for cls in (MLPClassifier, sknn.MLPClassifier):
        model = _fit(cls((4,), max_iter=2, warm_start=True, random_state=0), X, y)
        with pytest.raises(ValueError) as error:
            model.fit(X, np.where(y == 2, 1, y))
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "Previously got [0 1 2], `y` has [0 1]" in messages[0]


def test_tags_are_sklearns():
    for ours, theirs in [
        (MLPRegressor(), sknn.MLPRegressor()),
        (MLPClassifier(), sknn.MLPClassifier()),
    ]:
        a, b = ours.__sklearn_tags__(), theirs.__sklearn_tags__()
        assert a.target_tags == b.target_tags
        assert a.input_tags.sparse == b.input_tags.sparse
        assert (a.classifier_tags is None) == (b.classifier_tags is None)
        if b.classifier_tags is not None:
            assert a.classifier_tags.multi_label == b.classifier_tags.multi_label


def test_validation_fraction_zero_is_accepted_and_fails_as_sklearns():
    X, rng = _data()
    y = rng.randint(0, 2, 103)
    messages = []
    for cls in (MLPClassifier, sknn.MLPClassifier):
        _fit(cls((3,), validation_fraction=0.0, max_iter=2, random_state=0), X, y)  # unused
        with pytest.raises(ValueError) as error:
            cls((3,), validation_fraction=0.0, early_stopping=True).fit(X, y)
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_momentum_one_fits_as_sklearn():
    X, rng = _data()
    y = rng.randint(0, 3, 103)
    settings = dict(hidden_layer_sizes=(4,), solver="sgd", momentum=1.0, max_iter=3, random_state=0)
    _same_fit(_fit(MLPClassifier(**settings), X, y), _fit(sknn.MLPClassifier(**settings), X, y))


def test_the_tested_scikit_learn_versions_are_declared():
    import sklearn

    minor = ".".join(sklearn.__version__.split(".")[:2])
    assert minor in scratchnn.estimators.SKLEARN_TESTED  # the parity tests ran on it


@pytest.mark.slow  # a fresh interpreter per version
@pytest.mark.parametrize("version, warns", [("1.9.0", False), ("1.10.0", True), ("1.8.2", True)])
def test_other_scikit_learn_versions_warn_on_import(version, warns):
    import subprocess
    import sys

    code = (
        "import warnings, sklearn\n"
        f"sklearn.__version__ = {version!r}\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    import scratchnn.estimators\n"
        "print(sum('reproduces scikit-learn 1.9' in str(w.message) for w in caught))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert int(out.strip().splitlines()[-1]) == int(warns)


def test_the_epoch_permutation_draws_as_sklearns_shuffle():
    from sklearn.utils import shuffle

    from scratchnn.estimators._stochastic import _permuted

    ours, theirs = np.random.RandomState(3), np.random.RandomState(3)
    a = b = np.arange(17)
    for _ in range(4):  # every epoch permutes the previous order, from the same RandomState
        a, b = _permuted(a, ours), shuffle(b, random_state=theirs)
        np.testing.assert_array_equal(a, b)
