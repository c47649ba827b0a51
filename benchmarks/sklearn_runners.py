"""scikit-learn's MLPClassifier, configured as close to each workload as it allows.

One epoch is one ``partial_fit`` call (one pass of mini-batch updates over the data, its
input validation included). Differences it does not let us remove:

* batches are ``batch_size`` samples plus a smaller remainder (A: 43 of 25 and one of 3,
  not 43 batches of 25-26); in B it shuffles with its own permutation;
* the loss it records per epoch is the mean of the mini-batch losses, not a separate pass
  over the training set;
* its own weight initialisation (irrelevant to the time; the parameters are not compared).
"""

from __future__ import annotations

import warnings

import numpy as np

from .common import Unavailable
from .workloads import A_BATCH_SIZE, A_LEARNING_RATE, B_LEARNING_RATE, start_state


def _mlp_classifier():
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError as exc:
        raise Unavailable(f"scikit-learn is not installed ({exc})") from None
    return MLPClassifier


class _Runner:
    def __init__(self, model, X, labels, repeats_per_run: int, first: int = 2048) -> None:
        self.model, self.X, self.labels = model, X, labels
        self.classes = np.unique(labels)
        self.repeats_per_run = repeats_per_run
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The first call initialises the weights; it is set-up, not timed.
            self.model.partial_fit(X[:first], labels[:first], classes=self.classes)

    def run(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(self.repeats_per_run):
                self.model.partial_fit(self.X, self.labels)

    def params(self) -> list[np.ndarray]:
        out = []
        for W, b in zip(self.model.coefs_, self.model.intercepts_):
            out += [W.copy(), b.copy()]
        return out

    @property
    def note(self) -> str:
        return f"parameters dtype {self.model.coefs_[0].dtype}"


def workload_a(data: dict, epochs: int) -> _Runner:
    MLPClassifier = _mlp_classifier()
    model = MLPClassifier(
        hidden_layer_sizes=(20, 20),
        activation="logistic",
        solver="sgd",
        learning_rate="constant",
        learning_rate_init=A_LEARNING_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        batch_size=A_BATCH_SIZE,
        shuffle=False,
        random_state=0,
    )
    return _Runner(model, data["X"], data["labels"], epochs)


class _WarmStarted(_Runner):
    """B: one ``partial_fit`` per repetition, from the warm-start state.

    The first ``partial_fit`` (on a 64-sample slice, untimed) creates the model and its Adam
    optimiser; ``prepare()`` then writes the start state into them before each repetition:
    the weights and biases in place into ``coefs_`` and ``intercepts_`` (the optimiser holds
    those very arrays), the moments into ``_optimizer.ms`` and ``.vs`` (coefs first, then
    intercepts: scikit-learn's order) and the step count into ``_optimizer.t``. scikit-learn
    re-seeds its shuffling from ``random_state`` at every call, so every repetition visits
    the same permutation.
    """

    def __init__(self, model, data: dict) -> None:
        self.start = start_state(data)
        super().__init__(model, data["X"], data["labels"], 1, first=64)
        self.prepare()

    def prepare(self) -> None:
        start, model = self.start, self.model
        W, b = start["params"][0::2], start["params"][1::2]
        for dst, src in zip(model.coefs_ + model.intercepts_, W + b):
            dst[...] = src
        opt = model._optimizer
        for name, key in (("ms", "first_moments"), ("vs", "second_moments")):
            setattr(opt, name, [a.copy() for a in start[key][0::2] + start[key][1::2]])
        opt.t = start["count"]


def workload_b(data: dict, batch_size: int, shuffle: bool = True) -> _Runner:
    MLPClassifier = _mlp_classifier()
    model = MLPClassifier(
        hidden_layer_sizes=(256, 256),
        activation="relu",
        solver="adam",
        learning_rate_init=B_LEARNING_RATE,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        alpha=0.0,
        batch_size=batch_size,
        shuffle=shuffle,
        random_state=0,
    )
    return _WarmStarted(model, data)
