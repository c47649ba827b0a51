"""Training: the loop (:func:`train`), its history, callbacks, metrics and batches; the
whole-data objective of a flat parameter vector (:class:`FlatObjective`)."""

from .batches import EpochBatches, split_batches
from .callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    FunctionCallback,
    TrainingContext,
)
from .history import History, TrainingDivergedError
from .loop import train
from .metrics import METRICS, accuracy
from .progress import ProgressBar
from .reference_step import ReferenceStep
from .scipy_objective import FlatObjective

__all__ = [
    "History",
    "TrainingDivergedError",
    "TrainingContext",
    "Callback",
    "CallbackList",
    "FunctionCallback",
    "EarlyStopping",
    "ProgressBar",
    "METRICS",
    "accuracy",
    "train",
    "ReferenceStep",
    "split_batches",
    "EpochBatches",
    "FlatObjective",
]
