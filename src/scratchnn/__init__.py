"""scratchnn — neural networks from scratch in NumPy.

Peter Roelants' series "How to implement a neural network", built as a small, general
engine (layers, losses, optimisers, a training loop, a gradient checker) with each part of
the series as configuration of it.

The names below are loaded on first use (PEP 562, the scientific Python ecosystem's lazy
loading): ``import scratchnn`` itself imports nothing heavy, so the ``scratchnn`` command
can answer Ctrl-C during its start-up with one line instead of a traceback.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

#: Where each public name lives (a module of its own for ``datasets`` and ``initializers``).
_HOME = {
    "datasets": None,
    "initializers": None,
    **dict.fromkeys(
        ["Checkpoint", "CheckpointError", "load", "load_checkpoint", "save"], "checkpoint"
    ),
    "TrainingStep": "executor",
    **dict.fromkeys(
        ["GradientCheckError", "check_gradients", "check_layer", "check_loss"], "gradcheck"
    ),
    **dict.fromkeys(
        [
            "Bias",
            "Dropout",
            "Exp",
            "GaussianRBF",
            "Identity",
            "Layer",
            "Linear",
            "Logistic",
            "ReLU",
            "Softmax",
            "Tanh",
        ],
        "layers",
    ),
    **dict.fromkeys(
        ["MSE", "BinaryCrossEntropy", "CategoricalCrossEntropy", "HalfPoissonDeviance", "Loss"],
        "losses",
    ),
    "Sequential": "network",
    **dict.fromkeys(
        ["Adam", "AdamW", "GradientDescent", "Momentum", "Optimizer", "RMSprop", "chain"],
        "optimizers",
    ),
    **dict.fromkeys(["ClipByGlobalNorm", "WeightDecay"], "regularization"),
    **dict.fromkeys(
        ["Callback", "EarlyStopping", "History", "TrainingDivergedError", "train"], "training"
    ),
}


def __getattr__(name: str) -> Any:
    """Import the home of a public name on first use (PEP 562)."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home = _HOME[name]
    module = importlib.import_module(f".{home or name}", __name__)
    value = module if home is None else getattr(module, name)
    globals()[name] = value  # later uses are plain attribute lookups
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


if TYPE_CHECKING:  # what type checkers and IDEs see: the same names, imported eagerly
    from . import datasets, initializers
    from .checkpoint import Checkpoint, CheckpointError, load, load_checkpoint, save
    from .executor import TrainingStep
    from .gradcheck import GradientCheckError, check_gradients, check_layer, check_loss
    from .layers import (
        Bias,
        Dropout,
        Exp,
        GaussianRBF,
        Identity,
        Layer,
        Linear,
        Logistic,
        ReLU,
        Softmax,
        Tanh,
    )
    from .losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy, HalfPoissonDeviance, Loss
    from .network import Sequential
    from .optimizers import Adam, AdamW, GradientDescent, Momentum, Optimizer, RMSprop, chain
    from .regularization import ClipByGlobalNorm, WeightDecay
    from .training import (
        Callback,
        EarlyStopping,
        History,
        TrainingDivergedError,
        train,
    )

__all__ = [
    "__version__",
    "datasets",
    "initializers",
    "Layer",
    "Linear",
    "Bias",
    "Identity",
    "Logistic",
    "Exp",
    "Softmax",
    "GaussianRBF",
    "Tanh",
    "ReLU",
    "Dropout",
    "Loss",
    "MSE",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "HalfPoissonDeviance",
    "Sequential",
    "Optimizer",
    "GradientDescent",
    "Momentum",
    "RMSprop",
    "Adam",
    "AdamW",
    "History",
    "TrainingDivergedError",
    "train",
    "chain",
    "WeightDecay",
    "ClipByGlobalNorm",
    "TrainingStep",
    "Callback",
    "EarlyStopping",
    "save",
    "load",
    "load_checkpoint",
    "Checkpoint",
    "CheckpointError",
    "GradientCheckError",
    "check_gradients",
    "check_layer",
    "check_loss",
]
