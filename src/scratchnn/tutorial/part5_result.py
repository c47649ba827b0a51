"""Part 5's result: everything the run computes, and how it reads (the tutorial's lines)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..gradcheck import GradientCheckReport
from ..network import Sequential
from ._divergence import Divergence, divergence

__all__ = ["Part5Result"]

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _epochs(n: int) -> str:
    return "1 epoch" if n == 1 else f"{n} epochs"


@dataclass
class Part5Result:
    """Everything Part 5 computes.

    Attributes
    ----------
    seed, learning_rate, batch_size, max_epochs, shuffle : the settings used
    patience, early_stopping : int, bool
        The early-stopping settings (see ``tutorial_early_stopping``); with
        ``early_stopping=False`` training runs ``max_epochs``.
    n_train, n_validation, n_test : int
        Sizes of the splits (1078, 359, 360).
    n_batches : int
        Mini-batches per epoch (43).
    gradient_check : GradientCheckReport
    epochs : int
        Epochs run (98 with the defaults).
    stopped_early : bool
    interrupted : bool
        Ctrl-C ended training (the results are those of the last complete update).
    batch_cost : ndarray, shape (epochs * n_batches,)
        Cost of every mini-batch, measured before its update.
    train_cost, validation_cost : ndarray, shape (epochs,)
        Costs on the whole training and validation sets after each epoch (the tutorial's
        lists; ``[0]`` is after epoch 1).
    initial_train_cost, initial_validation_cost : float
        The same before training.
    test_accuracy : float
    confusion_matrix : ndarray of int, shape (10, 10)
        Rows: true label, columns: predicted label.
    y_true, y_pred : ndarray of int, shape (n_test,)
    digit_images : ndarray, shape (10, 8, 8)
        The first ten images of the data set, for the figure.
    network : Sequential
        The trained network (not part of :meth:`to_dict`).
    """

    seed: int
    learning_rate: float
    batch_size: int
    max_epochs: int
    shuffle: bool
    n_train: int
    n_validation: int
    n_test: int
    n_batches: int
    gradient_check: GradientCheckReport
    epochs: int
    stopped_early: bool
    batch_cost: np.ndarray
    train_cost: np.ndarray
    validation_cost: np.ndarray
    initial_train_cost: float
    initial_validation_cost: float
    test_accuracy: float
    confusion_matrix: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    digit_images: np.ndarray
    network: Sequential = field(repr=False)
    patience: int = 2
    early_stopping: bool = True
    interrupted: bool = False

    @property
    def accuracy_line(self) -> str:
        """The tutorial's printed line, e.g. "The accuracy on the test set is 96%"."""
        return f"The accuracy on the test set is {self.test_accuracy:.0%}"

    @property
    def divergence(self) -> Divergence | None:
        """Set when the training cost ended higher than it started (the rule of every
        part)."""
        if not self.train_cost.size:
            return None
        return divergence(
            self.initial_train_cost, self.train_cost[-1], self.learning_rate, "the training cost"
        )

    def confusion_lines(self) -> list[str]:
        """The confusion matrix, one row a line: ``[39,  0, ...]``."""
        width = len(str(int(self.confusion_matrix.max())))
        return [
            "[" + ", ".join(f"{v:>{width}d}" for v in row) + "]" for row in self.confusion_matrix
        ]

    @property
    def stop_reason(self) -> str:
        """Why training ended: ``"early_stopping"``, ``"max_epochs"`` or ``"interrupted"``."""
        if self.interrupted:
            return "interrupted"
        return "early_stopping" if self.stopped_early else "max_epochs"

    def stop_line(self) -> str:
        """Why training ended, in words: ``training stopped after 98 epochs (early stopping:
        the validation cost did not decrease for two epochs in a row)`` with the defaults."""
        reason = self.stop_reason
        if reason == "interrupted":
            return f"training interrupted (Ctrl-C) after {_epochs(self.epochs)}"
        if reason == "early_stopping":
            n = self.patience
            count = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
            when = "in the last epoch" if n == 1 else f"for {count} epochs in a row"
            return (
                f"training stopped after {_epochs(self.epochs)} (early stopping: the validation "
                f"cost did not decrease {when})"
            )
        off = "" if self.early_stopping else " (early stopping off)"
        return f"training ran the maximum of {_epochs(self.epochs)}{off}"

    def lines(self) -> list[str]:
        """The tutorial's printed lines with the training summary and the confusion matrix."""
        stop = self.stop_line()
        return [
            "No gradient errors found" if self.gradient_check.passed else "gradient check FAILED",
            f"data: {self.n_train} training, {self.n_validation} validation, {self.n_test} "
            f"test samples; {self.n_batches} mini-batches per epoch",
            stop,
            f"cost after the last epoch: training {self.train_cost[-1]:.5f}, validation "
            f"{self.validation_cost[-1]:.5f}",
            self.accuracy_line,
            "confusion matrix (rows: true label, columns: predicted label):",
            *self.confusion_lines(),
        ]

    def to_dict(self) -> dict:
        """JSON-ready dict (arrays as lists at full precision)."""
        return {
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "max_epochs": self.max_epochs,
            "shuffle": self.shuffle,
            "n_train": self.n_train,
            "n_validation": self.n_validation,
            "n_test": self.n_test,
            "n_batches": self.n_batches,
            "gradient_check_passed": self.gradient_check.passed,
            "gradient_check_max_abs_error": max(
                c.max_abs_error for c in self.gradient_check.checks
            ),
            "patience": self.patience,
            "early_stopping": self.early_stopping,
            "epochs": self.epochs,
            "stopped_early": self.stopped_early,
            "stop_reason": self.stop_reason,
            "interrupted": self.interrupted,
            "test_accuracy": self.test_accuracy,
            "confusion_matrix": self.confusion_matrix.tolist(),
            "initial_train_cost": self.initial_train_cost,
            "initial_validation_cost": self.initial_validation_cost,
            "train_cost": self.train_cost.tolist(),
            "validation_cost": self.validation_cost.tolist(),
            "batch_cost": self.batch_cost.tolist(),
        }
