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
   tutorial's early stopping (``tutorial_early_stopping``: stop when more than 3
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

Floating-point differences from the notebook, all without effect on the results: the
engine's softmax subtracts the row maximum before ``exp`` (the notebook's does not); its
gradient check restores each parameter exactly (the notebook's in-place +ε, −2ε, +ε leaves
round-off of about 1e-17); the engine's logistic is the same :math:`1/(1 + e^{-z})`. A
notebook-faithful re-implementation and the engine agree on every per-epoch cost to a
relative 5e-15 and stop at the same epoch. That agreement depends on training being stable:
with learning rates well above the tutorial's (0.5 and more with batches of 50) training is
chaotic, round-off differences of 1e-16 grow about tenfold every ten updates, and the two
implementations part ways within a few epochs (neither is wrong).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import datasets, initializers
from .._validation import check_int, check_real, check_seed
from ..gradcheck import GradientCheckReport, check_gradients
from ..layers import Layer, Linear, Logistic, Softmax
from ..losses import CategoricalCrossEntropy
from ..network import Sequential
from ..optimizers import GradientDescent
from ..plotting import part5 as plots
from ..training import EarlyStopping, History, accuracy, split_batches, train
from ._network_figures import network_figures
from .part5_result import Part5Result

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
    layers: list[Layer] = []
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


def _checked_settings(
    seed: int,
    learning_rate: float,
    batch_size: int,
    max_epochs: int,
    shuffle: bool,
    patience: int,
    early_stopping: bool,
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
        (``tutorial_early_stopping``; 2 is the tutorial's rule).
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
        network,
        loss,
        GradientDescent(settings["learning_rate"]),
        X_train,
        T_train,
        epochs=settings["max_epochs"],
        batch_size=batch_size,
        shuffle=bool(shuffle),
        rng=rng,
        validation_data=(X_val, T_val),
        early_stopping=stopping,
    )
    return _result(settings, splits, report, history, network)


def _result(
    settings: dict,
    splits: dict,
    report: GradientCheckReport,
    history: History,
    network: Sequential,
) -> Part5Result:
    """The run's :class:`Part5Result`: the costs of the history, the test set's accuracy
    and confusion matrix."""
    X_train, _ = splits["train"]
    X_test, T_test = splits["test"]
    y_true = np.argmax(T_test, axis=1)
    y_pred = np.argmax(network.predict(X_test), axis=1)
    return Part5Result(
        **settings,
        n_train=X_train.shape[0],
        n_validation=splits["validation"][0].shape[0],
        n_test=X_test.shape[0],
        n_batches=len(split_batches(X_train.shape[0], settings["batch_size"])),
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
    """The four figures of Part 5 (the last its network), by file name stem."""
    return {
        "part5_digits": plots.digits(result.digit_images),
        "part5_cost": plots.cost_curves(
            result.batch_cost, result.train_cost, result.validation_cost
        ),
        "part5_confusion_table": plots.confusion_table(result.confusion_matrix),
        **network_figures("part5", result.network),
    }
