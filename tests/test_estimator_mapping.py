"""What the estimators give the engine (``output_for``, ``make_optimizer``, the per-batch
``WeightDecay``), held against scikit-learn's own loss functions and its ``_backprop``.

The engine is configured with scikit-learn's loss convention and scikit-learn's L2, so one
batch's loss and gradients must be scikit-learn's as they are, with no scale in between.
"""

import warnings

import numpy as np
import pytest
from sklearn import neural_network as sknn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network._base import LOSS_FUNCTIONS

from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.estimators._parameters import check_params, make_optimizer, output_for
from scratchnn.executor import TrainingStep
from scratchnn.layers import Exp, Identity, Logistic, Softmax
from scratchnn.optimizers import Adam, AdamW, GradientDescent, RMSprop
from scratchnn.regularization import WeightDecay

KINDS = {
    # kind: (layer, out_activation_, scikit-learn's loss function, n_outputs)
    "multiclass": (Softmax, "softmax", "log_loss", 3),
    "binary": (Logistic, "logistic", "binary_log_loss", 1),
    "multilabel-indicator": (Logistic, "logistic", "binary_log_loss", 4),
    "regression": (Identity, "identity", "squared_error", 3),
    "poisson": (Exp, "exp", "poisson", 2),
}


def _outputs_and_targets(kind, n_outputs, rng, n=9):
    if kind == "multiclass":
        return rng.dirichlet(np.ones(n_outputs), size=n), np.eye(n_outputs)[rng.integers(3, size=n)]
    if kind == "regression":
        return rng.normal(size=(n, n_outputs)), rng.normal(size=(n, n_outputs))
    if kind == "poisson":
        return rng.uniform(0.2, 3.0, size=(n, n_outputs)), rng.poisson(1.5, size=(n, n_outputs))
    return rng.uniform(0.05, 0.95, size=(n, n_outputs)), rng.integers(0, 2, size=(n, n_outputs))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_the_loss_is_sklearns(kind, weighted):
    """The engine loss's value is scikit-learn's loss function's (the squared error: times
    n_outputs, as scikit-learn reports it averaged over the outputs, :func:`_reported`)."""
    layer, name, function, n_outputs = KINDS[kind]
    got_layer, got_name, loss = output_for(
        "regression" if kind == "poisson" else kind, "poisson" if kind == "poisson" else "x"
    )
    assert got_layer is layer and got_name == name
    rng = np.random.default_rng(0)
    Y, T = _outputs_and_targets(kind, n_outputs, rng)
    w = rng.uniform(0.1, 2.0, size=len(T)) if weighted else None
    theirs = LOSS_FUNCTIONS[function](T, Y, w)
    factor = n_outputs if kind == "regression" else 1
    assert loss.value(Y, T.astype(float), w) == pytest.approx(factor * theirs, rel=1e-12)


def _fitted_pair(cls, theirs, X, y, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(**settings).fit(X, y), theirs(**settings).fit(X, y)


@pytest.mark.parametrize("problem", ["multiclass", "multilabel", "multi-output", "poisson"])
def test_one_batch_is_sklearns_backprop(problem):
    """Loss, L2 term and every gradient of one weighted batch, from the same weights: the
    engine's step plus ``WeightDecay(alpha, per_batch=True)`` against scikit-learn's
    ``_backprop`` (which divides the L2 gradient by the batch's total weight)."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5))
    y = {
        "multiclass": rng.randint(0, 3, 40),
        "multilabel": (X[:, :3] + rng.normal(size=(40, 3)) > 0).astype(int),
        "multi-output": np.c_[X[:, 0] - X[:, 1], X[:, 2]],
        "poisson": np.c_[np.exp(X[:, 0] / 2), np.abs(X[:, 1])],
    }[problem]
    settings = dict(hidden_layer_sizes=(6,), alpha=0.7, max_iter=2, random_state=0)
    if problem == "poisson":
        settings["loss"] = "poisson"
    regression = problem in ("multi-output", "poisson")
    pair = (MLPRegressor, sknn.MLPRegressor) if regression else (MLPClassifier, sknn.MLPClassifier)
    ours, theirs = _fitted_pair(*pair, X, y, **settings)
    w = rng.uniform(0.0, 3.0, size=15)
    Xb, yb = X[:15], y[:15]
    Tb = yb if regression else theirs._label_binarizer.transform(yb)
    Tb = np.asarray(Tb, dtype=float).reshape(15, -1)
    n = len(theirs.coefs_)
    activations = [Xb] + [None] * n
    loss, coef_grads, intercept_grads = theirs._backprop(
        Xb, Tb, w, activations, [None] * n, [None] * n, [None] * n
    )
    step = TrainingStep(ours.network_, ours._loss, GradientDescent())
    weights = ours.network_.parameters()
    value = step.loss_and_gradients(Xb, Tb, w)
    decay = WeightDecay(0.7, per_batch=True)
    for grad, term in zip(step.grad_views, decay.terms(weights, batch_weight=w.sum())):
        if term is not None:
            grad += term
    reported = value / (Tb.shape[1] if problem == "multi-output" else 1)
    assert reported + decay.penalty(weights, w.sum()) == pytest.approx(loss, rel=1e-12)
    ours_grads = [layer.grads for layer in ours.network_.layers if "W" in layer.params]
    for mine, coef, intercept in zip(ours_grads, coef_grads, intercept_grads):
        np.testing.assert_allclose(mine["W"], coef, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(mine["b"], intercept, rtol=1e-10, atol=1e-14)


def test_the_optimisers_take_the_hyperparameters_unscaled():
    def params(**overrides):
        return check_params(MLPClassifier(**overrides).get_params())

    sgd = make_optimizer(params(solver="sgd", learning_rate_init=0.03, momentum=0.7))
    assert type(sgd) is GradientDescent and sgd.learning_rate == 0.03
    assert sgd.momentum == 0.7 and sgd.nesterov
    assert not make_optimizer(params(solver="sgd", momentum=0.0)).nesterov  # needs momentum
    adam = make_optimizer(params(learning_rate_init=0.02, beta_1=0.8, beta_2=0.9, epsilon=1e-4))
    assert type(adam) is Adam and adam.epsilon_hat
    assert (adam.learning_rate, adam.beta1, adam.beta2, adam.epsilon) == (0.02, 0.8, 0.9, 1e-4)
    rms = make_optimizer(params(solver="rmsprop", epsilon=1e-5))
    assert type(rms) is RMSprop and rms.epsilon == 1e-5
    adamw = make_optimizer(params(solver="adamw", alpha=0.3))
    assert type(adamw) is AdamW and adamw.decay.weight_decay == 0.3


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        output_for("ranking")
