"""``sample_weight`` in the estimators' ``fit`` and ``partial_fit``, against scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SklearnClassifier
from sklearn.neural_network import MLPRegressor as SklearnRegressor

from scratchnn.estimators import MLPClassifier, MLPRegressor

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3))
W = rng.uniform(0.2, 3.0, 40)
TARGETS = {
    "multiclass": (X[:, 0] > 0).astype(int) + (X[:, 1] > 0),
    "binary": (X[:, 0] > 0).astype(int),
    "multilabel": np.c_[X[:, 0] > 0, X[:, 1] > 0].astype(int),
    "regression": X @ [1.0, -2.0, 0.5],
    "multioutput": np.c_[X @ [1.0, -2.0, 0.5], X[:, 0] ** 2],
}


def _pair(kind, **params):
    params = dict(
        hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=0.01, max_iter=15,
        random_state=0, shuffle=False, n_iter_no_change=1000, **params,
    )  # fmt: skip
    if kind in ("regression", "multioutput"):
        return SklearnRegressor(**params), MLPRegressor(**params)
    return SklearnClassifier(**params), MLPClassifier(**params)


def _fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


def _assert_same_weights(ours, theirs):
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", list(TARGETS))
def test_weighted_full_batch_fit_equals_scikit_learn(kind):
    """Full batch with an L2 term: scikit-learn divides the loss and the L2 term by Σ w."""
    theirs, ours = _pair(kind, batch_size=40, alpha=0.05)
    _fit(theirs, X, TARGETS[kind], sample_weight=W)
    _fit(ours, X, TARGETS[kind], sample_weight=W)
    _assert_same_weights(ours, theirs)


@pytest.mark.parametrize("kind", ["multiclass", "regression"])
def test_weighted_mini_batch_fit_equals_scikit_learn_without_l2(kind):
    """Equal mini-batches (40 = 4 × 10), each a weighted mean of its own samples."""
    theirs, ours = _pair(kind, batch_size=10, alpha=0.0)
    _fit(theirs, X, TARGETS[kind], sample_weight=W)
    _fit(ours, X, TARGETS[kind], sample_weight=W)
    _assert_same_weights(ours, theirs)


def test_partial_fit_with_weights_equals_scikit_learn():
    theirs, ours = _pair("multiclass", batch_size=40, alpha=0.01)
    y = TARGETS["multiclass"]
    for _ in range(3):
        theirs.partial_fit(X, y, sample_weight=W, classes=[0, 1, 2])
        ours.partial_fit(X, y, sample_weight=W, classes=[0, 1, 2])
    _assert_same_weights(ours, theirs)
    reg_theirs, reg_ours = _pair("regression", batch_size=40)
    for _ in range(3):
        reg_theirs.partial_fit(X, TARGETS["regression"], W)
        reg_ours.partial_fit(X, TARGETS["regression"], W)
    _assert_same_weights(reg_ours, reg_theirs)


@pytest.mark.parametrize("kind", ["multiclass", "regression"])
def test_unit_weights_equal_no_weights_and_integer_weights_repeat_samples(kind):
    y = TARGETS[kind]
    _, plain = _pair(kind, batch_size=40, alpha=0.01)
    _, ones = _pair(kind, batch_size=40, alpha=0.01)
    _fit(plain, X, y)
    _fit(ones, X, y, sample_weight=np.ones(40))
    _assert_same_weights(ones, plain)
    counts = np.random.default_rng(1).integers(0, 4, 40)
    rows = np.repeat(np.arange(40), counts)
    _, weighted = _pair(kind, batch_size=40, alpha=0.01)
    _, repeated = _pair(kind, batch_size=int(counts.sum()), alpha=0.01)
    _fit(weighted, X, y, sample_weight=counts)
    _fit(repeated, X[rows], y[rows])
    _assert_same_weights(weighted, repeated)


def test_weights_work_with_early_stopping_and_adam():
    model = MLPClassifier((5,), early_stopping=True, max_iter=5, random_state=0)
    _fit(model, X, TARGETS["multiclass"], sample_weight=W)
    assert len(model.validation_scores_) == model.n_iter_


@pytest.mark.parametrize(
    "w, error, message",
    [
        (np.ones(39), ValueError, "sample"),
        (-W, ValueError, "[Nn]egative"),
        (np.zeros(40), ValueError, "non-zero"),
        (np.where(np.arange(40) == 3, np.nan, 1.0), ValueError, "NaN"),
    ],
)
def test_bad_weights_are_refused(w, error, message):
    with pytest.raises(error, match=message):
        _fit(MLPRegressor((3,), max_iter=2), X, TARGETS["regression"], sample_weight=w)
