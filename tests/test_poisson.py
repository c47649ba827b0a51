"""``MLPRegressor(loss="poisson")``: an ``Exp`` output and the half Poisson deviance, as
scikit-learn's, compared with scikit-learn on the same data and initial weights."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor as SklearnRegressor

from scratchnn.estimators import MLPRegressor


def _data(n_outputs=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3))
    rates = np.exp(0.4 * X[:, :1] - 0.3 * X[:, 1:2] + np.arange(n_outputs) * 0.2)
    y = rng.poisson(rates).astype(float)
    return X, (y[:, 0] if n_outputs == 1 else y)


def _both(**params):
    params = dict(
        hidden_layer_sizes=(6,), solver="sgd", learning_rate_init=0.01, max_iter=25,
        random_state=0, shuffle=False, n_iter_no_change=1000, alpha=0.01, **params,
    )  # fmt: skip
    return SklearnRegressor(loss="poisson", **params), MLPRegressor(loss="poisson", **params)


@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("batch_size", [60, 20])
def test_poisson_fit_equals_scikit_learn(n_outputs, batch_size):
    X, y = _data(n_outputs)
    theirs, ours = _both(batch_size=batch_size)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs.fit(X, y)
        ours.fit(X, y)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)
    assert np.all(ours.predict(X) > 0)


def test_poisson_refuses_negative_targets():
    X, y = _data()
    y[3] = -1.0
    with pytest.raises(ValueError, match="non-negative for loss='poisson'"):
        MLPRegressor(loss="poisson", max_iter=2).fit(X, y)


def test_loss_is_validated():
    X, y = _data()
    with pytest.raises(ValueError, match="loss"):
        MLPRegressor(loss="huber").fit(X, y)


def test_poisson_learns_the_rates():
    """A fit lowers the half deviance well below that of the constant mean."""
    X, y = _data(seed=1)
    model = MLPRegressor(
        loss="poisson", hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=300,
        random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    mu = model.predict(X)
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(y), 0.0)

    def deviance(m):
        return np.mean(ylogy - y * np.log(m) - y + m)

    assert deviance(mu) < 0.9 * deviance(np.full_like(y, y.mean()))


def test_poisson_regressor_saves_and_loads(tmp_path):
    X, y = _data()
    model = MLPRegressor(loss="poisson", hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    again = MLPRegressor.load(model.save(tmp_path / "poisson"))
    assert again.loss == "poisson" and again.out_activation_ == "exp"
    np.testing.assert_array_equal(again.predict(X), model.predict(X))
