"""``solver="lbfgs"``: the flat objective it minimises, and the estimators against
scikit-learn's ``MLPClassifier`` / ``MLPRegressor`` on the same data and ``random_state``."""

import io
import math
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn import neural_network as sknn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.utils.estimator_checks import check_estimator

from scratchnn import (
    MSE,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Dropout,
    Linear,
    Logistic,
    Sequential,
    Softmax,
    Tanh,
    TrainingDivergedError,
)
from scratchnn.estimators import MLPClassifier, MLPRegressor, _lbfgs
from scratchnn.training import FlatObjective

# ---------------------------------------------------------------------------------------------
# FlatObjective
# ---------------------------------------------------------------------------------------------


def _net(n_out, output, dtype=np.float64):
    rng = np.random.RandomState(3)
    return Sequential(
        [
            Linear(4, 5, bias_init="glorot_uniform", rng=rng, dtype=dtype),
            Tanh(),
            Linear(5, n_out, bias_init="glorot_uniform", rng=rng, dtype=dtype),
            output(),
        ]
    )


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


#: (output layer, loss, n_out, targets from a RandomState, the mean loss of outputs y)
CASES = {
    "softmax+cross-entropy": (
        Softmax,
        CategoricalCrossEntropy,
        3,
        lambda r: np.eye(3)[r.randint(0, 3, 7)],
        lambda y, t: -np.sum(t * np.log(y)) / len(t),
    ),
    "logistic+binary cross-entropy": (
        Logistic,
        BinaryCrossEntropy,
        2,
        lambda r: r.randint(0, 2, (7, 2)).astype(float),
        lambda y, t: -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)),
    ),
    "logistic+squared error (not fused)": (
        Logistic,
        MSE,
        2,
        lambda r: r.rand(7, 2),
        lambda y, t: np.mean((y - t) ** 2),
    ),
}


@pytest.mark.parametrize("outputs", ["mean", "sum"])
@pytest.mark.parametrize("case", CASES)
def test_value_is_the_loss_plus_the_penalty(case, outputs):
    """The loss's own convention (``outputs="sum"``: summed over the outputs, the
    categorical cross-entropy's default) plus λ/2 ‖W‖²."""
    output, loss_cls, n_out, targets, mean_loss = CASES[case]
    r = np.random.RandomState(0)
    x, t = r.randn(7, 4), targets(r)
    net = _net(n_out, output)
    objective = FlatObjective(net, loss_cls(outputs=outputs), x, t, l2=0.3)
    theta = objective.pack() + 0.1 * r.randn(objective.size)
    value, grad = objective(theta)
    # theta lists 0.W (4x5), 0.b (5), 2.W (5xK), 2.b (K), each in C order
    W0, b0 = theta[:20].reshape(4, 5), theta[20:25]
    W1, b1 = theta[25 : 25 + 5 * n_out].reshape(5, n_out), theta[25 + 5 * n_out :]
    z = np.tanh(x @ W0 + b0) @ W1 + b1
    y = _softmax(z) if output is Softmax else _sigmoid(z)
    if loss_cls is CategoricalCrossEntropy:  # a sum over its outputs by default
        factor = 1 / n_out if outputs == "mean" else 1
    else:  # a mean over all entries by default
        factor = n_out if outputs == "sum" else 1
    expected = factor * mean_loss(y, t) + 0.15 * (np.sum(W0**2) + np.sum(W1**2))
    assert value == pytest.approx(expected, rel=1e-12)
    assert grad.dtype == np.float64 and grad.shape == (objective.size,)
    np.testing.assert_array_equal(net.layers[0].params["W"], W0)  # the network holds theta


