"""scikit-learn estimators: check_estimator, agreement with scikit-learn's own MLP, the
ecosystem (Pipeline, GridSearchCV, cross_val_score, pickle, clone), float32, partial_fit,
save/load and bad input.

Reference numbers come from scikit-learn's ``sklearn.neural_network`` (an independent
implementation) run in the test on the same data with the same settings.
"""

import os
import pickle
import signal
import threading
import warnings

import numpy as np
import pytest
from sklearn import neural_network as sknn
from sklearn.base import clone
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_classification,
    make_friedman1,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import scratchnn
from scratchnn.estimators import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# ---------------------------------------------------------------------------------------------
# scikit-learn's own estimator checks
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow  # scikit-learn's whole estimator check suite, twice
@parametrize_with_checks(
    [
        MLPClassifier((8,), learning_rate_init=0.05, max_iter=50, random_state=0),
        MLPRegressor((8,), learning_rate_init=0.05, max_iter=100, random_state=0),
    ]
)
def test_sklearn_check_estimator(estimator, check):
    check(estimator)


# ---------------------------------------------------------------------------------------------
# Same settings, same data: scikit-learn's MLP
# ---------------------------------------------------------------------------------------------


def _problems():
    X, y = make_classification(60, 5, n_informative=3, n_classes=3, random_state=0)
    yield "multiclass", MLPClassifier, sknn.MLPClassifier, X, y
    X, y = make_classification(60, 5, random_state=1)
    yield "binary", MLPClassifier, sknn.MLPClassifier, X, y
    X, y = make_multilabel_classification(60, 5, n_classes=3, random_state=0)
    yield "multilabel", MLPClassifier, sknn.MLPClassifier, X, y
    X, y = make_regression(60, 5, noise=1.0, random_state=0)
    yield "regression", MLPRegressor, sknn.MLPRegressor, X, y / 100


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize(
    "problem", list(_problems()), ids=lambda p: p[0] if isinstance(p, tuple) else None
)
def test_full_batch_sgd_takes_sklearns_steps(problem, activation, nesterov):
    """Full-batch SGD with momentum and L2 from the same int seed: the same initial weights
    and the same updates as scikit-learn, so the same weights and loss curve (to rounding)."""
    _, ours, theirs, X, y = problem
    settings = dict(
        hidden_layer_sizes=(7, 4),
        activation=activation,
        solver="sgd",
        alpha=0.1,
        batch_size=60,
        shuffle=False,
        max_iter=15,
        random_state=3,
        learning_rate_init=0.01,
        momentum=0.8,
        nesterovs_momentum=nesterov,
    )
    a = ours(**settings).fit(X, y)
    b = theirs(**settings).fit(X, y)
    assert [c.shape for c in a.coefs_] == [c.shape for c in b.coefs_]
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)
    # both record the loss of each full batch before its update
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-10)
    assert a.out_activation_ == b.out_activation_
    assert a.n_layers_ == b.n_layers_ and a.n_outputs_ == b.n_outputs_


@pytest.mark.parametrize(
    "problem", list(_problems()), ids=lambda p: p[0] if isinstance(p, tuple) else None
)
def test_mini_batch_sgd_and_loss_curve_as_sklearn(problem):
    """Mini-batches that scikit-learn cuts the same way (20 | 60, no shuffling): the same
    weights, and loss_curve_ is scikit-learn's (the mean of the batch objectives)."""
    _, ours, theirs, X, y = problem
    settings = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        alpha=0.5,
        batch_size=20,
        shuffle=False,
        max_iter=10,
        random_state=1,
        learning_rate_init=0.02,
    )
    a = ours(**settings).fit(X, y)
    b = theirs(**settings).fit(X, y)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-10)
    assert a.t_ == b.t_ == 600


