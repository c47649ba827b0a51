"""The scikit-learn -> engine mapping of the estimators (``engine_config``), a pure function.

Expected values are written out from scikit-learn's objective on a mini-batch of b samples,

    J = l(Y, T) + alpha / (2 b) * sum_l ||W_l||^2,

l the mean log-loss summed over the outputs (half the mean squared error for regression),
and from the engine's conventions: its losses are means over samples *and* outputs (squared
error not halved), so it minimises s * J; scikit-learn cuts N samples into full batches of
batch_size and a smaller last one.
"""

import dataclasses
import math

import numpy as np
import pytest

from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.estimators._constraints import check_params
from scratchnn.estimators._mapping import engine_config
from scratchnn.layers import Identity, Logistic, ReLU, Softmax, Tanh
from scratchnn.losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy
from scratchnn.optimizers import Adam, AdamW, GradientDescent, RMSprop
from scratchnn.regularization import WeightDecay


def params(**overrides):
    """Every hyperparameter with scikit-learn's defaults, checked as ``fit`` checks them."""
    return check_params(MLPClassifier(**overrides).get_params())


def config(kind="multiclass", n_outputs=3, n_samples=150, incremental=False, **overrides):
    return engine_config(params(**overrides), kind, n_outputs, n_samples, incremental=incremental)


def n_batches(n_train, batch_size):
    """scikit-learn's rule: full batches and one with the rest, ceil(N / batch_size)."""
    return -(-n_train // batch_size)


# ---------------------------------------------------------------------------------------------
# Output layer, loss and the loss scale s
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, n_outputs, layer, name, loss, scale",
    [
        ("multiclass", 3, Softmax, "softmax", CategoricalCrossEntropy, 1.0),
        ("binary", 1, Logistic, "logistic", BinaryCrossEntropy, 1.0),
        ("multilabel-indicator", 4, Logistic, "logistic", BinaryCrossEntropy, 1 / 4),
        ("regression", 1, Identity, "identity", MSE, 2 / 1),
        ("regression", 3, Identity, "identity", MSE, 2 / 3),
    ],
)
def test_output_layer_loss_and_scale(kind, n_outputs, layer, name, loss, scale):
    c = config(kind, n_outputs)
    assert c.output_layer is layer and c.out_activation == name and c.loss is loss
    assert c.loss_scale == pytest.approx(scale, rel=1e-15)


def _sklearn_loss(kind, Y, T):
    """scikit-learn's data term l(Y, T), written out."""
    n = len(T)
    if kind == "multiclass":
        return -np.sum(T * np.log(Y)) / n
    if kind in ("binary", "multilabel-indicator"):
        return -np.sum(T * np.log(Y) + (1 - T) * np.log(1 - Y)) / n
    return np.sum((Y - T) ** 2) / (2 * n)