@pytest.mark.parametrize("case", CASES)
def test_gradient_matches_central_differences(case):
    output, loss_cls, n_out, targets, _ = CASES[case]
    r = np.random.RandomState(1)
    objective = FlatObjective(
        _net(n_out, output), loss_cls(outputs="sum"), r.randn(7, 4), targets(r), l2=0.7
    )
    theta = objective.pack()
    _, grad = objective(theta)
    h = 1e-6
    numeric = np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = h
        numeric[i] = (objective(theta + step)[0] - objective(theta - step)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_biases_are_not_penalised():
    r = np.random.RandomState(2)
    x, t = r.randn(6, 4), r.rand(6, 2)
    plain = FlatObjective(_net(2, Logistic), MSE(), x, t)
    penalised = FlatObjective(_net(2, Logistic), MSE(), x, t, l2=2.0)
    theta = plain.pack()
    difference = penalised(theta)[1] - plain(theta)[1]
    weights = np.r_[theta[:20], theta[25:35]]
    np.testing.assert_allclose(difference[np.r_[0:20, 25:35]], 2.0 * weights, rtol=1e-12)
    np.testing.assert_allclose(difference[np.r_[20:25, 35:37]], 0.0, atol=1e-15)


def test_pack_unpack_round_trip_and_float32():
    r = np.random.RandomState(4)
    net = _net(2, Logistic, dtype=np.float32)
    objective = FlatObjective(net, BinaryCrossEntropy(), r.randn(5, 4), r.rand(5, 2) > 0.5)
    theta = objective.pack()
    assert theta.dtype == np.float64 and objective.size == net.n_parameters == 37
    value, grad = objective(theta)
    assert math.isfinite(value) and grad.dtype == np.float64
    assert net.layers[0].params["W"].dtype == np.float32
    objective.unpack(np.zeros(37))
    assert all(not p.any() for p in net.parameters())


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda n, x, t: FlatObjective(n, MSE(), x, t).unpack(np.zeros(3)), ValueError, "theta"),
        (lambda n, x, t: FlatObjective(n, MSE(), x, t, l2=-1.0), ValueError, "l2"),
        (lambda n, x, t: FlatObjective(n, MSE(), x, t[:-1]), ValueError, "same number"),
        (lambda n, x, t: FlatObjective(n, MSE(), x[:, :3], t), ValueError, "4 features"),
        (lambda n, x, t: FlatObjective(n, "mse", x, t), TypeError, "loss must be"),
        (
            lambda n, x, t: FlatObjective(Sequential([*n.layers[:2], Dropout(0.5)]), MSE(), x, t),
            ValueError,
            "deterministic",
        ),
    ],
)
def test_bad_arguments_are_named(make, error, message):
    r = np.random.RandomState(5)
    with pytest.raises(error, match=message):
        make(_net(2, Logistic), r.randn(6, 4), r.rand(6, 2))


# ---------------------------------------------------------------------------------------------
# The estimators against scikit-learn
# ---------------------------------------------------------------------------------------------


def _data():
    r = np.random.RandomState(0)
    X = r.randn(120, 5)
    noise = r.randn(120, 3)
    return {
        "binary": (X, (X[:, 0] + X[:, 1] * X[:, 2] + 0.8 * noise[:, 0] > 0).astype(int)),
        "multiclass": (X, np.digitize(X[:, 0] + 0.7 * noise[:, 1], [-0.5, 0.5])),
        "multilabel": (X, (X[:, :3] + X[:, 3:4] * [0, 0, 1] + 0.8 * noise > 0).astype(int)),
        "regression": (X, X[:, 0] + np.sin(X[:, 1]) + 0.3 * noise[:, 0]),
    }


DATA = _data()
SETTINGS = {
    "tanh (6,)": dict(hidden_layer_sizes=(6,), activation="tanh", alpha=3.0),
    "tanh (5, 4)": dict(hidden_layer_sizes=(5, 4), activation="tanh", alpha=10.0),
    "relu (6,)": dict(hidden_layer_sizes=(6,), alpha=10.0),
    "logistic, no hidden layer": dict(hidden_layer_sizes=(), activation="logistic", alpha=1.0),
}


def _pair(problem, **settings):
    """scikit-learn's and our estimator with the same settings (lbfgs, random_state=1)."""
    kw = dict(solver="lbfgs", random_state=1, **settings)
    if problem == "regression":
        return sknn.MLPRegressor(**kw), MLPRegressor(**kw)
    return sknn.MLPClassifier(**kw), MLPClassifier(**kw)


