"""scratchnn used exactly as a user would: ``scratchnn.train``, or the user's own loop over the
public fast API (``step = scratchnn.TrainingStep(net, loss, optimizer)``; ``step(x, t)``).

Nothing here re-implements a forward pass or a gradient; the runners only configure the
engine and copy the shared initial parameters in.
"""

from __future__ import annotations

import inspect

import numpy as np

import scratchnn
from scratchnn import (
    MSE,
    CategoricalCrossEntropy,
    GradientDescent,
    Linear,
    Logistic,
    ReLU,
    Sequential,
    Softmax,
)
from scratchnn.training import EpochBatches

from .common import Unavailable
from .workloads import (
    A_BATCH_SIZE,
    A_LAYERS,
    A_LEARNING_RATE,
    B_LAYERS,
    B_LEARNING_RATE,
    B_SHUFFLE_SEED,
    C_LEARNING_RATE,
    array_split_slices,
    start_state,
)


def _mlp(layers, activation, output, init, dtype) -> Sequential:
    stack = []
    for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        stack.append(Linear(n_in, n_out, dtype=dtype))
        stack.append(activation() if i < len(layers) - 2 else output())
    net = Sequential(stack)
    for p, value in zip(net.parameters(), init):
        p[...] = value
    return net


def _adam(learning_rate: float):
    optimizers = scratchnn.optimizers
    adam = getattr(optimizers, "Adam", None)
    if adam is None:
        raise Unavailable("scratchnn.optimizers.Adam does not exist yet")
    return adam(learning_rate)


class _Runner:
    def params(self) -> list[np.ndarray]:
        return [p.copy() for p in self.net.parameters()]


class PartFiveTrain(_Runner):
    """A via ``scratchnn.train(..., epochs=E, batch_size=25)`` (fixed batches, no shuffle)."""

    def __init__(self, data: dict, epochs: int) -> None:
        self.X, self.T, self.epochs = data["X"], data["T"], epochs
        self.net = _mlp(A_LAYERS, Logistic, Softmax, data["init"], np.float64)
        self.loss = CategoricalCrossEntropy()
        self.optimizer = GradientDescent(A_LEARNING_RATE)

    def run(self) -> None:
        self.history = scratchnn.train(
            self.net,
            self.loss,
            self.optimizer,
            self.X,
            self.T,
            epochs=self.epochs,
            batch_size=A_BATCH_SIZE,
        )


class PartFiveLoop(_Runner):
    """A via the user's own loop around ``TrainingStep``: one call per batch, then the
    epoch's training loss from ``predict``."""

    def __init__(self, data: dict, epochs: int) -> None:
        self.X, self.T, self.epochs = data["X"], data["T"], epochs
        self.batches = data["batches"]
        self.net = _mlp(A_LAYERS, Logistic, Softmax, data["init"], np.float64)
        self.loss = CategoricalCrossEntropy()
        self.optimizer = GradientDescent(A_LEARNING_RATE)
        self.step = scratchnn.TrainingStep(self.net, self.loss, self.optimizer)
        self.batch_loss: list[float] = []
        self.train_loss: list[float] = []

    def run(self) -> None:
        net, loss, step = self.net, self.loss, self.step
        for _ in range(self.epochs):
            for s in self.batches:
                self.batch_loss.append(step(self.X[s], self.T[s]))
            self.train_loss.append(loss.value(net.predict(self.X), self.T))


def load_adam_state(net: Sequential, optimizer, start: dict) -> None:
    """Write the start state into the network's parameters and the optimiser's state.

    Parameters are written in place (a ``TrainingStep`` bound to them stays bound). The
    moments too when the optimiser's buffers already fit (views of a step's flat buffers,
    which then stay in use); otherwise ``set_state`` gives it copies, which the next step
    adopts.
    """
    for p, value in zip(net.parameters(), start["params"]):
        p[...] = value
    names = ("first_moments", "second_moments")
    buffers = [getattr(optimizer, name) for name in names]
    if all(len(b) == len(start[n]) for b, n in zip(buffers, names)) and buffers[0]:
        for name, current in zip(names, buffers):
            for dst, src in zip(current, start[name]):
                dst[...] = src
        optimizer.state.count = start["count"]
    else:
        optimizer.set_state(start["count"], {n: [a.copy() for a in start[n]] for n in names})


