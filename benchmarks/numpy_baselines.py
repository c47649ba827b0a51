"""Hand-written NumPy training loops: what the same math costs without an engine.

Short and direct, as a reader of the series would write them: fixed layers, gradients
written out, parameters updated in place. Each factory returns a runner with ``run()`` (one
timed repetition) and ``params()`` (the parameters in scratchnn's order, W as (n_in, n_out)).
"""

from __future__ import annotations

import math

import numpy as np

from .workloads import (
    A_LEARNING_RATE,
    B_LEARNING_RATE,
    B_SHUFFLE_SEED,
    C_LEARNING_RATE,
    array_split_slices,
    start_state,
)


def _logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class PartFiveSGD:
    """A: 64-20-20-10 logistic/logistic/softmax, mini-batch SGD, the tutorial's costs."""

    def __init__(self, data: dict, epochs: int) -> None:
        self.X, self.T, self.batches = data["X"], data["T"], data["batches"]
        self.W = [p.copy() for p in data["init"]]
        self.epochs = epochs
        self.batch_loss: list[float] = []
        self.train_loss: list[float] = []

    def _forward(self, x):
        W1, b1, W2, b2, W3, b3 = self.W
        h1 = _logistic(x @ W1 + b1)
        h2 = _logistic(h1 @ W2 + b2)
        return h1, h2, _softmax(h2 @ W3 + b3)

    def run(self) -> None:
        W1, b1, W2, b2, W3, b3 = self.W
        lr = A_LEARNING_RATE
        with np.errstate(over="ignore"):
            for _ in range(self.epochs):
                for s in self.batches:
                    x, t = self.X[s], self.T[s]
                    h1, h2, y = self._forward(x)
                    n = x.shape[0]
                    self.batch_loss.append(-np.sum(t * np.log(y)) / n)
                    d3 = (y - t) / n
                    d2 = (d3 @ W3.T) * h2 * (1.0 - h2)
                    d1 = (d2 @ W2.T) * h1 * (1.0 - h1)
                    W3 -= lr * (h2.T @ d3)
                    b3 -= lr * d3.sum(axis=0)
                    W2 -= lr * (h1.T @ d2)
                    b2 -= lr * d2.sum(axis=0)
                    W1 -= lr * (x.T @ d1)
                    b1 -= lr * d1.sum(axis=0)
                y = self._forward(self.X)[2]
                self.train_loss.append(-np.sum(self.T * np.log(y)) / self.X.shape[0])

    def params(self) -> list[np.ndarray]:
        return self.W


class MLPAdam:
    """B: 784-256-256-10 ReLU + softmax cross-entropy, Adam, float32.

    Buffers for gradients and Adam's moments are allocated once; the input gradient of the
    first layer is not computed (nothing needs it). With ``shuffle`` (the default) every epoch
    draws a permutation and each batch gathers its rows, ``X[idx]``, as a reader would write
    it; ``prepare()`` restores the start state and the permutations' seed.
    """

    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def __init__(self, data: dict, batch_size: int, shuffle: bool = True) -> None:
        self.X, self.labels = data["X"], data["labels"]
        self.slices = array_split_slices(self.X.shape[0], batch_size)
        self.start = start_state(data)
        self.shuffle = shuffle
        self.W = [p.copy() for p in self.start["params"]]
        self.G = [np.empty_like(p) for p in self.W]
        self.M = [np.zeros_like(p) for p in self.W]
        self.V = [np.zeros_like(p) for p in self.W]
        self.tmp = [np.empty_like(p) for p in self.W]
        self.rows = np.arange(max(s.stop - s.start for s in self.slices))
        self.loss = 0.0
        self.prepare()

    def prepare(self) -> None:
        start = self.start
        for dst, src in zip(
            self.W + self.M + self.V,
            start["params"] + start["first_moments"] + start["second_moments"],
        ):
            dst[...] = src
        self.steps = start["count"]
        self.rng = np.random.default_rng(B_SHUFFLE_SEED)

    def _batches(self):
        if not self.shuffle:
            for s in self.slices:
                yield self.X[s], self.labels[s]
            return
        perm = self.rng.permutation(self.X.shape[0])
        for s in self.slices:
            idx = perm[s]
            yield self.X[idx], self.labels[idx]

    def run(self) -> None:
        for x, lab in self._batches():
            self.loss = self.gradients(x, lab)
            self._adam()

    def gradients(self, x: np.ndarray, lab: np.ndarray) -> float:
        """Forward, loss and backward of one batch: the gradients into ``self.G``; the loss."""
        W1, b1, W2, b2, W3, b3 = self.W
        gW1, gb1, gW2, gb2, gW3, gb3 = self.G
        n = x.shape[0]
        rows = self.rows[:n]
        h1 = x @ W1
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ W2
        h2 += b2
        np.maximum(h2, 0, out=h2)
        y = h2 @ W3
        y += b3
        y -= y.max(axis=1, keepdims=True)
        np.exp(y, out=y)
        y /= y.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(y[rows, lab]))
        # softmax + cross-entropy: dxi/dz = (y - t) / n
        y[rows, lab] -= 1.0
        y /= n
        np.matmul(h2.T, y, out=gW3)
        np.sum(y, axis=0, out=gb3)
        d2 = y @ W3.T
        d2 *= h2 > 0
        np.matmul(h1.T, d2, out=gW2)
        np.sum(d2, axis=0, out=gb2)
        d1 = d2 @ W2.T
        d1 *= h1 > 0
        np.matmul(x.T, d1, out=gW1)
        np.sum(d1, axis=0, out=gb1)
        return float(loss)

    def _adam(self) -> None:
        self.steps += 1
        b1, b2, t = self.beta1, self.beta2, self.steps
        # Kingma & Ba's efficient form: the bias corrections folded into lr and eps.
        # Python floats (math.sqrt): a NumPy float64 scalar would promote the float32 math.
        lr_t = B_LEARNING_RATE * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        eps_t = self.eps * math.sqrt(1.0 - b2**t)
        for p, g, m, v, tmp in zip(self.W, self.G, self.M, self.V, self.tmp):
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp += eps_t
            np.divide(m, tmp, out=tmp)
            tmp *= lr_t
            p -= tmp

    def params(self) -> list[np.ndarray]:
        return self.W