@pytest.mark.parametrize(
    "kind, n_outputs",
    [
        ("multiclass", 3),
        ("binary", 1),
        ("multilabel-indicator", 4),
        ("regression", 1),
        ("regression", 3),
    ],
)
def test_engine_loss_is_s_times_sklearns_loss(kind, n_outputs):
    """The scale is what makes the engine's loss s * l: the reason for every scaled step."""
    rng = np.random.default_rng(0)
    n = 7
    if kind == "multiclass":
        Y = rng.dirichlet(np.ones(n_outputs), size=n)
        T = np.eye(n_outputs)[rng.integers(n_outputs, size=n)]
    elif kind == "regression":
        Y, T = rng.normal(size=(n, n_outputs)), rng.normal(size=(n, n_outputs))
    else:
        Y = rng.uniform(0.05, 0.95, size=(n, n_outputs))
        T = rng.integers(0, 2, size=(n, n_outputs)).astype(float)
    c = config(kind, n_outputs)
    engine = c.loss().value(Y, T)
    assert engine == pytest.approx(c.loss_scale * _sklearn_loss(kind, Y, T), rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Optimiser: scikit-learn's steps on J
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, n_outputs, s", [("multiclass", 3, 1.0), ("regression", 4, 0.5)])
def test_sgd_learning_rate_is_mu_over_s(kind, n_outputs, s):
    """(mu / s) * grad(s J) = mu * grad J."""
    c = config(kind, n_outputs, solver="sgd", learning_rate_init=0.03, momentum=0.7)
    assert c.optimizer is GradientDescent
    assert c.optimizer_args == pytest.approx((0.03 / s,), rel=1e-15)
    assert dict(c.optimizer_kwargs) == {"momentum": 0.7, "nesterov": True}


def test_sgd_nesterov_needs_momentum():
    assert not config(solver="sgd", momentum=0.0).optimizer_kwargs["nesterov"]
    assert not config(solver="sgd", nesterovs_momentum=False).optimizer_kwargs["nesterov"]


@pytest.mark.parametrize("solver, cls", [("adam", Adam), ("adamw", AdamW)])
def test_adam_epsilon_is_scaled(solver, cls):
    """Adam's step is invariant to the gradient's scale but for epsilon: eps * s."""
    s = 1 / 5  # five labels
    c = config(
        "multilabel-indicator",
        5,
        solver=solver,
        learning_rate_init=0.02,
        beta_1=0.8,
        beta_2=0.99,
        epsilon=1e-6,
        alpha=0.25,
    )
    assert c.optimizer is cls
    assert c.optimizer_args == pytest.approx((0.02, 0.8, 0.99, 1e-6 * s), rel=1e-15)
    expected = {"weight_decay": 0.25} if solver == "adamw" else {"epsilon_hat": True}
    assert dict(c.optimizer_kwargs) == expected


def test_rmsprop_epsilon_is_scaled():
    s = 2 / 4  # four regression outputs
    c = config("regression", 4, solver="rmsprop", learning_rate_init=0.01, epsilon=1e-7)
    assert c.optimizer is RMSprop and c.optimizer_args == (0.01,)
    assert dict(c.optimizer_kwargs) == pytest.approx({"epsilon": 1e-7 * s}, rel=1e-15)


# ---------------------------------------------------------------------------------------------
# alpha: the engine's weight decay and the penalty reported in loss_curve_
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, n_outputs, s",
    [("multiclass", 3, 1.0), ("multilabel-indicator", 4, 0.25), ("regression", 3, 2 / 3)],
)
@pytest.mark.parametrize("n_samples, batch_size", [(150, 32), (150, 150), (1000, 7)])
def test_l2_coefficients_are_s_alpha_and_half_alpha(kind, n_outputs, s, n_samples, batch_size):
    alpha = 0.3
    c = config(kind, n_outputs, n_samples, alpha=alpha, batch_size=batch_size, solver="sgd")
    assert c.n_batches == n_batches(n_samples, batch_size)
    # d/dW of s * alpha / (2 b) * ||W||^2 is s * alpha / b * W, b the batch's size
    assert c.l2_coefficient == pytest.approx(s * alpha, rel=1e-15)
    assert c.penalty == alpha / 2


def test_adamw_alpha_is_decoupled_not_l2():
    c = config(solver="adamw", alpha=0.1)
    assert c.l2_coefficient == 0.0 and c.penalty == 0.0
    assert c.optimizer_kwargs["weight_decay"] == 0.1


def test_l2_penalty_is_the_sum_of_squared_weights():
    W1, W2 = np.array([[1.0, 2.0], [3.0, -4.0]]), np.array([[0.5], [-1.5]])
    # 1 + 4 + 9 + 16 = 30 and 0.25 + 2.25 = 2.5
    b = np.ones(3)  # a bias: not penalised
    assert WeightDecay(0.2).penalty([W1, b, W2]) == pytest.approx(0.1 * 32.5, rel=1e-15)
    assert WeightDecay(0.2).penalty([]) == 0.0


