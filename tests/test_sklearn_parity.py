"""The estimators against scikit-learn's MLP on the same data: for the same ``random_state``,
``solver="sgd"`` (momentum, Nesterov, every ``learning_rate`` schedule) and ``"adam"`` give
scikit-learn's ``loss_curve_``, weights, ``n_iter_``, ``t_`` and validation scores to 1e-10
(float64), with and without early stopping; and the rules around them (batches, best epoch,
validation split, ``score``, ``verbose``, ``warm_start``, ``partial_fit``) are scikit-learn's.
Every expected value comes from ``sklearn.neural_network`` itself.
"""

import warnings

import numpy as np
import pytest
from sklearn import neural_network as sknn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

from scratchnn import TrainingDivergedError
from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.estimators._stochastic import _split
from scratchnn.optimizers import Adam, optimizer_from_config

TOL = 1e-10


def _data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(103, 5))
    noise = rng.normal(size=(103, 3))
    return {
        "multiclass": (MLPClassifier, sknn.MLPClassifier, X, rng.randint(0, 3, 103)),
        "binary": (MLPClassifier, sknn.MLPClassifier, X, (X[:, 0] + noise[:, 0] > 0).astype(int)),
        "multilabel": (
            MLPClassifier,
            sknn.MLPClassifier,
            X,
            (X[:, :3] + 0.5 * noise > 0).astype(int),
        ),
        "regression": (MLPRegressor, sknn.MLPRegressor, X, X[:, 0] - 2 * X[:, 1] + noise[:, 0]),
        "multi-output": (
            MLPRegressor,
            sknn.MLPRegressor,
            X,
            np.c_[X[:, 0] - X[:, 1], X[:, 2] ** 2 + 0.1 * noise[:, 1]],
        ),
    }


DATA = _data()
SOLVERS = {
    "adam": dict(solver="adam", learning_rate_init=0.01),
    "sgd-nesterov": dict(solver="sgd", learning_rate_init=0.05),
    "sgd-momentum": dict(solver="sgd", learning_rate_init=0.05, nesterovs_momentum=False),
    "sgd-plain": dict(solver="sgd", learning_rate_init=0.05, momentum=0.0),
    "sgd-invscaling": dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.2),
    "sgd-adaptive": dict(
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.05,
        tol=0.05,
        n_iter_no_change=2,
    ),
}


def _fit_both(ours, theirs, X, y, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ours(**settings).fit(X, y), theirs(**settings).fit(X, y)


def _assert_same_fit(a, b):
    """The same weights, curves, counters and best values (to TOL)."""
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    assert len(a.loss_curve_) == len(b.loss_curve_)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=0, atol=TOL)
    assert a.loss_ == pytest.approx(b.loss_, rel=0, abs=TOL)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert p.shape == q.shape
        np.testing.assert_allclose(p, q, rtol=0, atol=TOL)
    if b.validation_scores_ is None:
        assert a.validation_scores_ is None and a.best_validation_score_ is None
        assert a.best_loss_ == pytest.approx(b.best_loss_, rel=0, abs=TOL)
    else:
        np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, rtol=0, atol=TOL)
        assert a.best_validation_score_ == pytest.approx(b.best_validation_score_, abs=TOL)
        assert a.best_loss_ is None and b.best_loss_ is None
    for name in ("out_activation_", "n_layers_", "n_outputs_", "n_features_in_"):
        assert getattr(a, name) == getattr(b, name), name
    if hasattr(b, "classes_"):
        np.testing.assert_array_equal(a.classes_, b.classes_)


@pytest.mark.slow  # a parity sweep: every problem, solver and stopping rule
@pytest.mark.parametrize("early_stopping", [False, True], ids=["no-es", "es"])
@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("problem", list(DATA))
def test_reproduces_sklearns_fit(problem, solver, early_stopping):
    """THE drop-in test: 40 epochs of shuffled mini-batches of 16 (103 samples: six full
    batches and one of 7, or 92 after the validation split) from the same seed."""
    ours, theirs, X, y = DATA[problem]
    settings = dict(
        hidden_layer_sizes=(7, 4),
        random_state=1,
        max_iter=40,
        batch_size=16,
        alpha=0.01,
        early_stopping=early_stopping,
        **SOLVERS[solver],
    )
    _assert_same_fit(*_fit_both(ours, theirs, X, y, **settings))