def _fit_both(problem, **settings):
    """Both fitted on the same data; the warnings each gave."""
    theirs, ours = _pair(problem, **settings)
    X, y = DATA[problem]
    caught = []
    for model in (theirs, ours):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            model.fit(X, y)
        caught.append([x for x in w if issubclass(x.category, ConvergenceWarning)])
    return theirs, ours, caught


def _assert_same_parameters(theirs, ours, atol):
    assert len(ours.coefs_) == len(theirs.coefs_)
    for a, b in zip(theirs.coefs_ + theirs.intercepts_, ours.coefs_ + ours.intercepts_):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=0, atol=atol)


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("problem", DATA)
def test_solution_equals_sklearns(problem, setting):
    theirs, ours, (their_warnings, our_warnings) = _fit_both(problem, **SETTINGS[setting])
    assert not their_warnings and not our_warnings  # both converged (gtol = tol)
    _assert_same_parameters(theirs, ours, atol=1e-6)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)
    assert ours.out_activation_ == theirs.out_activation_
    assert ours.n_layers_ == theirs.n_layers_ and ours.n_outputs_ == theirs.n_outputs_
    X = DATA[problem][0]
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("problem", DATA)
def test_l_bfgs_b_starts_from_sklearns_initial_weights(problem, monkeypatch):
    starts = []

    def spy(fun, x0, **kwargs):
        starts.append(np.array(x0))
        return minimize(fun, x0, **kwargs)

    monkeypatch.setattr(_lbfgs, "minimize", spy)
    ours = _pair(problem, hidden_layer_sizes=(6, 3), alpha=3.0)[1].fit(*DATA[problem])
    # scikit-learn's draws: per layer, W then b from U(±sqrt(6/(in+out))), RandomState(1);
    # theta lists them in the network's order (W0, b0, W1, b1 …)
    rng = np.random.RandomState(1)
    sizes = [5, 6, 3, ours.n_outputs_]
    expected = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        expected += [rng.uniform(-bound, bound, (fan_in, fan_out)).ravel()]
        expected += [rng.uniform(-bound, bound, fan_out)]
    assert len(starts) == 1
    np.testing.assert_array_equal(starts[0], np.concatenate(expected))


@pytest.mark.parametrize(
    "limit, stop",
    [
        # SciPy's wording, as the newest releases say it and as SciPy 1.11 (the minimum) did
        (dict(max_iter=15), ("TOTAL NO. OF ITERATIONS REACHED LIMIT", "TOTAL NO. of ITERATIONS")),
        (dict(max_fun=10), ("TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT", "f AND g EVALUATIONS")),
    ],
)
@pytest.mark.parametrize("problem", ["multiclass", "regression"])
def test_max_iter_and_max_fun_stop_it_with_sklearns_warning(problem, limit, stop):
    theirs, ours, (their_warnings, our_warnings) = _fit_both(
        problem, hidden_layer_sizes=(6,), activation="tanh", alpha=1e-4, **limit
    )
    assert len(our_warnings) == len(their_warnings) == 1
    message = str(our_warnings[0].message)
    assert message == str(their_warnings[0].message)
    assert message.startswith("lbfgs failed to converge after")
    assert any(words in message for words in stop)
    assert ("max_iter=15" in message) == ("max_iter" in limit)
    assert our_warnings[0].filename == __file__  # pointed at the caller of fit
    assert ours.n_iter_ == theirs.n_iter_ <= limit.get("max_iter", 10)
    _assert_same_parameters(theirs, ours, atol=1e-10)


def test_max_fun_bounds_the_evaluations(monkeypatch):
    calls = []
    original = FlatObjective.__call__

    def counting(self, theta):
        calls.append(1)
        return original(self, theta)

    monkeypatch.setattr(FlatObjective, "__call__", counting)
    X, y = DATA["multiclass"]
    with pytest.warns(ConvergenceWarning, match="EVALUATIONS EXCEEDS LIMIT"):
        MLPClassifier((6,), solver="lbfgs", max_fun=7, random_state=0).fit(X, y)
    assert 7 <= len(calls) <= 7 + 20  # L-BFGS-B checks the limit between line searches


