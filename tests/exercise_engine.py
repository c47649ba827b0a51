"""Each exercise's answer computed by the engine (layers, losses, optimisers, the tutorial),
for ``tests/test_exercises.py``: the solutions must equal these."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from scratchnn.layers import GaussianRBF, Linear, Logistic, Softmax, logistic, softmax
from scratchnn.losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy
from scratchnn.network import Sequential
from scratchnn.optimizer_state import MomentumState
from scratchnn.optimizers import GradientDescent
from scratchnn.training import split_batches
from scratchnn.tutorial import logistic as tutorial_logistic
from scratchnn.tutorial import part1, part2, part3, part4, part5


def logistic_derivative(z):
    return tutorial_logistic.logistic_and_derivative(z)[1]


def logistic_input_gradient(z, t):
    y = logistic(z[:, None])
    return BinaryCrossEntropy(reduction="sum").fused_gradient(y, t[:, None])[:, 0]


def _part1_network(w):
    network = Sequential([Linear(1, 1, bias=False)])
    network[0].params["W"][...] = w
    return network


def part1_gradient(w, x, t):
    network = _part1_network(w)
    network.loss_and_gradients(MSE(), x[:, None], t[:, None])
    return network[0].grads["W"][0, 0]


def part1_update(w, x, t, learning_rate):
    ws, _ = part1.gradient_descent(x, t, w, learning_rate, 1)
    return ws[1]


def part2_loss(w, X, t):
    return part2.loss_surface(X, t, w[0, :1], w[0, 1:])[0, 0]


def part2_gradient(w, X, t):
    network = part2.build_network(w[0])
    network.loss_and_gradients(BinaryCrossEntropy(reduction="sum"), X, t)
    return network[0].grads["W"].T


def part3_rbf_derivative(z):
    layer = GaussianRBF()
    layer.forward(z[:, None])
    return layer.backward(np.ones((len(z), 1)))[:, 0]


def part3_gradients(w_h, b_o, x, t):
    network = part3.build_network(w_h, b_o)
    network.loss_and_gradients(BinaryCrossEntropy(), x[:, None], t[:, None])
    return network[0].grads["W"][0, 0], network[2].grads["b"][0]


def softmax_rows(Z):
    return softmax(Z, axis=1)


def softmax_jacobian(z):
    layer = Softmax()
    layer.forward(z[None, :])
    # backward(e_k) = y_i (δ_ik − y_k) = ∂y_k/∂z_i: row k of the (symmetric) Jacobian
    return np.vstack([layer.backward(e[None, :]) for e in np.eye(len(z))])


def part4_gradients(X, T, W_h, b_h, W_o, b_o):
    d, h = W_h.shape
    if (d, h, W_o.shape[1]) == (2, 3, 2):
        network = part4.build_network()  # the tutorial's own network
    else:
        network = Sequential([Linear(d, h), Logistic(), Linear(h, W_o.shape[1]), Softmax()])
    for name, value in zip(("0.W", "0.b", "2.W", "2.b"), (W_h, b_h, W_o, b_o)):
        dict(network.named_parameters())[name][...] = value
    network.loss_and_gradients(CategoricalCrossEntropy(reduction="sum"), X, T)
    return tuple(network.gradients())


def part4_momentum(theta, grad, velocity, learning_rate, momentum):
    optimizer = GradientDescent(learning_rate, momentum=momentum)
    (step,), state = optimizer.update([grad], MomentumState(1, [velocity]), [theta])
    new_velocity = state.velocities[0] if momentum else step  # without momentum M = −μJ
    return theta + step, new_velocity


def part5_output_gradient(Y, T):
    return CategoricalCrossEntropy().fused_gradient(Y, T)


def part5_batches(X, T, batch_size):
    return [(X[s], T[s]) for s in split_batches(len(X), batch_size)]


def part5_stops(validation_costs) -> list[bool]:
    """Whether the engine's rule (``tutorial_early_stopping``) stops after each epoch,
    fed the costs one epoch at a time (a large cost before training, never compared)."""
    costs = [1e300]
    history = SimpleNamespace(series=lambda name: costs, best_epoch=0)
    callback = part5.tutorial_early_stopping()
    callback.on_train_begin(SimpleNamespace(history=history, epoch=0, network=None))
    stops = []
    for epoch, cost in enumerate(validation_costs, start=1):
        costs.append(cost)
        stops.append(callback.on_epoch_end(SimpleNamespace(history=history, epoch=epoch)))
    return stops


def part5_should_stop(validation_costs):
    return part5_stops(validation_costs)[-1]