@pytest.mark.parametrize("activation", ["logistic", "tanh", "identity"])
def test_reproduces_sklearn_with_every_activation_and_auto_batches(activation):
    ours, theirs, X, y = DATA["multiclass"]
    settings = dict(hidden_layer_sizes=(6,), activation=activation, random_state=4, max_iter=25)
    _assert_same_fit(*_fit_both(ours, theirs, X, y, learning_rate_init=0.01, **settings))


def test_adam_epsilon_hat_is_sklearns_adam():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    theirs = [p.copy() for p in params]
    sk = AdamOptimizer(theirs, 0.01, 0.8, 0.99, 1e-3)  # a large epsilon: its place matters
    ours = Adam(0.01, 0.8, 0.99, 1e-3, epsilon_hat=True)
    for _ in range(5):
        grads = [rng.normal(size=p.shape) * 1e-3 for p in params]
        sk.update_params(theirs, grads)
        ours.step(params, grads)
    for p, q in zip(params, theirs):
        np.testing.assert_allclose(p, q, rtol=1e-14)
    # saved and rebuilt with it; configurations without it are unchanged
    assert optimizer_from_config("Adam", ours.get_config()).epsilon_hat
    assert "epsilon_hat" not in Adam().get_config()


@pytest.mark.parametrize("problem", ["binary", "regression"])
def test_early_stopping_keeps_any_improvement_as_best(problem):
    """tol only counts epochs without progress: with tol=0.2 (no epoch counts as progress)
    the best score is still the maximum, and its weights come back, as scikit-learn's."""
    ours, theirs, X, y = DATA[problem]
    settings = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        learning_rate_init=0.02,
        batch_size=10,
        early_stopping=True,
        tol=0.2,
        n_iter_no_change=4,
        random_state=0,
    )
    a, b = _fit_both(ours, theirs, X, y, **settings)
    _assert_same_fit(a, b)  # the restored weights too
    scores = a.validation_scores_
    assert a.best_validation_score_ == max(scores)
    # the best epoch improved on the epoch before it by less than tol: a rule that records
    # only improvements by more than tol would have kept an earlier, worse epoch
    best = int(np.argmax(scores))
    assert 0 < best and scores[best] - max(scores[:best]) < 0.2


@pytest.mark.parametrize(
    "problem, n_samples, fragment",
    [
        ("regression", 10, "validation set is too small"),  # ceil(0.1 * 10) = 1 held out
        ("regression", 2, "validation set is too small"),
        ("multiclass", 10, "validation set is too small"),
        ("binary", 2, "least populated classes"),  # the stratified split refuses first
    ],
)
def test_validation_set_too_small_is_sklearns_error(problem, n_samples, fragment):
    ours, theirs, X, y = DATA[problem]
    X, y = X[:n_samples], y[:n_samples]
    if problem == "binary":
        y = np.array([0, 1])
    with pytest.raises(ValueError) as expected:
        theirs(early_stopping=True).fit(X, y)
    with pytest.raises(ValueError) as got:
        ours(early_stopping=True).fit(X, y)
    assert str(got.value) == str(expected.value)
    assert fragment in str(got.value)


