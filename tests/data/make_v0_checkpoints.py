"""Write the "v0" checkpoints of tests/test_checkpoint_compat.py with the OLD engine.

The files in this folder named ``v0_*.npz`` were written by scratchnn as it was before the
engine redesign (commit 8dab1eb: optimisers with in-place ``_update`` and a side-effecting
``init``, one ``training.py``, one ``estimators.py``). They check that checkpoints written
then still load, predict and resume training with the current code.

Run it with the old code on the path, from the repository root::

    git worktree add /tmp/old 8dab1eb
    PYTHONPATH=/tmp/old/src python tests/data/make_v0_checkpoints.py

It refuses to run with the current engine (the files would then prove nothing). It writes

``v0_adam.npz``
    ``Linear(4, 5) + Tanh + Linear(5, 3) + Softmax``, ``CategoricalCrossEntropy``, after six
    ``Adam(0.01)`` steps (two epochs of batches of 4), saved with loss and optimiser.
``v0_dropout_bias.npz``
    ``Linear(4, 5, bias=False) + Bias(5) + Tanh + Dropout(0.3) + Linear(5, 3) + Softmax``,
    after six ``Adam(0.01)`` steps, saved with loss and optimiser.
``v0_momentum.npz``
    The first network, after six ``GradientDescent(0.1, momentum=0.9)`` steps.
``v0_mlp_classifier.npz``
    ``scratchnn.estimators.MLPClassifier((5,), max_iter=5, random_state=0)`` fitted on 30
    samples with string labels, written by its ``save``.
``v0_reference.npz``
    What the old code computed, for the tests to compare with (plain arrays, no pickle):
    ``data.X``, ``data.T`` (the training data), ``data.X_new`` (a fixed input), and for each
    network case ``<case>.predictions`` (``predict(data.X_new)``), ``<case>.step_count``,
    ``<case>.<buffer>.<k>`` (the optimiser's state as saved) and ``<case>.continued.<k>``
    (the parameters after one more full-batch ``train`` epoch on ``data.X, data.T`` with the
    old optimiser, not saved in the checkpoint; Dropout masks drawn from
    ``numpy.random.default_rng(7)``); for the estimator ``estimator.X``,
    ``estimator.labels``, ``estimator.proba``, ``estimator.loss_curve`` and
    ``estimator.n_iter``.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

import scratchnn
from scratchnn import (
    Adam,
    Bias,
    CategoricalCrossEntropy,
    Dropout,
    GradientDescent,
    Linear,
    Sequential,
    Softmax,
    Tanh,
    save,
    train,
)

HERE = Path(__file__).resolve().parent
#: The seed of the Dropout masks of the continued epoch.
DROPOUT_SEED = 7
METADATA = {"written_by": "scratchnn before the engine redesign (commit 8dab1eb)"}


def _small_network() -> Sequential:
    return Sequential([Linear(4, 5, rng=0), Tanh(), Linear(5, 3, rng=1), Softmax()])


def _dropout_bias_network() -> Sequential:
    return Sequential(
        [
            Linear(4, 5, bias=False, rng=2),
            Bias(5),
            Tanh(),
            Dropout(0.3, rng=3),
            Linear(5, 3, rng=4),
            Softmax(),
        ]
    )


def _network_case(name, network, optimizer, data, reference) -> None:
    """Train, save, record what the old code computes, then continue one epoch."""
    X, T, X_new = data
    loss = CategoricalCrossEntropy()
    train(network, loss, optimizer, X, T, epochs=2, batch_size=4)
    save(network, HERE / f"v0_{name}.npz", loss=loss, optimizer=optimizer, metadata=METADATA)
    reference[f"{name}.predictions"] = network.predict(X_new)
    state = optimizer.get_state()
    reference[f"{name}.step_count"] = np.array(state["step_count"])
    for buffer, values in state["buffers"].items():
        for k, value in enumerate(values):
            reference[f"{name}.{buffer}.{k}"] = np.array(value)
    for layer in network.layers:  # masks the test can draw again
        if isinstance(layer, Dropout):
            layer.rng = np.random.default_rng(DROPOUT_SEED)
    train(network, loss, optimizer, X, T, epochs=1)  # one more full-batch step
    for k, param in enumerate(network.parameters()):
        reference[f"{name}.continued.{k}"] = np.array(param)


def _estimator_case(reference) -> None:
    from scratchnn.estimators import MLPClassifier

    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 4))
    y = np.array(["ant", "bee", "cat"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after 5 iterations
        model = MLPClassifier((5,), max_iter=5, random_state=0).fit(X, y)
    model.save(HERE / "v0_mlp_classifier.npz")
    X_new = rng.normal(size=(8, 4))
    reference["estimator.X"] = X_new
    reference["estimator.labels"] = model.predict(X_new).astype(str)
    reference["estimator.proba"] = model.predict_proba(X_new)
    reference["estimator.loss_curve"] = np.array(model.loss_curve_)
    reference["estimator.n_iter"] = np.array(model.n_iter_)


def main() -> None:
    if not hasattr(scratchnn.optimizers.Optimizer, "_update"):
        sys.exit(
            "make_v0_checkpoints.py must run with the engine before the redesign: "
            "PYTHONPATH=<a checkout of 8dab1eb>/src"
        )
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 4))
    T = np.eye(3)[rng.integers(0, 3, 12)]
    X_new = rng.normal(size=(6, 4))
    reference = {"data.X": X, "data.T": T, "data.X_new": X_new}
    data = (X, T, X_new)
    _network_case("adam", _small_network(), Adam(0.01), data, reference)
    _network_case("dropout_bias", _dropout_bias_network(), Adam(0.01), data, reference)
    momentum = GradientDescent(0.1, momentum=0.9)
    _network_case("momentum", _small_network(), momentum, data, reference)
    _estimator_case(reference)
    with open(HERE / "v0_reference.npz", "wb") as f:
        np.savez(f, **reference)
    for path in sorted(HERE.glob("v0_*.npz")):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