class PartOneVector:
    """C: y = x w with 1-D arrays; loss and gradient of the mean squared error."""

    def __init__(self, data: dict, iterations: int) -> None:
        self.x, self.t, self.w = data["x"], data["t"], float(data["w0"])
        self.iterations = iterations
        self.loss: list[float] = []

    def run(self) -> None:
        x, t, n, lr = self.x, self.t, self.x.size, C_LEARNING_RATE
        w = self.w
        for _ in range(self.iterations):
            err = x * w - t
            self.loss.append(float(err @ err) / n)
            w -= lr * 2.0 * float(x @ err) / n
        self.w = w

    def params(self) -> list[np.ndarray]:
        return [np.array([[self.w]])]


class PartOneMatrix:
    """C written as a layer: ``(N, 1) @ (1, 1)`` matrix products, the same loss."""

    def __init__(self, data: dict, iterations: int) -> None:
        self.X, self.T = data["X"], data["T"]
        self.W = np.array([[float(data["w0"])]])
        self.iterations = iterations
        self.loss: list[float] = []

    def run(self) -> None:
        X, T, W, n, lr = self.X, self.T, self.W, self.X.shape[0], C_LEARNING_RATE
        for _ in range(self.iterations):
            err = X @ W - T
            self.loss.append(float((err.T @ err)[0, 0]) / n)
            W -= lr * 2.0 * (X.T @ err) / n

    def params(self) -> list[np.ndarray]:
        return [self.W]


class PartOnePasses:
    """C as the executor computes it, written out on 1-D buffers (what the engine's own passes
    cost without the engine): the network's output ``y`` kept beside the loss gradient ``d``,
    and ``d`` scaled by 2/N in a pass of its own before the weight gradient (the reference
    order); with ``folded`` the 2/N multiplies the scalar weight gradient instead."""

    def __init__(self, data: dict, iterations: int, folded: bool = False) -> None:
        self.x, self.t, self.w = data["x"], data["t"], float(data["w0"])
        self.y, self.d = np.empty_like(self.x), np.empty_like(self.x)
        self.iterations, self.folded = iterations, folded
        self.loss: list[float] = []

    def run(self) -> None:
        x, t, y, d, n, lr = self.x, self.t, self.y, self.d, self.x.size, C_LEARNING_RATE
        w = self.w
        for _ in range(self.iterations):
            np.multiply(x, w, out=y)
            np.subtract(y, t, out=d)
            self.loss.append(float(d @ d) / n)
            if self.folded:
                w -= lr * float(x @ d) * (2.0 / n)
            else:
                np.multiply(d, 2.0 / n, out=d)
                w -= lr * float(x @ d)
        self.w = w

    def params(self) -> list[np.ndarray]:
        return [np.array([[self.w]])]


def workload_c_passes(data: dict, iterations: int) -> PartOnePasses:
    return PartOnePasses(data, iterations)


def workload_c_folded(data: dict, iterations: int) -> PartOnePasses:
    return PartOnePasses(data, iterations, folded=True)


def workload_a(data: dict, epochs: int) -> PartFiveSGD:
    return PartFiveSGD(data, epochs)


def workload_b(data: dict, batch_size: int, shuffle: bool = True) -> MLPAdam:
    return MLPAdam(data, batch_size, shuffle)


def workload_c_vector(data: dict, iterations: int) -> PartOneVector:
    return PartOneVector(data, iterations)


def workload_c_matrix(data: dict, iterations: int) -> PartOneMatrix:
    return PartOneMatrix(data, iterations)