def test_binary_validation_split_is_stratified():
    """A 20/80 binary problem: the 10 validation samples hold 2 of the rare class."""
    X = DATA["binary"][2][:100]
    y = (np.arange(100) % 5 == 0).astype(int)
    clf = MLPClassifier((3,), early_stopping=True, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.history_.batches_per_epoch == 1 and clf.t_ == 2 * 90
    # the split itself, drawn as fit draws it
    T = y[:, None].astype(float)
    split = _split(clf, X, T, None, 0.1, np.random.RandomState(0), True)
    _, T_train, _, (X_val, T_val, _) = split
    assert len(X_val) == 10 and T_val.sum() == 2 and T_train.sum() == 18
    reference = sknn.MLPClassifier((3,), early_stopping=True, max_iter=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference.fit(X, y)
    np.testing.assert_allclose(clf.validation_scores_, reference.validation_scores_, atol=TOL)


def test_score_counts_unseen_labels_as_errors():
    ours, theirs, X, y = DATA["multiclass"]
    a, b = _fit_both(ours, theirs, X, y, hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    y_new = np.where(y == 2, 7, y)  # label 7 was never seen: those samples are wrong
    predicted = a.predict(X)
    assert a.score(X, y_new) == np.mean(predicted == y_new) == b.score(X, y_new)
    assert a.score(X, y_new) < a.score(X, y)


def test_verbose_prints_sklearns_lines(capsys):
    ours, theirs, X, y = DATA["multiclass"]
    settings = dict(
        hidden_layer_sizes=(5,),
        verbose=True,
        early_stopping=True,
        **SOLVERS["sgd-adaptive"],
        random_state=0,
        max_iter=30,
    )
    _fit_both(theirs, theirs, X, y, **settings)  # warm up imports: output compared below
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs(**settings).fit(X, y)
        expected = capsys.readouterr().out
        ours(**settings).fit(X, y)
        got = capsys.readouterr().out
    assert "Setting learning rate to" in expected
    assert got == expected


def _warm_started(early_stopping):
    ours, theirs, X, y = DATA["binary"]
    settings = dict(
        hidden_layer_sizes=(6,),
        warm_start=True,
        max_iter=7,
        batch_size=20,
        random_state=3,
        early_stopping=early_stopping,
        **SOLVERS["sgd-invscaling"],
    )
    a, b = _fit_both(ours, theirs, X, y, **settings)
    first = [p.copy() for p in a.coefs_ + a.intercepts_]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a.fit(X, y)
        b.fit(X, y)
    return a, b, first


def test_warm_start_is_sklearns():
    """A second fit continues the weights, loss_curve_, t_, the best loss and the count of
    epochs without progress; n_iter_ counts the second fit's epochs."""
    a, b, _ = _warm_started(False)
    _assert_same_fit(a, b)
    assert len(a.loss_curve_) == 14 and a.n_iter_ == 7 and a.t_ == 14 * 103


def test_warm_start_with_early_stopping_restores_the_best_of_both_fits():
    """The same curves and scores as scikit-learn's. No epoch of the second fit beats the
    first fit's best score, so the first fit's restored weights are still the best and come
    back. (scikit-learn keeps the last weights instead: after its first restore, its copy
    of the best weights is the live weight list, which the second fit trains in place.)"""
    a, b, first = _warm_started(True)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=0, atol=TOL)
    np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, rtol=0, atol=TOL)
    assert max(a.validation_scores_[7:]) < a.best_validation_score_ == max(a.validation_scores_)
    for p, q in zip(a.coefs_ + a.intercepts_, first):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("problem", ["multiclass", "multi-output"])
def test_partial_fit_is_sklearns(problem):
    ours, theirs, X, y = DATA[problem]
    settings = dict(hidden_layer_sizes=(6,), batch_size=25, random_state=5, **SOLVERS["adam"])
    a, b = ours(**settings), theirs(**settings)
    extra = {"classes": np.unique(y)} if problem == "multiclass" else {}
    for start in (0, 50, 0, 50):
        a.partial_fit(X[start : start + 53], y[start : start + 53], **extra)
        b.partial_fit(X[start : start + 53], y[start : start + 53], **extra)
    _assert_same_fit(a, b)
    assert a.n_iter_ == 1 and a.t_ == 4 * 53 and len(a.loss_curve_) == 4


def test_divergence_advice_names_the_cause():
    _, _, X, y = DATA["regression"]
    # inputs near the float maximum overflow whatever the learning rate: scale them
    with pytest.raises(TrainingDivergedError, match="StandardScaler") as huge:
        MLPRegressor((4,), learning_rate_init=1e-6, random_state=0).fit(X * 1e200, y)
    assert "learning_rate_init" not in str(huge.value) and "e+200" in str(huge.value)
    # a step too large: the user's learning_rate_init is quoted, not the engine's rate
    reg = MLPRegressor((4,), solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.raises(TrainingDivergedError, match=r"lower learning_rate_init \(it is 10.0\)"):
        reg.fit(X, y * 100)
