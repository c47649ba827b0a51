"""Sequential and the public gradient checker on whole networks."""

import numpy as np
import pytest

from scratchnn import (
    MSE,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    GradientCheckError,
    Linear,
    Logistic,
    Sequential,
    Softmax,
    Tanh,
    check_gradients,
)


def _net(seed=0):
    return Sequential([Linear(3, 4, rng=seed), Tanh(), Linear(4, 3, rng=seed + 1), Softmax()])


def _data(seed=0, n=6):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), np.eye(3)[rng.integers(0, 3, n)]


def test_parameters_are_named_and_ordered():
    net = _net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["0.W", "0.b", "2.W", "2.b"]
    assert [p.shape for p in net.parameters()] == [(3, 4), (4,), (4, 3), (3,)]
    assert [g.shape for g in net.gradients()] == [(3, 4), (4,), (4, 3), (3,)]
    assert net.n_parameters == 12 + 4 + 12 + 3


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_whole_network_passes_and_parameters_are_restored(reduction):
    net = _net()
    X, T = _data()
    before = [p.copy() for p in net.parameters()]
    report = check_gradients(net, CategoricalCrossEntropy(reduction), X, T)
    assert report.passed and report.max_rel_error < 1e-5
    assert [c.name for c in report.checks] == ["0.W", "0.b", "2.W", "2.b"]
    for a, b in zip(before, net.parameters()):
        np.testing.assert_array_equal(a, b)


def test_fused_and_unfused_backward_agree():
    X, T = _data(1)
    fused = _net(3)
    fused.loss_and_gradients(CategoricalCrossEntropy(), X, T)
    unfused = _net(3)
    y = unfused.forward(X)
    unfused.backward(CategoricalCrossEntropy().gradient(y, T))
    for a, b in zip(fused.gradients(), unfused.gradients()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_logistic_output_with_binary_cross_entropy():
    rng = np.random.default_rng(2)
    X, t = rng.normal(size=(8, 2)), rng.integers(0, 2, (8, 1)).astype(float)
    net = Sequential([Linear(2, 3, rng=1), Logistic(), Linear(3, 1, rng=2), Logistic()])
    assert net.fuses_with(BinaryCrossEntropy())
    assert check_gradients(net, BinaryCrossEntropy(), X, t).passed


def test_a_wrong_layer_fails_with_the_tutorial_message():
    class BrokenLinear(Linear):
        def backward(self, grad_y):
            grad_x = super().backward(grad_y)
            self.grads["W"] *= 1.01
            return grad_x

    net = Sequential([BrokenLinear(2, 2, rng=0), Tanh(), Linear(2, 1, rng=1)])
    X = np.random.default_rng(0).normal(size=(4, 2))
    T = np.ones((4, 1))
    with pytest.raises(
        GradientCheckError,
        match=r"Numerical gradient of -?\d+\.\d{6} is not close "
        r"to the backpropagation gradient of -?\d+\.\d{6}!",
    ):
        check_gradients(net, MSE(), X, T)
    report = check_gradients(net, MSE(), X, T, raise_on_failure=False)
    assert [c.passed for c in report.checks] == [False, True, True, True]


def test_sequential_validates_its_layers():
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match=r"layers\[1\]"):
        Sequential([Linear(1, 1), "relu"])


def test_losses_leave_their_inputs_unchanged():
    X, T = _data(4)
    y = Softmax().forward(X)
    y_before, T_before = y.copy(), T.copy()
    for loss in (CategoricalCrossEntropy(), CategoricalCrossEntropy("sum"), MSE()):
        loss.value(y, T), loss.gradient(y, T)
    CategoricalCrossEntropy().fused_gradient(y, T)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(T, T_before)


def test_gradient_check_runs_dropout_networks_in_evaluation_mode():
    from scratchnn.layers import Dropout

    net = Sequential(
        [Linear(3, 5, rng=0), Tanh(), Dropout(0.5, rng=1), Linear(5, 3, rng=2), Softmax()]
    )
    X, T = _data(5)
    assert check_gradients(net, CategoricalCrossEntropy(), X, T).passed
    assert all(layer.training for layer in net.layers)  # mode restored


def test_pickles_and_clear_cache_drop_the_last_batch():
    import pickle

    net = _net()
    X, T = _data(6, n=50)
    net.loss_and_gradients(CategoricalCrossEntropy(), X, T)
    assert net[0]._x is X  # cached for backward
    clone = pickle.loads(pickle.dumps(net))
    assert not hasattr(clone[0], "_x") and not hasattr(clone[1], "_y")
    np.testing.assert_array_equal(clone.predict(X), net.predict(X))
    net.clear_cache()
    assert not any(hasattr(layer, "_x") or hasattr(layer, "_y") for layer in net.layers)
