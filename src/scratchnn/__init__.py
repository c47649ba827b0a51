"""scratchnn — neural networks from scratch in NumPy.

Peter Roelants' series "How to implement a neural network", built as a small, general
engine (layers, losses, optimisers, a training loop, a gradient checker) with each part of
the series as configuration of it.
"""

from __future__ import annotations

from . import datasets, initializers
from ._version import __version__
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
