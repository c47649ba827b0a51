"""Sample weights in the engine: weighted losses, their gradients, the batches and train()."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnn as nn
from scratchnn.gradcheck import check_loss

LOSSES = {
    "mse": (nn.MSE, None),
    "bce": (nn.BinaryCrossEntropy, nn.Logistic),
    "cce": (nn.CategoricalCrossEntropy, nn.Softmax),
    "poisson": (nn.HalfPoissonDeviance, nn.Exp),
}


def _data(kind, rng, n, k):
    if kind == "mse":
        return rng.normal(size=(n, k)), rng.normal(size=(n, k))
    if kind == "bce":
        return rng.uniform(0.1, 0.9, (n, k)), rng.integers(0, 2, (n, k)).astype(float)
    if kind == "cce":
        # probabilities kept >= 0.1: central differences of log y (step 1e-4) have a
        # truncation error of about eps² / (3 y³), which near y = 0.02 exceeds rtol 1e-5
        y = rng.dirichlet(np.ones(k) * 3, n) + 0.2
        return y / y.sum(axis=1, keepdims=True), np.eye(k)[rng.integers(0, k, n)]
    return rng.uniform(0.5, 3.0, (n, k)), rng.poisson(1.5, (n, k)).astype(float)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("kind", list(LOSSES))
@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(2, 4), seed=st.integers(0, 2**16))
def test_weighted_gradients_match_finite_differences(kind, reduction, n, k, seed):
    rng = np.random.default_rng(seed)
    y, t = _data(kind, rng, n, k)
    w = rng.uniform(0.1, 3.0, n)
    loss = LOSSES[kind][0](reduction)
    assert check_loss(loss, y, t, w=w).passed
    if LOSSES[kind][1] is not None:
        assert check_loss(loss, rng.normal(size=(n, k)), t, fused=True, w=w).passed


@pytest.mark.parametrize("kind", list(LOSSES))
def test_weighted_value_is_the_weighted_mean(kind):
    """ξ = Σ w_i ℓ_i / Σ w_i: with weights (2, 0, 1), sample 0 counted twice, sample 1 not."""
    rng = np.random.default_rng(0)
    y, t = _data(kind, rng, 3, 2)
    loss = LOSSES[kind][0]()
    w = np.array([2.0, 0.0, 1.0])
    rows = [0, 0, 2]
    assert loss.value(y, t, w) == pytest.approx(loss.value(y[rows], t[rows]), rel=1e-13)
    assert loss.value(y, t, np.ones(3)) == pytest.approx(loss.value(y, t), rel=1e-14)
    assert loss.value(y, t, 5 * w) == pytest.approx(loss.value(y, t, w), rel=1e-13)
    # sum reduction: weights multiply, nothing divides
    total = LOSSES[kind][0]("sum")
    assert total.value(y, t, w) == pytest.approx(total.value(y[rows], t[rows]), rel=1e-13)


def _net(kind, seed=0):
    rng = np.random.default_rng(seed)
    last = LOSSES[kind][1] or nn.Identity
    return nn.Sequential([nn.Linear(3, 5, rng=rng), nn.Tanh(), nn.Linear(5, 3, rng=rng), last()])


@pytest.mark.parametrize("kind", list(LOSSES))
def test_executor_equals_reference_path_with_weights(kind):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 3))
    _, T = _data(kind, rng, 7, 3)
    w = rng.uniform(0, 2, 7)
    loss = LOSSES[kind][0]()
    reference = _net(kind)
    value = reference.loss_and_gradients(loss, X, T, w)
    grads = [g.copy() for g in reference.gradients()]
    step = nn.TrainingStep(_net(kind), loss, nn.GradientDescent(0.1))
    for _ in range(2):  # the first call makes the passes, the second reuses them
        assert step.loss_and_gradients(X, T, w) == pytest.approx(value, rel=1e-13)
        for g, h in zip(grads, step.network.gradients()):
            np.testing.assert_allclose(h, g, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shuffle, batch_size", [(False, None), (False, 4), (True, 3)])
def test_all_ones_weights_train_as_no_weights(shuffle, batch_size):
    rng = np.random.default_rng(2)
    X, T = rng.normal(size=(10, 3)), np.eye(3)[rng.integers(0, 3, 10)]
    runs = []
    for w in (None, np.ones(10)):
        net = _net("cce")
        h = nn.train(
            net, nn.CategoricalCrossEntropy(), nn.Adam(0.01), X, T, epochs=4,
            batch_size=batch_size, shuffle=shuffle, rng=5, sample_weight=w,
            validation_fraction=0.2,
        )  # fmt: skip
        runs.append((h, net.parameters()))
    (h0, p0), (h1, p1) = runs
    np.testing.assert_allclose(h1.train_loss, h0.train_loss, rtol=1e-13)
    np.testing.assert_allclose(h1.validation_loss, h0.validation_loss, rtol=1e-13)
    for a, b in zip(p0, p1):
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("kind", list(LOSSES))
def test_integer_weights_train_as_repeated_samples(kind):
    """Full batch: weight k trains as k copies of the sample (weight 0 as none)."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(9, 3))
    _, T = _data(kind, rng, 9, 3)
    w = np.array([1, 0, 3, 2, 1, 0, 1, 4, 1])
    rows = np.repeat(np.arange(9), w)
    weighted, repeated = _net(kind), _net(kind)
    loss = LOSSES[kind][0]()
    hw = nn.train(weighted, loss, nn.GradientDescent(0.05), X, T, epochs=6, sample_weight=w)
    hr = nn.train(repeated, loss, nn.GradientDescent(0.05), X[rows], T[rows], epochs=6)
    np.testing.assert_allclose(hw.train_loss, hr.train_loss, rtol=1e-12)
    for a, b in zip(weighted.parameters(), repeated.parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-14)


