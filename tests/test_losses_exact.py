"""Exact loss values from the logits, ``from_logits=True``, and the targets' validation."""

import math

import numpy as np
import pytest

import scratchnn as nn
from scratchnn.gradcheck import check_loss


def _net(last, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    return nn.Sequential([nn.Linear(3, 4, rng=rng), nn.Tanh(), nn.Linear(4, n_out, rng=rng), last])


def test_binary_cross_entropy_at_saturation_is_exact():
    z = np.array([[40.0, -40.0]])
    t = np.array([[0.0, 1.0]])
    loss = nn.BinaryCrossEntropy()
    # ℓ = log(1 + e^z) − t z: 40 + log1p(e^-40) for both outputs
    expected = 40.0 + math.log1p(math.exp(-40.0))
    assert loss.value_from_logits(z, t) == pytest.approx(expected, abs=1e-12)
    assert nn.BinaryCrossEntropy(from_logits=True).value(z, t) == pytest.approx(40.0, abs=1e-12)
    # from the probabilities the value is only a bound (σ(40) rounds to 1)
    assert loss.value(nn.Logistic().forward(z), t) > 300


def test_softmax_cross_entropy_at_underflow_is_exact():
    z = np.array([[0.0, 800.0], [3.0, 1.0]])
    t = np.array([[1.0, 0.0], [0.0, 1.0]])
    # −log softmax: 800 + log(1 + e^-800), and 2 + log(1 + e^-2)
    expected = (800.0 + (2.0 + math.log1p(math.exp(-2.0)))) / 2
    loss = nn.CategoricalCrossEntropy()
    assert loss.value_from_logits(z, t) == pytest.approx(expected, abs=1e-12)
    assert loss.value(nn.Softmax().forward(z), t) < expected - 40


@pytest.mark.parametrize(
    "loss_cls, last, targets",
    [
        (nn.BinaryCrossEntropy, nn.Logistic, lambda r: r.integers(0, 2, (6, 2)).astype(float)),
        (nn.CategoricalCrossEntropy, nn.Softmax, lambda r: np.eye(2)[r.integers(0, 2, 6)]),
        (nn.HalfPoissonDeviance, nn.Exp, lambda r: r.poisson(2.0, (6, 2)).astype(float)),
    ],
)
def test_logit_value_equals_probability_value_away_from_saturation(loss_cls, last, targets):
    rng = np.random.default_rng(1)
    z, t = rng.normal(size=(6, 2)), targets(rng)
    w = rng.uniform(0.5, 2.0, 6)
    for reduction in ("mean", "sum"):
        loss = loss_cls(reduction)
        y = last().forward(z)
        assert loss.value_from_logits(z, t, w) == pytest.approx(loss.value(y, t, w), rel=1e-12)
        logits = loss_cls(reduction, from_logits=True)
        assert logits.value(z, t, w) == pytest.approx(loss.value(y, t, w), rel=1e-12)
        np.testing.assert_allclose(logits.gradient(z, t, w), loss.fused_gradient(y, t, w))


@pytest.mark.parametrize(
    "loss_cls", [nn.BinaryCrossEntropy, nn.CategoricalCrossEntropy, nn.HalfPoissonDeviance]
)
def test_from_logits_gradient_matches_finite_differences(loss_cls):
    rng = np.random.default_rng(2)
    z = rng.normal(size=(5, 3))
    t = {
        nn.BinaryCrossEntropy: rng.uniform(0, 1, (5, 3)),
        nn.CategoricalCrossEntropy: rng.dirichlet(np.ones(3), 5),
        nn.HalfPoissonDeviance: rng.poisson(1.5, (5, 3)).astype(float),
    }[loss_cls]
    loss = loss_cls(from_logits=True)
    assert loss.fused_activation is None  # nothing to fuse with: the network ends in z
    assert check_loss(loss, z, t).passed
    assert check_loss(loss, z, t, w=rng.uniform(0, 3, 5)).passed


def _saturated(last):
    net = _net(last())
    net[2].params["W"][...] = 0.0
    net[2].params["b"][...] = [60.0, -60.0]  # σ(±60) and softmax round to 0 and 1
    return net


@pytest.mark.parametrize(
    "loss, last",
    [(nn.BinaryCrossEntropy(), nn.Logistic), (nn.CategoricalCrossEntropy(), nn.Softmax)],
)
def test_training_records_exact_losses_on_both_paths(loss, last):
    """A saturated network: the reference path, the executor and the history all give the
    loss computed from the logits, not from the rounded probabilities."""
    net = _saturated(last)
    X = np.random.default_rng(3).normal(size=(4, 3))
    T = np.tile([0.0, 1.0], (4, 1))
    # the exact value: every sample and output costs 60 (+ e^-60, or + e^-120 for softmax)
    expected = 60.0 if isinstance(loss, nn.BinaryCrossEntropy) else 120.0
    assert net.loss_and_gradients(loss, X, T) == pytest.approx(expected, rel=1e-12)
    step = nn.TrainingStep(net, loss, nn.GradientDescent(0.1))
    assert step.loss_and_gradients(X, T) == pytest.approx(expected, rel=1e-12)
    # the initial entries of the history: before any update
    for batch_size in (None, 2):
        history = nn.train(
            _saturated(last), loss, nn.GradientDescent(0.1), X, T, epochs=1,
            batch_size=batch_size, validation_data=(X, T),
        )  # fmt: skip
        assert history.train_loss[0] == pytest.approx(expected, rel=1e-12)
        assert history.validation_loss[0] == pytest.approx(expected, rel=1e-12)


def test_exp_layer_and_poisson_fuse():
    net = _net(nn.Exp())
    assert net.fuses_with(nn.HalfPoissonDeviance())
    X = np.random.default_rng(4).normal(size=(5, 3))
    T = np.random.default_rng(5).poisson(1.0, (5, 2)).astype(float)
    report = nn.check_gradients(net, nn.HalfPoissonDeviance(), X, T)
    assert report.passed, str(report)
    assert nn.check_layer(nn.Exp(), X).passed


def test_poisson_values_written_out():
    y = np.array([[2.0], [0.5]])
    t = np.array([[1.0], [0.0]])
    # t log(t/y) − t + y: log(1/2) − 1 + 2, and 0 − 0 + 0.5
    expected = (math.log(0.5) + 1.0 + 0.5) / 2
    assert nn.HalfPoissonDeviance().value(y, t) == pytest.approx(expected, rel=1e-14)
    assert nn.HalfPoissonDeviance().value_from_logits(np.log(y), t) == pytest.approx(
        expected, rel=1e-14
    )


@pytest.mark.parametrize(
    "loss, T, message",
    [
        (nn.BinaryCrossEntropy(), [[0.0], [1.5]], r"probabilities in \[0, 1\].*row 1"),
        (nn.BinaryCrossEntropy(), [[-0.1], [1.0]], r"probabilities in \[0, 1\].*row 0"),
        (nn.CategoricalCrossEntropy(), [[1.0, 0.0], [0.5, 0.0]], r"row 1 sums to 0.5"),
        (nn.CategoricalCrossEntropy(), [[1.5, -0.5], [0.0, 1.0]], r"one-hot or probability"),
        (nn.HalfPoissonDeviance(), [[1.0, 0.0], [-2.0, 3.0]], r"non-negative.*row 1, column 0"),
    ],
)
def test_train_rejects_invalid_targets_with_a_clear_error(loss, T, message):
    T = np.asarray(T)
    last = {"BinaryCrossEntropy": nn.Logistic, "CategoricalCrossEntropy": nn.Softmax}.get(
        type(loss).__name__, nn.Exp
    )
    net = _net(last(), n_out=T.shape[1])
    X = np.zeros((2, 3))
    with pytest.raises(ValueError, match=message) as info:
        nn.train(net, loss, nn.GradientDescent(0.1), X, T, epochs=1)
    assert "T:" in str(info.value) and type(loss).__name__ in str(info.value)
    with pytest.raises(ValueError, match="T_val"):
        good = np.eye(T.shape[1])[[0, 0]] if T.shape[1] > 1 else np.zeros((2, 1))
        nn.train(net, loss, nn.GradientDescent(0.1), X, good, epochs=1, validation_data=(X, T))


def test_valid_soft_targets_are_accepted():
    loss = nn.CategoricalCrossEntropy()
    loss.check_targets(np.array([[0.2, 0.8], [1 / 3, 2 / 3]]))
    loss.check_targets(np.array([[0.25, 0.75]], dtype=np.float32))
    nn.BinaryCrossEntropy().check_targets(np.array([[0.0, 0.3, 1.0]]))
    nn.MSE().check_targets(np.array([[-5.0, 1e9]]))


def test_losses_round_trip_through_their_config():
    for loss in (nn.BinaryCrossEntropy("sum", from_logits=True), nn.HalfPoissonDeviance()):
        again = nn.losses.LOSS_TYPES[type(loss).__name__](**loss.get_config())
        assert repr(again) == repr(loss)
    with pytest.raises(TypeError, match="from_logits"):
        nn.BinaryCrossEntropy(from_logits="yes")
