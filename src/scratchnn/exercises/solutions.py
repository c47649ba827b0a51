"""The answers to the exercises, one plain-NumPy function each.

Every function is self-contained (it uses nothing but ``np``), so that its source, shown by
``scratchnn exercises NAME --solution``, runs wherever NumPy is imported as ``np``. Each is
named as the learner's function: the exercise's name with ``_`` for ``.``. The tests hold
every one equal to the engine's computation (layers, losses, optimisers, the tutorial).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "logistic_derivative",
    "logistic_input_gradient",
    "part1_gradient",
    "part1_update",
    "part2_loss",
    "part2_gradient",
    "part3_rbf_derivative",
    "part3_gradients",
    "softmax_rows",
    "softmax_jacobian",
    "part4_gradients",
    "part4_momentum",
    "part5_output_gradient",
    "part5_batches",
    "part5_should_stop",
]


def logistic_derivative(z):
    """dσ/dz = σ(z)(1 − σ(z)) at every element; z: (n,) -> (n,)."""
    y = 1 / (1 + np.exp(-z))  # sigma(z)
    return y * (1 - y)


def logistic_input_gradient(z, t):
    """∂ξ/∂z = σ(z) − t for the summed binary cross-entropy; z, t: (N,) -> (N,)."""
    y = 1 / (1 + np.exp(-z))
    return y - t  # d xi / d z = y(1 - y) * (y - t) / (y(1 - y))


def part1_gradient(w, x, t):
    """∂ξ/∂w = (1/N) Σ 2xᵢ(xᵢw − tᵢ) of the mean squared error; w: number, x, t: (N,)."""
    y = x * w
    return np.mean(2 * x * (y - t))  # the mean of the per-sample gradients


def part1_update(w, x, t, learning_rate):
    """w − μ ∂ξ/∂w, one gradient-descent step on the mean squared error."""
    gradient = np.mean(2 * x * (x * w - t))
    return w - learning_rate * gradient


def part2_loss(w, X, t):
    """ξ = −(1/N) Σ [t log y + (1 − t) log(1 − y)], y = σ(X wᵀ); w: (1, 2), X: (N, 2), t: (N, 1)."""
    y = 1 / (1 + np.exp(-(X @ w.T)))  # (N, 1)
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


def part2_gradient(w, X, t):
    """∂ξ/∂w = Σᵢ (yᵢ − tᵢ) xᵢ (summed), y = σ(X wᵀ); w: (1, 2), X: (N, 2), t: (N, 1) -> (1, 2)."""
    y = 1 / (1 + np.exp(-(X @ w.T)))  # (N, 1)
    return (y - t).T @ X  # (1, 2): the sum over the samples of (y_i - t_i) x_i


def part3_rbf_derivative(z):
    """dφ/dz = −2z e^(−z²) at every element; z: (n,) -> (n,)."""
    return -2 * z * np.exp(-(z**2))


def part3_gradients(w_h, b_o, x, t):
    """(∂ξ/∂w_h, ∂ξ/∂b_o) of the mean cross-entropy of y = σ(e^(−(x w_h)²) + b_o); x, t: (N,)."""
    z_h = x * w_h
    h = np.exp(-(z_h**2))
    y = 1 / (1 + np.exp(-(h + b_o)))
    delta_o = y - t  # d xi_i / d z_o
    delta_h = -2 * z_h * h * delta_o  # d xi_i / d z_h
    return np.mean(x * delta_h), np.mean(delta_o)


def softmax_rows(Z):
    """y_ic = e^(z_ic) / Σ_d e^(z_id) for every row; Z: (N, C) -> (N, C)."""
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))  # every exponent <= 0: no overflow
    return E / np.sum(E, axis=1, keepdims=True)


def softmax_jacobian(z):
    """J[i, j] = ∂y_i/∂z_j = y_i(δ_ij − y_j), y = softmax(z); z: (C,) -> (C, C)."""
    e = np.exp(z - np.max(z))
    y = e / np.sum(e)
    return np.diag(y) - np.outer(y, y)  # y_i (delta_ij - y_j)


def part4_gradients(X, T, W_h, b_h, W_o, b_o):
    """(J_Wh, J_bh, J_Wo, J_bo) of the summed cross-entropy, shaped like (W_h, b_h, W_o, b_o)."""
    H = 1 / (1 + np.exp(-(X @ W_h + b_h)))
    Z = H @ W_o + b_o
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    Y = E / np.sum(E, axis=1, keepdims=True)
    E_o = Y - T  # the summed cross-entropy: no 1/N
    E_h = H * (1 - H) * (E_o @ W_o.T)
    return X.T @ E_h, np.sum(E_h, axis=0), H.T @ E_o, np.sum(E_o, axis=0)


def part4_momentum(theta, grad, velocity, learning_rate, momentum):
    """M ← λM − μJ, θ ← θ + M: returns (new θ, new M), each shaped like θ."""
    velocity = momentum * velocity - learning_rate * grad
    return theta + velocity, velocity


def part5_output_gradient(Y, T):
    """∂ξ/∂Z = (Y − T)/N of the mean cross-entropy, Y = softmax(Z); Y, T: (N, C) -> (N, C)."""
    return (Y - T) / Y.shape[0]  # the mean cross-entropy: 1/N


def part5_batches(X, T, batch_size):
    """[(X_batch, T_batch), …]: N // batch_size (at least 1) consecutive, nearly equal batches."""
    n_batches = max(1, X.shape[0] // batch_size)
    return list(zip(np.array_split(X, n_batches), np.array_split(T, n_batches)))


def part5_should_stop(validation_costs):
    """True once more than 3 costs exist and v[−1] ≥ v[−2] ≥ v[−3]."""
    v = validation_costs
    return len(v) > 3 and v[-1] >= v[-2] >= v[-3]