def test_batches_carry_their_weights():
    X = np.arange(12.0).reshape(6, 2)
    T = np.arange(6.0)[:, None]
    W = np.arange(6.0) * 10
    source = nn.training.EpochBatches(X, T, nn.training.split_batches(6, 2), True,
                                      np.random.default_rng(0), W)  # fmt: skip
    for x, t, w in source.epoch():
        np.testing.assert_array_equal(w, t[:, 0] * 10)
        np.testing.assert_array_equal(x[:, 0], t[:, 0] * 2)
    fixed = nn.training.EpochBatches(X, T, nn.training.split_batches(6, 3), False, None, W)
    assert [tuple(w) for _, _, w in fixed.epoch()] == [(0.0, 10.0, 20.0), (30.0, 40.0, 50.0)]


@pytest.mark.parametrize(
    "w, message",
    [
        (np.ones(3), r"shape \(4,\)"),
        (np.ones((4, 1)), "dimension"),
        (np.array([1.0, -1.0, 1.0, 1.0]), "non-negative.*index 1"),
        (np.zeros(4), "all zero"),
        (np.array([1.0, np.nan, 1.0, 1.0]), "sample_weight"),
        (np.array([1.0, np.inf, 1.0, 1.0]), "sample_weight"),
    ],
)
def test_train_rejects_bad_sample_weight(w, message):
    X, T = np.zeros((4, 3)), np.zeros((4, 3))
    with pytest.raises(ValueError, match=message):
        nn.train(_net("mse"), nn.MSE(), nn.GradientDescent(0.1), X, T, epochs=1, sample_weight=w)


def test_weighted_validation_loss_uses_the_held_out_weights():
    rng = np.random.default_rng(4)
    X, T = rng.normal(size=(10, 3)), rng.normal(size=(10, 3))
    w = rng.uniform(0.5, 2, 10)
    net = _net("mse")
    before = net.predict(X)
    h = nn.train(net, nn.MSE(), nn.GradientDescent(0.1), X, T, epochs=1,
                 validation_fraction=0.3, rng=0, sample_weight=w)  # fmt: skip
    val = np.random.default_rng(0).permutation(10)[:3]  # train's documented split
    train = np.setdiff1d(np.arange(10), val)
    expected = nn.MSE().value(before[val], T[val], w[val])
    assert h.validation_loss[0] == pytest.approx(expected, rel=1e-13)
    expected = nn.MSE().value(before[train], T[train], w[train])
    assert h.train_loss[0] == pytest.approx(expected, rel=1e-13)
