"""Part 5 — a 64-20-20-10 digits classifier trained by mini-batch gradient descent.

Data: scikit-learn's 1797 8×8 digits (64 features, pixel values 0–16, **not** normalised,
as in the tutorial), one-hot targets, split 1078 train / 359 validation / 360 test by the
tutorial's two ``train_test_split`` calls (``datasets.digits_splits``).

Model and loss, as engine configuration:

.. math::

    H_1 = \\sigma(X W_1 + b_1), \\quad H_2 = \\sigma(H_1 W_2 + b_2), \\quad
    Y = \\mathrm{softmax}(H_2 W_3 + b_3), \\quad
    \\xi = -\\frac{1}{N} \\sum_i \\sum_c T_{ic} \\log Y_{ic}

is ``Sequential([Linear(64, 20), Logistic(), Linear(20, 20), Logistic(), Linear(20, 10),
Softmax()])`` (1930 parameters) with ``CategoricalCrossEntropy()`` (mean over samples).

Procedure, drawing from one ``RandomState(seed)`` in the tutorial's order
(docs/tutorial-notes.md, Part 5):

1. ``permutation(1797)`` and ``permutation(719)`` for the splits;
2. the weights ``randn × 0.1`` in construction order, 64×20, 20×20, 20×10
   (``initializers.normal(0.1)``); biases zero;
3. the gradient check on the first 10 training samples, :math:`\\epsilon = 10^{-4}`;
4. training with ``GradientDescent(0.1)`` on ``1078 // 25 = 43`` fixed mini-batches
   (``np.array_split``: 3 of 26, then 40 of 25; ``shuffle=False``), visited in the same order
   every epoch, at most 300 epochs, with the validation cost after every epoch and the
   tutorial's early stopping (:func:`tutorial_early_stopping`: stop when more than 3
   epochs ran and the last three validation costs never decrease);
5. test accuracy and confusion matrix from the argmax of the network output (counted with
   NumPy; the same as the tutorial's ``sklearn.metrics`` calls).

With the defaults this reproduces the tutorial exactly: "No gradient errors found", 98
epochs, first mini-batch cost 2.3053, costs after epoch 1 2.2808 (train) / 2.2870
(validation), final 0.03415 / 0.25836, all 100 cells of the confusion matrix and "The
accuracy on the test set is 96%" (344 of 360, 0.95556).

Text and code of the tutorial disagree in places (docs/tutorial-notes.md, Part 5); scratchnn
follows the code: the cost is the mean *cross-entropy* (the text says mean squared error);
early stopping needs two consecutive non-decreasing validation costs (the text says "doesn't
increase after three full iterations"); training stops after 98 epochs (the text says "around
90"); the "stochastic" gradient descent uses fixed, never reshuffled batches (``shuffle=True``
is an option here: the batches are then re-drawn each epoch from the same ``RandomState``,
after the weight draws).

Floating-point differences from the notebook change no result: the engine's softmax
subtracts the row maximum, and its gradient check restores each parameter exactly. A
notebook-faithful re-implementation and the engine agree on every per-epoch cost to a
relative 5e-15 while training is stable (well above the tutorial's learning rate it is
chaotic, and round-off grows until the two part ways; neither is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from .. import datasets, initializers
from .._validation import check_int, check_real, check_seed
from ..gradcheck import GradientCheckReport, check_gradients
from ..layers import Linear, Logistic, Softmax
from ..losses import CategoricalCrossEntropy
from ..network import Sequential
from ..optimizers import GradientDescent
from ..plotting import part5 as plots
from ..training import EarlyStopping, accuracy, split_batches, train
from ._divergence import Divergence, divergence

__all__ = ["Part5Result", "run", "figures", "build_network", "confusion_matrix", "LAYER_SIZES"]

#: Units per layer: 64 inputs, two hidden layers of 20, 10 classes.
LAYER_SIZES = (64, 20, 20, 10)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true, predicted) label pairs: row = true label, column = predicted label
    (what ``sklearn.metrics.confusion_matrix`` returns for labels ``0 … n_classes - 1``).

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape (N,)
        Labels in ``0 … n_classes - 1``.

    Returns
    -------
    ndarray of int, shape (n_classes, n_classes)
    """
    pairs = np.asarray(y_true) * n_classes + np.asarray(y_pred)
    return np.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def build_network(rng: np.random.RandomState, scale: float = 0.1) -> Sequential:
    """The 64-20-20-10 network; weights ``randn × scale`` drawn from ``rng`` in construction
    order, biases zero."""
    init = initializers.normal(scale)
    layers = []
    sizes = LAYER_SIZES
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, weight_init=init, rng=rng))
        layers.append(Softmax() if i == len(sizes) - 2 else Logistic())
    return Sequential(layers)