class MLPTrain(_Runner):
    """B via ``scratchnn.train(..., epochs=1, batch_size=b, shuffle=True, rng=rng,
    epoch_loss="batches")`` with ``Adam(1e-3)``; ``shuffle=False`` for the fixed batches.

    ``epoch_loss="batches"`` records the epoch's loss as the mean of its mini-batch losses,
    as the PyTorch loop and scikit-learn do, instead of two extra forward passes over the
    whole training set. Where ``train`` has no such option the default is used (noted).
    ``prepare()`` restores the start state and the permutations' seed.
    """

    def __init__(self, data: dict, batch_size: int, shuffle: bool = True) -> None:
        self.optimizer = _adam(B_LEARNING_RATE)
        self.X, self.T, self.batch_size = data["X"], data["T"], batch_size
        self.start = start_state(data)
        self.net = _mlp(B_LAYERS, ReLU, Softmax, self.start["params"], np.float32)
        self.loss = CategoricalCrossEntropy()
        accepts = "epoch_loss" in inspect.signature(scratchnn.train).parameters
        self.options = {"epoch_loss": "batches"} if accepts else {}
        if not accepts:
            self.note = "train() has no epoch_loss option: full training-set loss evaluated"
        self.shuffle = shuffle
        self.prepare()

    def prepare(self) -> None:
        load_adam_state(self.net, self.optimizer, self.start)
        self.rng = np.random.default_rng(B_SHUFFLE_SEED)

    def run(self) -> None:
        scratchnn.train(
            self.net,
            self.loss,
            self.optimizer,
            self.X,
            self.T,
            epochs=1,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            rng=self.rng,
            **self.options,
        )


def workload_b_train_fixed(data: dict, batch_size: int) -> MLPTrain:
    return MLPTrain(data, batch_size, shuffle=False)


class MLPLoop(_Runner):
    """B via the user's own loop around ``TrainingStep``, its batches from the public
    ``scratchnn.training.EpochBatches`` (a permutation an epoch, the rows gathered per batch
    into reused buffers; ``shuffle=False``: the consecutive slices)."""

    def __init__(self, data: dict, batch_size: int, shuffle: bool = True) -> None:
        self.optimizer = _adam(B_LEARNING_RATE)
        self.X, self.T = data["X"], data["T"]
        self.slices = array_split_slices(self.X.shape[0], batch_size)
        self.start = start_state(data)
        self.net = _mlp(B_LAYERS, ReLU, Softmax, self.start["params"], np.float32)
        self.loss = CategoricalCrossEntropy()
        self.shuffle = shuffle
        self.step = scratchnn.TrainingStep(self.net, self.loss, self.optimizer)
        self.prepare()

    def prepare(self) -> None:
        load_adam_state(self.net, self.optimizer, self.start)
        self.rng = np.random.default_rng(B_SHUFFLE_SEED)
        self.batches = EpochBatches(self.X, self.T, self.slices, True, self.rng)

    def run(self) -> None:
        step, X, T = self.step, self.X, self.T
        if not self.shuffle:
            for s in self.slices:
                self.last_loss = step(X[s], T[s])
            return
        for x, t in self.batches.epoch():  # a permutation an epoch, gathered per batch
            self.last_loss = step(x, t)


class PartOneTrain(_Runner):
    """C via ``scratchnn.train`` on ``Sequential([Linear(1, 1, bias=False)])``, full batch."""

    def __init__(self, data: dict, iterations: int) -> None:
        self.X, self.T, self.iterations = data["X"], data["T"], iterations
        self.net = Sequential([Linear(1, 1, bias=False)])
        self.net.parameters()[0][...] = data["w0"]
        self.loss = MSE()
        self.optimizer = GradientDescent(C_LEARNING_RATE)

    def run(self) -> None:
        self.history = scratchnn.train(
            self.net, self.loss, self.optimizer, self.X, self.T, epochs=self.iterations
        )


workload_a_train = PartFiveTrain
workload_a_loop = PartFiveLoop
workload_b_train = MLPTrain
workload_b_loop = MLPLoop
workload_c_train = PartOneTrain