def test_several_regression_outputs_reach_the_ridge_solution():
    # No hidden layer: J = |XW + b - Y|^2 / (2N) + alpha |W|^2 / (2N), ridge regression with
    # penalty alpha on W; its closed form is independent of any iteration.
    X = DATA["regression"][0]
    r = np.random.RandomState(7)
    Y = X @ r.randn(5, 3) + r.randn(3) + 0.5 * r.randn(120, 3)
    ridge = Ridge(alpha=2.0).fit(X, Y)
    ours = MLPRegressor((), solver="lbfgs", alpha=2.0, tol=1e-10, random_state=0).fit(X, Y)
    np.testing.assert_allclose(ours.coefs_[0], ridge.coef_.T, atol=1e-5)
    np.testing.assert_allclose(ours.intercepts_[0], ridge.intercept_, atol=1e-5)
    residual = ours.predict(X) - Y
    J = np.sum(residual**2) / (2 * 120) + 2.0 * np.sum(ours.coefs_[0] ** 2) / (2 * 120)
    assert ours.loss_ == pytest.approx(J, rel=1e-10)


@pytest.mark.parametrize("problem", ["multilabel", "regression"])
def test_loss_curve_and_fitted_attributes(problem):
    ours = _pair(problem, hidden_layer_sizes=(6,), alpha=3.0)[1].fit(*DATA[problem])
    curve = ours.loss_curve_
    assert len(curve) == ours.n_iter_ > 0
    assert all(b <= a for a, b in zip(curve, curve[1:]))  # L-BFGS-B decreases J every iteration
    assert curve[-1] == ours.loss_ == ours.best_loss_
    assert ours.history_.train_metrics["objective"][1:] == curve
    assert ours.t_ == 0 and ours.optimizer_ is None
    assert ours.validation_scores_ is None and ours.best_validation_score_ is None