def tutorial_early_stopping(patience: int = 2) -> EarlyStopping:
    """The series' rule as configuration of :class:`~scratchnn.training.EarlyStopping`.

    The tutorial stops once more than three validation costs exist (epoch 4 on) and the
    last three never decrease, :math:`v_e \\ge v_{e-1} \\ge v_{e-2}`: two epochs in a row
    that do not improve on the *previous* epoch; the last weights are kept.

    ``patience`` generalises the two: stop once more than ``patience + 1`` validation costs
    exist and the last ``patience + 1`` never decrease (``patience`` epochs in a row without
    a decrease); 2 is the tutorial's rule.
    """
    patience = check_int(patience, "patience", low=1)
    return EarlyStopping(
        "validation_loss",
        patience=patience,
        compare="previous",
        min_epochs=patience + 2,
        restore_best=False,
    )


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
        The early-stopping settings (see :func:`tutorial_early_stopping`); with
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


def _checked_settings(
    seed, learning_rate, batch_size, max_epochs, shuffle, patience, early_stopping
) -> dict:
    """The settings of :func:`run`, checked (a ValueError or TypeError naming the bad one)."""
    for name, flag in (("shuffle", shuffle), ("early_stopping", early_stopping)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be a bool, got {flag!r}")
    return {
        "seed": check_seed(seed),
        "learning_rate": check_real(learning_rate, "learning_rate", "(0, inf)"),
        "batch_size": check_int(batch_size, "batch_size", low=1),
        "max_epochs": check_int(max_epochs, "max_epochs", low=1),
        "shuffle": bool(shuffle),
        "patience": check_int(patience, "patience", low=1),
        "early_stopping": bool(early_stopping),
    }


def run(
    seed: int = 1,
    learning_rate: float = 0.1,
    batch_size: int = 25,
    max_epochs: int = 300,
    shuffle: bool = False,
    patience: int = 2,
    early_stopping: bool = True,
) -> Part5Result:
    """Run Part 5 with the tutorial's draws from ``RandomState(seed)`` (see module docs).

    Parameters
    ----------
    seed : int, default 1
        0 to 2**32 - 1.
    learning_rate : float, default 0.1
    batch_size : int, default 25
        ``1078 // batch_size`` mini-batches per epoch (at least one).
    max_epochs : int, default 300
        Training stops earlier by the tutorial's early-stopping rule.
    shuffle : bool, default False
        Re-draw the mini-batches every epoch (the tutorial's batches are fixed).
    patience : int, default 2
        Stop after this many epochs in a row whose validation cost does not decrease
        (:func:`tutorial_early_stopping`; 2 is the tutorial's rule).
    early_stopping : bool, default True
        False: no early stopping, train ``max_epochs``.

    Raises
    ------
    GradientCheckError
        If backpropagation disagrees with finite differences (a ValueError).
    TrainingDivergedError
        If a cost becomes NaN or infinite.
    """
    settings = _checked_settings(
        seed, learning_rate, batch_size, max_epochs, shuffle, patience, early_stopping
    )
    seed, batch_size = settings["seed"], settings["batch_size"]
    stopping = tutorial_early_stopping(patience) if early_stopping else None

    rng = np.random.RandomState(seed)
    splits = datasets.digits_splits(rng)
    X_train, T_train = splits["train"]
    X_val, T_val = splits["validation"]
    X_test, T_test = splits["test"]

    network = build_network(rng)
    loss = CategoricalCrossEntropy(reduction="mean")
    report = check_gradients(network, loss, X_train[:10], T_train[:10], epsilon=1e-4)

    history = train(
        network, loss, GradientDescent(settings["learning_rate"]), X_train, T_train,
        epochs=settings["max_epochs"], batch_size=batch_size, shuffle=bool(shuffle), rng=rng,
        validation_data=(X_val, T_val), early_stopping=stopping,
    )  # fmt: skip
    y_true = np.argmax(T_test, axis=1)
    y_pred = np.argmax(network.predict(X_test), axis=1)
    return Part5Result(
        **settings,
        n_train=X_train.shape[0],
        n_validation=X_val.shape[0],
        n_test=X_test.shape[0],
        n_batches=len(split_batches(X_train.shape[0], batch_size)),
        gradient_check=report,
        epochs=history.epochs,
        stopped_early=history.stopped_early,
        batch_cost=np.array(history.batch_loss),
        train_cost=np.array(history.train_loss[1:]),
        validation_cost=np.array(history.validation_loss[1:]),
        initial_train_cost=history.train_loss[0],
        initial_validation_cost=history.validation_loss[0],
        test_accuracy=accuracy(network.predict(X_test), T_test),
        confusion_matrix=confusion_matrix(y_true, y_pred, 10),
        y_true=y_true,
        y_pred=y_pred,
        digit_images=datasets.load_digits()[2][:10],
        network=network,
        interrupted=history.interrupted,
    )


def figures(result: Part5Result) -> dict[str, Figure]:
    """The three figures of Part 5, by file name stem."""
    return {
        "part5_digits": plots.digits(result.digit_images),
        "part5_cost": plots.cost_curves(
            result.batch_cost, result.train_cost, result.validation_cost
        ),
        "part5_confusion_table": plots.confusion_table(result.confusion_matrix),
    }