def test_full_batch_adam_as_sklearn():
    """Adam with epsilon where scikit-learn adds it (epsilon_hat): the same curve."""
    X, y = make_classification(80, 6, n_informative=4, n_classes=3, random_state=2)
    settings = dict(
        hidden_layer_sizes=(10,),
        batch_size=80,
        shuffle=False,
        max_iter=20,
        random_state=0,
        learning_rate_init=0.01,
        alpha=0.01,
    )
    a = MLPClassifier(**settings).fit(X, y)
    b = sknn.MLPClassifier(**settings).fit(X, y)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-10)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def test_digits_accuracy_matches_sklearn(digits):
    X_train, X_test, y_train, y_test = digits
    settings = dict(
        hidden_layer_sizes=(64,),
        solver="adam",
        learning_rate_init=1e-3,
        batch_size=32,
        max_iter=30,
        random_state=0,
    )
    ours = MLPClassifier(**settings).fit(X_train, y_train).score(X_test, y_test)
    theirs = sknn.MLPClassifier(**settings).fit(X_train, y_train).score(X_test, y_test)
    assert ours > 0.95
    assert abs(ours - theirs) <= 0.02, (ours, theirs)


def test_regressor_r2_matches_sklearn():
    X, y = make_friedman1(n_samples=600, noise=0.5, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    settings = dict(
        hidden_layer_sizes=(32,),
        solver="sgd",
        learning_rate_init=1e-3,
        batch_size=32,
        max_iter=100,
        random_state=0,
    )
    ours = MLPRegressor(**settings).fit(X_train, y_train).score(X_test, y_test)
    theirs = sknn.MLPRegressor(**settings).fit(X_train, y_train).score(X_test, y_test)
    assert ours > 0.8
    assert abs(ours - theirs) <= 0.03, (ours, theirs)


# ---------------------------------------------------------------------------------------------
# The ecosystem
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def test_pipeline_grid_search_and_cross_val_score(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier(learning_rate_init=0.01, max_iter=200, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {"mlpclassifier__hidden_layer_sizes": [(4,), (16,)], "mlpclassifier__alpha": [1e-4, 1e-2]},
        cv=2,
    ).fit(X, y)
    assert set(grid.best_params_) == {"mlpclassifier__hidden_layer_sizes", "mlpclassifier__alpha"}
    assert grid.best_score_ > 0.85
    assert grid.best_estimator_[-1].network_ is not pipe[-1].__dict__.get("network_")
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.85


def test_pickle_and_clone(digits):
    X, _, y, _ = digits
    clf = MLPClassifier((16,), max_iter=2, random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    fresh = clone(clf)
    assert fresh.get_params() == clf.get_params()
    assert not hasattr(fresh, "network_")
    # Neither fit nor predict leaves the data's activations in the layers' caches (X alone
    # is 1347 x 64 x 8 = 690 kB); parameters and Adam's moments are 3 x 1210 x 8 = 29 kB.
    assert len(pickle.dumps(clf)) < 100_000


# ---------------------------------------------------------------------------------------------
# Attributes, solvers, stopping
# ---------------------------------------------------------------------------------------------


def test_fitted_attributes(iris):
    X, y = iris
    clf = MLPClassifier((5, 3), max_iter=20, random_state=0).fit(X, y)
    assert clf.n_features_in_ == 4 and clf.n_outputs_ == 3 and clf.n_layers_ == 4
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert [c.shape for c in clf.coefs_] == [(4, 5), (5, 3), (3, 3)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (3,), (3,)]
    assert isinstance(clf.network_, scratchnn.Sequential)
    assert [type(layer).__name__ for layer in clf.network_.layers] == [
        "Linear",
        "ReLU",
        "Linear",
        "ReLU",
        "Linear",
        "Softmax",
    ]
    assert isinstance(clf.history_, scratchnn.History)
    assert len(clf.loss_curve_) == clf.n_iter_ == 20 and clf.loss_ == clf.loss_curve_[-1]
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert clf.t_ == 20 * 150
    # coefs_ are the network's own arrays
    before = clf.predict_proba(X[:3])
    clf.coefs_[-1][...] = 0.0
    clf.intercepts_[-1][...] = 0.0
    np.testing.assert_allclose(clf.predict_proba(X[:3]), 1 / 3)
    assert not np.allclose(before, 1 / 3)


@pytest.mark.parametrize("solver", ["adam", "sgd", "rmsprop", "adamw"])
def test_every_solver_learns(iris, solver):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    lr = 0.1 if solver == "sgd" else 0.01
    clf = MLPClassifier(
        (16,), solver=solver, learning_rate_init=lr, max_iter=100, random_state=0
    ).fit(X, y)
    assert clf.score(X, y) > 0.93


def test_adamw_alpha_is_decoupled_weight_decay(iris):
    X, y = iris
    settings = dict(
        hidden_layer_sizes=(16,),
        solver="adamw",
        learning_rate_init=0.01,
        max_iter=100,
        random_state=0,
    )
    free = MLPClassifier(alpha=0.0, **settings).fit(X, y)
    decayed = MLPClassifier(alpha=5.0, **settings).fit(X, y)
    norm = lambda clf: sum(float(np.sum(W**2)) for W in clf.coefs_)  # noqa: E731
    assert norm(decayed) < 0.5 * norm(free)
    assert isinstance(decayed.optimizer_, scratchnn.AdamW)
    assert decayed.optimizer_.weight_decay == 5.0


def test_convergence_warning_and_stopping_on_tol(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(5\)"):
        MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    # no epoch after the first improves the loss by more than tol: scikit-learn's rule stops
    # after n_iter_no_change + 1 of them
    settings = dict(
        hidden_layer_sizes=(4,), max_iter=100, tol=1.0, n_iter_no_change=3, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = MLPClassifier(**settings).fit(X, y)
        reference = sknn.MLPClassifier(**settings).fit(X, y)
    assert clf.n_iter_ == reference.n_iter_ == 5
    assert clf.best_loss_ == min(clf.loss_curve_)


def test_early_stopping_restores_the_best_validation_score(digits):
    X_train, X_test, y_train, y_test = digits
    clf = MLPClassifier(
        (32,),
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=200,
        early_stopping=True,
        n_iter_no_change=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X_train, y_train)
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == len(clf.loss_curve_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.validation_scores_ == clf.history_.validation_metrics["score"][1:]
    # the validation set is ceil(0.1 * 1347) = 135 samples
    assert clf.t_ == clf.n_iter_ * (len(y_train) - 135)
    assert clf.score(X_test, y_test) > 0.93


def test_regressor_early_stopping_uses_r2():
    X, y = make_friedman1(n_samples=300, noise=0.5, random_state=1)
    X, y = StandardScaler().fit_transform(X), (y - y.mean()) / y.std()
    reg = MLPRegressor(
        (16,),
        learning_rate_init=0.03,
        max_iter=200,
        tol=1e-3,
        n_iter_no_change=5,
        early_stopping=True,
        random_state=0,
    ).fit(X, y)
    assert reg.n_iter_ < 200
    assert 0.5 < reg.best_validation_score_ <= 1.0
    assert reg.best_validation_score_ == max(reg.validation_scores_)
    # history_ follows the engine's History: index 0 (before training) was not measured
    assert np.isnan(reg.history_.validation_metrics["score"][0])
    assert reg.history_.validation_metrics["score"][1:] == reg.validation_scores_


def test_regressor_validation_score_is_sklearns_r2():
    from sklearn.metrics import r2_score

    rng = np.random.default_rng(0)
    t, y = rng.normal(size=(30, 3)), rng.normal(size=(30, 3))
    w = rng.uniform(0.5, 2.0, size=30)
    score = MLPRegressor()._validation_score
    assert score(y, t, None) == pytest.approx(r2_score(t, y), rel=1e-12)
    assert score(y, t, w) == pytest.approx(r2_score(t, y, sample_weight=w), rel=1e-12)
    assert score(y[:, :1], t[:, :1], None) == pytest.approx(r2_score(t[:, 0], y[:, 0]), rel=1e-12)
    t[:, 1] = 2.0  # a constant output: 1 when predicted exactly, else 0 (force_finite)
    assert score(y, t, None) == pytest.approx(r2_score(t, y), rel=1e-12)
    y[:, 1] = 2.0
    assert score(y, t, None) == pytest.approx(r2_score(t, y), rel=1e-12)
    y[0, 0] = np.inf  # non-finite predictions score NaN, as scikit-learn's
    assert np.isnan(score(y, t, None))


def test_multioutput_regression_and_shapes():
    X, Y = make_regression(100, 4, n_targets=3, noise=0.1, random_state=0)
    reg = MLPRegressor((16,), learning_rate_init=0.01, max_iter=200, random_state=0).fit(X, Y / 100)
    assert reg.predict(X).shape == (100, 3)
    assert reg.score(X, Y / 100) > 0.9
    single = MLPRegressor((4,), max_iter=3, random_state=0).fit(X, Y[:, 0])
    assert single.predict(X).shape == (100,)


def test_multilabel():
    X, Y = make_multilabel_classification(200, 6, n_classes=3, random_state=0)
    clf = MLPClassifier((32,), learning_rate_init=0.01, max_iter=200, random_state=0).fit(X, Y)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict(X).shape == (200, 3) and clf.predict_proba(X).shape == (200, 3)
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    assert clf.score(X, Y) > 0.6


def test_string_labels_and_binary_probabilities(iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = MLPClassifier((8,), learning_rate_init=0.01, max_iter=100, random_state=0)
    clf.fit(X[50:], names[50:])
    assert clf.out_activation_ == "logistic" and clf.coefs_[-1].shape == (8, 1)
    np.testing.assert_array_equal(clf.classes_, ["versicolor", "virginica"])
    proba = clf.predict_proba(X[50:])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X[50:]), clf.classes_[np.argmax(proba, axis=1)])
    np.testing.assert_allclose(clf.predict_log_proba(X[50:]), np.log(proba))


def test_random_state_kinds(iris):
    X, y = iris
    a = MLPClassifier((4,), max_iter=3, random_state=5).fit(X, y)
    b = MLPClassifier((4,), max_iter=3, random_state=np.random.RandomState(5)).fit(X, y)
    for p, q in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(p, q)
    c = MLPClassifier((4,), max_iter=3, random_state=np.random.default_rng(5)).fit(X, y)
    d = MLPClassifier((4,), max_iter=3).fit(X, y)
    e = MLPClassifier((4,), max_iter=3).fit(X, y)
    assert c.coefs_[0].shape == d.coefs_[0].shape
    assert not np.array_equal(d.coefs_[0], e.coefs_[0])


def test_warm_start(iris):
    X, y = iris
    clf = MLPClassifier((8,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    first = [c.copy() for c in clf.coefs_]
    network = clf.network_
    clf.fit(X, y)
    assert clf.network_ is network and clf.n_iter_ == 5 and len(clf.loss_curve_) == 10
    assert not np.array_equal(first[0], clf.coefs_[0])
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[:100], y[:100])


def test_verbose_prints_scikit_learns_lines_to_stdout_only(iris, capsys):
    X, y = iris
    clf = MLPClassifier((4,), max_iter=3, verbose=True, random_state=0).fit(X, y)
    captured = capsys.readouterr()
    expected = [f"Iteration {k}, loss = {loss:.8f}" for k, loss in enumerate(clf.loss_curve_, 1)]
    assert captured.out.splitlines() == expected and captured.err == ""


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or os.name != "posix",
    reason="needs SIGINT delivered to the main thread",
)
def test_ctrl_c_stops_training_and_leaves_a_usable_model(iris, tmp_path):
    X, y = iris
    clf = MLPClassifier(
        (8,), max_iter=10**6, n_iter_no_change=np.inf, batch_size=10, random_state=0
    )
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.warns(UserWarning, match="interrupted"):
            clf.fit(X, y)
    finally:
        timer.cancel()
    assert 0 < clf.n_iter_ < 10**6 and clf.history_.interrupted
    assert clf.predict(X).shape == (150,)
    # t_ counts every sample an update used, the interrupted epoch's batches (of 10) too
    updates = clf.optimizer_.step_count
    assert updates == len(clf.history_.batch_loss)
    partial = updates - 15 * clf.n_iter_
    assert 0 <= partial <= 15  # 15: the last batch done, the epoch not yet recorded
    assert clf.t_ == 150 * clf.n_iter_ + 10 * partial >= updates
    loaded = MLPClassifier.load(clf.save(tmp_path / "interrupted.npz"))  # consistent counters
    assert loaded.t_ == clf.t_ and loaded.optimizer_.step_count == updates


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread() or os.name != "posix",
    reason="needs SIGINT delivered to the main thread",
)
def test_ctrl_c_during_the_last_epochs_evaluation_is_not_lost(iris, monkeypatch):
    """Pressed after the last batch's check (the end of the last epoch): still reported."""
    from scratchnn.estimators import _stochastic

    end_of_epoch = _stochastic._end_of_epoch

    def pressed_in_the_last(est, *args):
        if est.n_iter_ == 2:
            signal.raise_signal(signal.SIGINT)
        return end_of_epoch(est, *args)

    monkeypatch.setattr(_stochastic, "_end_of_epoch", pressed_in_the_last)
    X, y = iris
    with pytest.warns(UserWarning, match="interrupted"):
        clf = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    assert clf.n_iter_ == 2 and clf.history_.interrupted


# ---------------------------------------------------------------------------------------------
# float32
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_dtypes_are_sklearns(iris, solver):
    """The dtypes of the weights and of the predictions for float32 and float64 ``X`` are
    the installed scikit-learn's: a float32 network answers float64 ``X`` in float64, and
    L-BFGS on float32 ``X`` ends with float64 weights (SciPy's vector)."""
    from sklearn import neural_network as sknn

    X, y = iris
    X32 = X.astype(np.float32)
    settings = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pairs = [
            (MLPClassifier(**settings).fit(X32, y), sknn.MLPClassifier(**settings).fit(X32, y)),
            (
                MLPRegressor(**settings).fit(X32, X[:, 0]),
                sknn.MLPRegressor(**settings).fit(X32, X[:, 0]),
            ),
        ]
    for ours, theirs in pairs:
        assert [c.dtype for c in ours.coefs_ + ours.intercepts_] == [
            c.dtype for c in theirs.coefs_ + theirs.intercepts_
        ]
        for data in (X32, X):
            assert ours.predict(data).dtype == theirs.predict(data).dtype
            if hasattr(theirs, "predict_proba"):
                assert ours.predict_proba(data).dtype == theirs.predict_proba(data).dtype
        if not ours._is_classifier:  # the same network answers both (to X's rounding)
            np.testing.assert_allclose(ours.predict(X), ours.predict(X32), rtol=1e-5, atol=1e-5)


def test_float32_preserved(iris):
    X, y = iris
    X32 = X.astype(np.float32)
    clf = MLPClassifier((8,), max_iter=5, random_state=0).fit(X32, y)
    assert all(c.dtype == np.float32 for c in clf.coefs_ + clf.intercepts_)
    assert all(m.dtype == np.float32 for m in clf.optimizer_.first_moments)
    assert clf.predict_proba(X32).dtype == np.float32
    reg = MLPRegressor((8,), max_iter=5, random_state=0).fit(X32, X32[:, 0])
    assert reg.predict(X32).dtype == np.float32
    assert MLPRegressor((8,), max_iter=5).fit(X, y).predict(X).dtype == np.float64
    assert MLPRegressor((8,), max_iter=5).fit(X.astype(int), y).coefs_[0].dtype == np.float64


# ---------------------------------------------------------------------------------------------
# partial_fit
# ---------------------------------------------------------------------------------------------


def test_partial_fit_equals_fit_epoch_by_epoch(iris):
    """Without shuffling (every call draws from a fresh RandomState(seed), as
    scikit-learn's), three partial_fit calls are three epochs of fit."""
    X, y = iris
    settings = dict(
        hidden_layer_sizes=(8,), batch_size=32, random_state=0, alpha=0.01, shuffle=False
    )
    fitted = MLPClassifier(max_iter=3, n_iter_no_change=np.inf, **settings).fit(X, y)
    incremental = MLPClassifier(**settings)
    for _ in range(3):
        incremental.partial_fit(X, y, classes=np.unique(y))
    assert incremental.n_iter_ == 1 and incremental.t_ == fitted.t_ == 450
    for p, q in zip(
        fitted.coefs_ + fitted.intercepts_, incremental.coefs_ + incremental.intercepts_
    ):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(fitted.loss_curve_, incremental.loss_curve_)


def test_partial_fit_batches_and_classes(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    order = np.random.RandomState(0).permutation(150)
    X, y = X[order], y[order]
    reg = MLPRegressor((8,), learning_rate_init=0.01, random_state=0)
    clf = MLPClassifier((8,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match=r"labels not seen when fitting: \[2\]"):
        clf.partial_fit(X, y, classes=[0, 1])
    assert not hasattr(clf, "classes_")  # a failed first call leaves it unfitted
    clf.partial_fit(X[:10], y[:10], classes=[0, 1, 2])  # need not hold every class
    for _ in range(30):
        for start in range(0, 150, 50):
            clf.partial_fit(X[start : start + 50], y[start : start + 50])
            reg.partial_fit(X[start : start + 50], X[start : start + 50, 0])
    assert clf.score(X, y) > 0.9 and reg.score(X, X[:, 0]) > 0.9
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    with pytest.raises(ValueError, match=r"labels not seen when fitting: \[7\]"):
        clf.partial_fit(X[:3], [0, 7, 1])
    with pytest.raises(ValueError, match="not the same as on the first call"):
        clf.partial_fit(X[:3], [0, 1, 1], classes=[0, 1, 2, 3])
    with pytest.raises(ValueError, match="early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


# ---------------------------------------------------------------------------------------------
# save / load
# ---------------------------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path, iris):
    X, y = iris
    names = np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]
    clf = MLPClassifier((8,), max_iter=20, shuffle=False, random_state=0).fit(
        X.astype(np.float32), names
    )
    path = clf.save(tmp_path / "clf.npz")
    loaded = MLPClassifier.load(path)
    assert loaded.get_params() == clf.get_params()
    np.testing.assert_array_equal(loaded.classes_, clf.classes_)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert loaded.loss_curve_ == clf.loss_curve_ and loaded.n_iter_ == clf.n_iter_
    assert loaded.score(X, names) == clf.score(X, names)
    # the optimiser state travels too: one more epoch gives the same weights
    clf.partial_fit(X.astype(np.float32), names)
    loaded.partial_fit(X.astype(np.float32), names)
    for p, q in zip(clf.coefs_ + clf.intercepts_, loaded.coefs_ + loaded.intercepts_):
        np.testing.assert_array_equal(p, q)
    with pytest.raises(ValueError, match="does not hold a MLPRegressor"):
        MLPRegressor.load(path)
    with pytest.raises(NotFittedError):
        MLPClassifier().save(tmp_path / "unfitted.npz")


def test_save_load_regressor_and_early_stopping(tmp_path):
    X, y = make_friedman1(n_samples=200, random_state=0)
    reg = MLPRegressor(
        (8,), max_iter=30, early_stopping=True, n_iter_no_change=np.inf, random_state=0
    ).fit(X, y)
    loaded = MLPRegressor.load(reg.save(tmp_path / "reg.npz"))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert loaded.validation_scores_ == reg.validation_scores_
    assert loaded.best_validation_score_ == reg.best_validation_score_
    assert loaded.n_iter_no_change == np.inf
    # a plain network checkpoint is not an estimator
    scratchnn.save(reg.network_, tmp_path / "net.npz")
    with pytest.raises(ValueError, match="no estimator"):
        MLPRegressor.load(tmp_path / "net.npz")


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted(iris):
    X, y = iris
    return MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)


BAD_INPUT = {
    "predict: wrong feature count": (
        lambda c, X, y: c.predict(X[:, :3]),
        ValueError,
        "X has 3 features, but MLPClassifier is expecting 4",
    ),
    "predict: 1-D X": (lambda c, X, y: c.predict(X[0]), ValueError, "Expected 2D array"),
    "predict: inf": (lambda c, X, y: c.predict(np.where(X > 7, np.inf, X)), ValueError, "infinity"),
    "predict: empty": (lambda c, X, y: c.predict(X[:0]), ValueError, "0 sample"),
    "predict: strings": (
        lambda c, X, y: c.predict(X.astype(str)),
        TypeError,
        "X must hold real numbers",
    ),
    "fit: NaN": (lambda c, X, y: clone(c).fit(np.where(X > 7, np.nan, X), y), ValueError, "NaN"),
    "fit: sample counts": (
        lambda c, X, y: clone(c).fit(X, y[:-1]),
        ValueError,
        "inconsistent numbers of samples",
    ),
    "fit: 3-D X": (lambda c, X, y: clone(c).fit(X[:, :, None], y), ValueError, "dim 3"),
    "fit: continuous labels": (
        lambda c, X, y: clone(c).fit(X, X[:, 0]),
        ValueError,
        "Unknown label type",
    ),
    "fit: one class": (lambda c, X, y: clone(c).fit(X, np.zeros(150)), ValueError, "1 class"),
    "fit: string targets": (
        lambda c, X, y: MLPRegressor().fit(X, y.astype(str)),
        TypeError,
        "y must hold real numbers",
    ),
    "alpha": (lambda c, X, y: MLPClassifier(alpha=-1.0).fit(X, y), ValueError, "alpha must be"),
    "solver": (
        lambda c, X, y: MLPClassifier(solver="newton").fit(X, y),
        ValueError,
        "solver must be one of",
    ),
    "activation": (
        lambda c, X, y: MLPClassifier(activation="softplus").fit(X, y),
        ValueError,
        "activation must be one of",
    ),
    "hidden_layer_sizes 0": (
        lambda c, X, y: MLPClassifier(hidden_layer_sizes=(3, 0)).fit(X, y),
        ValueError,
        r"hidden_layer_sizes\[1\]",
    ),
    "hidden_layer_sizes str": (
        lambda c, X, y: MLPClassifier(hidden_layer_sizes="3").fit(X, y),
        TypeError,
        "hidden_layer_sizes",
    ),
    "batch_size": (lambda c, X, y: MLPClassifier(batch_size=0).fit(X, y), ValueError, "batch_size"),
    "max_iter": (lambda c, X, y: MLPClassifier(max_iter=0).fit(X, y), ValueError, "max_iter"),
    "momentum": (lambda c, X, y: MLPClassifier(momentum=1.5).fit(X, y), ValueError, "momentum"),
    "validation_fraction": (
        lambda c, X, y: MLPClassifier(validation_fraction=1.0).fit(X, y),
        ValueError,
        "validation_fraction",
    ),
    "random_state": (
        lambda c, X, y: MLPClassifier(random_state="seed").fit(X, y),
        TypeError,
        "random_state",
    ),
    "shuffle": (lambda c, X, y: MLPClassifier(shuffle="yes").fit(X, y), TypeError, "shuffle"),
    "n_iter_no_change": (
        lambda c, X, y: MLPClassifier(n_iter_no_change=0).fit(X, y),
        ValueError,
        "n_iter_no_change",
    ),
    "unfitted": (lambda c, X, y: MLPClassifier().predict(X), NotFittedError, "not fitted"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_messages(fitted, iris, case):
    call, error, message = BAD_INPUT[case]
    X, y = iris
    with pytest.raises(error, match=message):
        call(fitted, X, y)


def test_batch_size_larger_than_data_is_clipped_with_a_warning(iris):
    X, y = iris
    with pytest.warns(UserWarning, match="larger than sample size. It is going to be clipped"):
        clf = MLPClassifier((4,), batch_size=500, max_iter=2, random_state=0).fit(X, y)
    assert clf.history_.batches_per_epoch == 1


def test_fit_does_not_modify_its_input(iris):
    X, y = iris
    X_before, y_before = X.copy(), y.copy()
    MLPClassifier((4,), max_iter=3, early_stopping=True, random_state=0).fit(X, y)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)


def test_docstring_examples():
    import doctest

    import scratchnn.estimators

    result = doctest.testmod(scratchnn.estimators, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0