def test_mini_batch_and_validation_parameters_are_ignored():
    X, y = DATA["multiclass"]
    settings = dict(hidden_layer_sizes=(6,), activation="tanh", alpha=3.0)
    reference = _pair("multiclass", **settings)[1].fit(X, y)
    ignored = dict(early_stopping=True, validation_fraction=0.5, batch_size=10_000, shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no batch-size warning either
        other = _pair("multiclass", **settings, **ignored)[1].fit(X, y)
    _assert_same_parameters(reference, other, atol=0)
    assert other.validation_scores_ is None


def test_no_partial_fit_as_in_sklearns_classifier():
    # scikit-learn's MLPRegressor means to do the same, but its available_if test is
    # the method itself, not its result: partial_fit shows and runs a whole lbfgs fit.
    assert not hasattr(sknn.MLPClassifier(solver="lbfgs"), "partial_fit")
    X, y = DATA["binary"]
    for ours in (MLPClassifier(solver="lbfgs"), MLPRegressor(solver="lbfgs")):
        assert not hasattr(ours, "partial_fit")
        with pytest.raises(AttributeError, match="partial_fit is only available for stochastic"):
            ours._fit(X, y, incremental=True, classes=[0, 1])
    assert hasattr(MLPClassifier(), "partial_fit") and hasattr(MLPRegressor(), "partial_fit")


def test_warm_start_continues_from_the_solution():
    theirs, ours = _pair("binary", hidden_layer_sizes=(6,), alpha=3.0, warm_start=True)
    X, y = DATA["binary"]
    for model in (theirs, ours):
        model.fit(X, y)
    first_curve = list(ours.loss_curve_)
    theirs.fit(X, y)
    ours.fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ <= 1
    assert ours.loss_curve_[: len(first_curve)] == first_curve
    _assert_same_parameters(theirs, ours, atol=1e-6)


def test_max_fun_default_and_validation():
    assert MLPClassifier().max_fun == sknn.MLPClassifier().max_fun == 15000
    assert MLPRegressor().get_params()["max_fun"] == 15000
    X, y = DATA["binary"]
    with pytest.raises(ValueError, match="max_fun must be an integer >= 1"):
        MLPClassifier(solver="lbfgs", max_fun=0).fit(X, y)


def test_verbose_prints_one_line_per_iteration():
    out = io.StringIO()
    with redirect_stdout(out), pytest.warns(ConvergenceWarning):
        ours = MLPClassifier((6,), solver="lbfgs", max_iter=5, verbose=True, random_state=0)
        ours.fit(*DATA["binary"])
    lines = out.getvalue().splitlines()
    assert lines == [f"Iteration {i}, loss = {v:.8f}" for i, v in enumerate(ours.loss_curve_, 1)]


def test_float32_input_is_fitted_in_float64_as_sklearn():
    """scikit-learn's L-BFGS draws the initial weights in X's dtype, then works on SciPy's
    float64 vector: float64 ``coefs_``, the same solution as its own."""
    X, y = DATA["multiclass"]
    X32 = X.astype(np.float32)
    settings = dict(activation="tanh", alpha=3.0, random_state=1, solver="lbfgs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = MLPClassifier((6,), **settings).fit(X32, y)
        theirs = sknn.MLPClassifier((6,), **settings).fit(X32, y)
    assert all(c.dtype == np.float64 for c in ours.coefs_ + ours.intercepts_)
    assert all(c.dtype == np.float64 for c in theirs.coefs_ + theirs.intercepts_)
    assert ours.predict_proba(X32).dtype == theirs.predict_proba(X32).dtype == np.float64
    # Both start from float32 weights and let SciPy evaluate at float32-rounded points; the
    # rounding of L-BFGS-B's arithmetic (its vector lists the parameters in another order)
    # makes the paths part, so the solutions agree as far as both converged.
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-5)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-2)


def test_huge_inputs_give_a_clear_divergence_error():
    X = np.full((10, 3), 1e300)
    with pytest.raises(TrainingDivergedError, match="scale the inputs"):
        MLPRegressor((4,), solver="lbfgs", random_state=0).fit(X, np.arange(10.0))


def test_save_and_load(tmp_path):
    X, y = DATA["multiclass"]
    ours = MLPClassifier((6,), solver="lbfgs", alpha=3.0, random_state=1).fit(X, y)
    loaded = MLPClassifier.load(ours.save(tmp_path / "model.npz"))
    assert loaded.get_params() == ours.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(X), ours.predict_proba(X))
    assert loaded.loss_curve_ == ours.loss_curve_ and loaded.n_iter_ == ours.n_iter_


@pytest.mark.slow  # scikit-learn's whole estimator check suite
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_check_estimator_with_lbfgs(cls):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(cls((5,), solver="lbfgs", max_iter=50, random_state=0))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("iterations", [1, 10])
def test_lbfgs_sample_weight_matches_scikit_learn(iterations):
    from sklearn.datasets import load_iris
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    from scratchnn.estimators import MLPClassifier

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    weights = np.random.default_rng(0).integers(0, 4, len(y)).astype(float)
    settings = dict(solver="lbfgs", alpha=1e-2, max_iter=iterations, random_state=1)
    theirs = SkMLPClassifier((8,), **settings).fit(X, y, sample_weight=weights)
    ours = MLPClassifier((8,), **settings).fit(X, y, sample_weight=weights)
    for a, b in zip(theirs.coefs_ + theirs.intercepts_, ours.coefs_ + ours.intercepts_):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-10)
    # weights of 0 and 1 only: the same as fitting on the samples of weight 1
    mask = weights > 0
    binary = np.where(mask, 1.0, 0.0)
    kept = MLPClassifier((8,), **settings).fit(X[mask], y[mask])
    weighted = MLPClassifier((8,), **settings).fit(X, y, sample_weight=binary)
    for a, b in zip(kept.coefs_, weighted.coefs_):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-10)