def test_objective_is_the_recorded_loss_over_s_plus_the_penalty_metric():
    """J of each epoch from what train records: the loss (over s) and the penalty metric
    c * sum ||W||^2 of the weight matrices (not the biases), averaged alike."""
    from scratchnn import History, Linear, ReLU, Sequential
    from scratchnn.estimators._objective import PENALTY, Objective, l2_penalty
    from scratchnn.training import TrainingContext

    layers = [Linear(2, 2, rng=0), ReLU(), Linear(2, 1, rng=1)]
    layers[0].params["W"][...] = [[1.0, 2.0], [3.0, -4.0]]
    layers[2].params["W"][...] = [[0.5], [-1.5]]
    layers[0].params["b"][...] = 10.0
    penalty = l2_penalty(Sequential(layers), 0.1)  # 0.1 / b * sum ||W||^2, b = 4 rows
    assert penalty(np.zeros((4, 1)), np.zeros((4, 1))) == pytest.approx(0.1 * 32.5 / 4, rel=1e-15)
    history = History(train_loss=[math.nan])
    history.train_metrics[PENALTY] = [math.nan]
    context = TrainingContext(None, None, None, history, epochs=2)
    objective = Objective(loss_scale=0.5, penalised=True)
    objective.on_train_begin(context)
    for loss, pen in [(0.8, 0.25), (0.6, 0.125)]:  # what train records after each epoch
        history.train_loss.append(loss)
        history.train_metrics[PENALTY].append(pen)
        assert objective.on_epoch_end(context) is False
    curve = history.train_metrics["objective"]
    assert math.isnan(curve[0]) and curve[1:] == [0.8 / 0.5 + 0.25, 0.6 / 0.5 + 0.125]
    unpenalised = History(train_loss=[0.3])
    Objective(2.0, penalised=False).on_train_begin(
        TrainingContext(None, None, None, unpenalised, 1)
    )
    assert unpenalised.train_metrics["objective"] == [0.15]


# ---------------------------------------------------------------------------------------------
# Batches, validation split, stopping rule
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_samples, batch_size, expected",
    [(150, "auto", 150), (1000, "auto", 200), (200, "auto", 200), (150, 32, 32), (150, 150, 150)],
)
def test_batch_size(n_samples, batch_size, expected):
    c = config(n_samples=n_samples, batch_size=batch_size)
    assert c.batch_size == expected and c.warning is None and c.n_train == n_samples


def test_batch_size_larger_than_the_training_set_is_clipped_with_a_message():
    c = config(n_samples=150, batch_size=500)
    assert c.batch_size == 150 and c.n_batches == 1
    assert c.warning.startswith(
        "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped"
    )
    assert "batch_size=500" in c.warning
    # with early stopping the training set is what is left after the validation split
    c = config(n_samples=150, batch_size=140, early_stopping=True)
    assert c.n_train == 150 - 15 and c.batch_size == 135 and "140" in c.warning


@pytest.mark.parametrize("n_samples, fraction", [(1347, 0.1), (150, 0.1), (10, 0.25)])
def test_validation_split(n_samples, fraction):
    c = config(n_samples=n_samples, early_stopping=True, validation_fraction=fraction)
    assert c.n_train == n_samples - math.ceil(fraction * n_samples)
    assert c.validation_fraction == fraction
    assert config(n_samples=n_samples, validation_fraction=fraction).validation_fraction is None


def test_validation_split_leaving_nothing_to_train_on():
    with pytest.raises(ValueError, match="validation_fraction=0.9 of 5 samples leaves no"):
        config(n_samples=5, early_stopping=True, validation_fraction=0.9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_schedules_are_sgds_only(solver, schedule):
    c = config(solver=solver, learning_rate=schedule, max_iter=50)
    assert c.epochs == 50
    assert c.schedule == (schedule if solver == "sgd" else "constant")


def test_partial_fit_is_one_epoch_without_a_validation_split():
    c = config(incremental=True, max_iter=50)
    assert c.epochs == 1 and c.validation_fraction is None


def test_loss_curve_scale_averages_regression_outputs():
    """scikit-learn reports half the squared error averaged over samples and outputs: the
    engine's MSE / 2, although the gradient's scale is 2 / n_outputs."""
    c = config("regression", 3)
    assert c.loss_scale == pytest.approx(2 / 3) and c.report_scale == 2.0
    assert config("multilabel-indicator", 4).report_scale == 0.25


# ---------------------------------------------------------------------------------------------
# Network and the function itself
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "activation, cls, factor",
    [
        ("relu", ReLU, 6.0),
        ("tanh", Tanh, 6.0),
        ("identity", Identity, 6.0),
        ("logistic", Logistic, 2.0),
    ],
)
def test_hidden_activation_and_glorot_factor(activation, cls, factor):
    c = config(activation=activation)
    assert c.hidden_activation is cls and c.init_factor == factor


def test_engine_config_is_pure_and_frozen():
    p = check_params(MLPRegressor(solver="sgd", batch_size=16, alpha=0.2).get_params())
    before = dict(p)
    a = engine_config(p, "regression", 2, 100, incremental=False)
    b = engine_config(p, "regression", 2, 100, incremental=False)
    assert a == b and p == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.batch_size = 3


def test_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        config("continuous")
