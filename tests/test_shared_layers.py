"""Sequential is a list of layers: building networks never moves a layer's arrays."""

import numpy as np

import scratchnn as nn


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 3))
    return X, np.eye(2)[(X[:, 0] > 0).astype(int)]


def test_two_networks_over_shared_layers_train_the_same_arrays():
    hidden = [nn.Linear(3, 4, rng=0), nn.Tanh()]
    first = nn.Sequential([*hidden, nn.Linear(4, 2, rng=1), nn.Softmax()])
    held = first.parameters()  # arrays taken before a second network exists
    second = nn.Sequential([*hidden, nn.Linear(4, 2, rng=2), nn.Softmax()])
    feature = nn.Sequential(first.layers[:2])  # as Parts 3 and 4 build their projections
    for a, b in zip(held, first.parameters()):
        assert a is b
    X, T = _data()
    W0 = hidden[0].params["W"].copy()

    nn.train(first, nn.CategoricalCrossEntropy(), nn.Adam(0.05), X, T, epochs=5)
    after_first = hidden[0].params["W"].copy()
    assert not np.allclose(after_first, W0)
    assert held[0] is hidden[0].params["W"]  # still the layer's own array, trained in place
    np.testing.assert_array_equal(held[0], after_first)

    nn.train(second, nn.CategoricalCrossEntropy(), nn.Adam(0.05), X, T, epochs=5)
    assert not np.allclose(hidden[0].params["W"], after_first)  # the shared layer trained on
    assert held[0] is hidden[0].params["W"]
    np.testing.assert_array_equal(feature.predict(X), np.tanh(X @ held[0] + held[1]))


def test_a_training_step_follows_replaced_arrays():
    net = nn.Sequential([nn.Linear(3, 2, rng=0), nn.Softmax()])
    X, T = _data(1)
    step = nn.TrainingStep(net, nn.CategoricalCrossEntropy(), nn.GradientDescent(0.1))
    step(X, T)
    net[0].params["W"] = net[0].params["W"].copy()  # replaced, not written into
    replaced = net[0].params["W"]
    before = replaced.copy()
    step(X, T)
    assert net[0].params["W"] is replaced and not np.array_equal(replaced, before)


def test_gradient_lists_stay_valid_across_passes():
    net = nn.Sequential([nn.Linear(3, 2, rng=0), nn.Softmax()])
    grads = net.gradients()
    X, T = _data(2)
    net.loss_and_gradients(nn.CategoricalCrossEntropy(), X, T)
    assert all(g is h for g, h in zip(grads, net.gradients()))
    assert np.any(grads[0] != 0)


def test_a_training_step_refuses_a_non_finite_loss_and_keeps_the_parameters():
    import pytest

    net = nn.Sequential([nn.Linear(3, 2, rng=0), nn.Softmax()])
    X, T = _data(3)
    step = nn.TrainingStep(net, nn.CategoricalCrossEntropy(), nn.GradientDescent(0.1))
    before = [p.copy() for p in net.parameters()]
    X[0, 0] = np.nan
    with pytest.raises(FloatingPointError, match="the loss is nan"):
        step(X, T)
    for p, q in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, q)
    with pytest.raises(ValueError, match="same number of samples"):
        step(X[:3], T[:4])
    with pytest.raises(ValueError, match="features"):
        step(X[:, :2], T)
