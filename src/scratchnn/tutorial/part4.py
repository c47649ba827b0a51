"""Part 4 — a vectorised 2-3-2 network (logistic hidden layer, softmax output) with momentum.

Data: two noisy concentric circles (``datasets.circles``, sklearn's ``make_circles`` with
``shuffle=False, factor=0.3, noise=0.1`` from the seeded stream), 50 red stars (class 0,
outer) then 50 blue circles (class 1, inner); one-hot targets ``T`` with column 0 red.

Model and loss, as engine configuration:

.. math::

    H = \\sigma(X W_h + b_h), \\qquad Y = \\mathrm{softmax}(H W_o + b_o), \\qquad
    \\xi = -\\sum_i \\sum_c T_{ic} \\log Y_{ic}

is ``Sequential([Linear(2, 3), Logistic(), Linear(3, 2), Softmax()])`` with
``CategoricalCrossEntropy(reduction="sum")`` (the tutorial's loss is a *sum* over samples).
Backpropagation (the engine's) gives the tutorial's :math:`E_o = Y - T`,
:math:`J_{W_o} = H^\\top E_o`, :math:`J_{b_o} = \\sum_i E_o`,
:math:`E_h = H \\circ (1 - H) \\circ (E_o W_o^\\top)`, :math:`J_{W_h} = X^\\top E_h`,
:math:`J_{b_h} = \\sum_i E_h`.

Procedure, drawing from one ``RandomState(seed)`` in the tutorial's order
(docs/tutorial-notes.md, Part 4):

1. the circles' noise, ``normal(scale=0.1, size=(100, 2))``;
2. ``randn`` × 1 for :math:`b_h` (1×3), :math:`W_h` (2×3), :math:`b_o` (1×2), :math:`W_o` (3×2),
   then the gradient check on all 100 samples, :math:`\\epsilon = 10^{-4}`;
3. the same four draws again × 0.1 (continuing the stream), then 300 iterations of full-batch
   momentum gradient descent, :math:`M \\leftarrow \\lambda M - \\mu J`,
   :math:`\\theta \\leftarrow \\theta + M`, with :math:`\\mu = 0.02`, :math:`\\lambda = 0.9`
   (``GradientDescent(0.02, momentum=0.9)``); the loss is recorded before training and after
   every iteration (301 values).

Text and code of the tutorial disagree in places (docs/tutorial-notes.md, Part 4); scratchnn
follows the code: :math:`b_o` is 1×2 (the text says 2×1; the engine stores biases as vectors of
length ``n_out``), the loss is a sum, the parameters *are* re-drawn after the gradient check
(the comment says they are "already initialized"), and the learning rate is constant (the
notebook's ``lr_update`` is computed but never used).

The tutorial's gradient check perturbs copies of each parameter matrix; the engine's
:func:`~scratchnn.gradcheck.check_gradients` perturbs in place and restores each element
exactly, which is the same computation. The tutorial predicts each grid point of the
decision-boundary figure separately; here the grid is one batch (row-wise, same values).
The trained network reproduces the tutorial's loss curve (69.474 at iteration 0, 0.3808 at
300) and classifies all 100 training samples correctly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from .. import datasets
from .._validation import check_int, check_real, check_seed
from ..gradcheck import GradientCheckReport, check_gradients
from ..layers import Linear, Logistic, Softmax
from ..losses import CategoricalCrossEntropy
from ..network import Sequential
from ..optimizers import GradientDescent
from ..plotting import part4 as plots
from ..training import train
from ._divergence import Divergence, divergence
from ._interrupt import interrupted_line, interruption
from ._network_figures import network_figures

__all__ = [
    "Part4Result",
    "run",
    "figures",
    "build_network",
    "draw_parameters",
    "classification_grid",
    "PARAMETER_NAMES",
]

#: Tutorial names of the network's parameters, in the engine's order ("0.W", "0.b", "2.W", "2.b").
PARAMETER_NAMES = {"0.W": "W_h", "0.b": "b_h", "2.W": "W_o", "2.b": "b_o"}


def build_network() -> Sequential:
    """The 2-3-2 network: Linear(2, 3), Logistic, Linear(3, 2), Softmax (zero parameters)."""
    return Sequential(
        [
            Linear(2, 3, weight_init="zeros"),
            Logistic(),
            Linear(3, 2, weight_init="zeros"),
            Softmax(),
        ]
    )


def draw_parameters(network: Sequential, rng: np.random.RandomState, scale: float) -> None:
    """Set the parameters to ``randn × scale`` in the tutorial's draw order:
    :math:`b_h` (1×3), :math:`W_h` (2×3), :math:`b_o` (1×2), :math:`W_o` (3×2)."""
    hidden, output = network[0].params, network[2].params
    hidden["b"][...] = rng.randn(1, 3)[0] * scale
    hidden["W"][...] = rng.randn(2, 3) * scale
    output["b"][...] = rng.randn(1, 2)[0] * scale
    output["W"][...] = rng.randn(3, 2) * scale


def classification_grid(
    network: Sequential, n: int = 100, limit: float = 2.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The decision-boundary background: ``round(Y[:, 0])`` on an n×n grid over
    :math:`[-\\text{limit}, \\text{limit}]^2`.

    Returns
    -------
    xx, yy : ndarray, shape (n, n)
        ``np.meshgrid`` of ``linspace(-limit, limit, n)``.
    red_predicted : ndarray, shape (n, n)
        1 where class 0 (red) is predicted, else 0.
    """
    xs = np.linspace(-limit, limit, num=n)
    xx, yy = np.meshgrid(xs, xs)
    Y = network.predict(np.column_stack((xx.ravel(), yy.ravel())))
    return xx, yy, np.round(Y[:, 0]).reshape(n, n)


@dataclass
class Part4Result:
    """Everything Part 4 computes.

    Attributes
    ----------
    seed, learning_rate, momentum, iterations : the settings used
    X : ndarray, shape (100, 2)
    labels : ndarray of int, shape (100,)
        0 red (outer circle), 1 blue (inner circle).
    T : ndarray, shape (100, 2)
        One-hot targets.
    gradient_check : GradientCheckReport
        The check at the first (× 1) initialisation.
    loss : ndarray, shape (iterations + 1,)
        Summed cross-entropy before training and after every iteration.
    params : dict of str to ndarray
        Trained ``W_h`` (2, 3), ``b_h`` (3,), ``W_o`` (3, 2), ``b_o`` (2,).
    hidden : ndarray, shape (100, 3)
        Hidden activations :math:`H` of the trained network.
    train_accuracy : float
        Fraction of training samples whose predicted class (argmax of :math:`Y`, i.e. the
        rounded :math:`Y`) is their label.
    network : Sequential
        The trained network (not part of :meth:`to_dict`).
    interrupted : bool
        Ctrl-C ended training early (``loss`` holds the iterations run).
    """

    seed: int
    learning_rate: float
    momentum: float
    iterations: int
    X: np.ndarray
    labels: np.ndarray
    T: np.ndarray
    gradient_check: GradientCheckReport
    loss: np.ndarray
    params: dict[str, np.ndarray]
    hidden: np.ndarray
    train_accuracy: float
    network: Sequential = field(repr=False)
    interrupted: bool = False

    @property
    def gradient_check_max_abs_error(self) -> float:
        return max(c.max_abs_error for c in self.gradient_check.checks)

    @property
    def divergence(self) -> Divergence | None:
        """Set when the loss ended higher than it started (the rule of every part)."""
        return divergence(self.loss[0], self.loss[-1], self.learning_rate)

    def lines(self) -> list[str]:
        """The tutorial's printed lines, then the loss at a few iterations and the accuracy."""
        out = [
            f"shape of X: {self.X.shape}",
            f"shape of T: {self.T.shape}",
            "No gradient errors found" if self.gradient_check.passed else "gradient check FAILED",
            f"{'iteration':>9}  loss",
        ]
        done = self.loss.size - 1
        for k in np.unique(np.linspace(0, done, 7).round().astype(int)):
            out.append(f"{k:>9}  {self.loss[k]:.4f}")
        out.append(f"training accuracy: {self.train_accuracy:.0%}")
        if self.interrupted:
            out.append(interrupted_line(done))
        return out

    def to_dict(self) -> dict:
        """JSON-ready dict (arrays as lists at full precision)."""
        return {
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "momentum": self.momentum,
            "iterations": self.iterations,
            "shape_X": list(self.X.shape),
            "shape_T": list(self.T.shape),
            "gradient_check_passed": self.gradient_check.passed,
            "gradient_check_max_abs_error": self.gradient_check_max_abs_error,
            "loss": self.loss.tolist(),
            "train_accuracy": self.train_accuracy,
            "params": {k: v.tolist() for k, v in self.params.items()},
            "X": self.X.tolist(),
            "labels": self.labels.tolist(),
            **interruption(self.interrupted, self.loss.size - 1),
        }


def run(
    seed: int = 1, learning_rate: float = 0.02, momentum: float = 0.9, iterations: int = 300
) -> Part4Result:
    """Run Part 4 with the tutorial's draws from ``RandomState(seed)`` (see module docs).

    Parameters
    ----------
    seed : int, default 1
        0 to 2**32 - 1.
    learning_rate : float, default 0.02
        :math:`\\mu` > 0.
    momentum : float, default 0.9
        :math:`\\lambda` in [0, 1).
    iterations : int, default 300

    Raises
    ------
    GradientCheckError
        If backpropagation disagrees with finite differences (a ValueError).
    TrainingDivergedError
        If the loss becomes NaN or infinite.
    """
    seed = check_seed(seed)
    learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
    momentum = check_real(momentum, "momentum", "[0, 1)")
    iterations = check_int(iterations, "iterations", low=0)

    rng = np.random.RandomState(seed)
    X, labels = datasets.circles(rng)
    T = datasets.one_hot(labels, 2)

    network = build_network()
    loss = CategoricalCrossEntropy(reduction="sum")
    draw_parameters(network, rng, 1.0)
    report = check_gradients(network, loss, X, T, epsilon=1e-4)

    draw_parameters(network, rng, 0.1)
    history = train(
        network,
        loss,
        GradientDescent(learning_rate, momentum=momentum),
        X,
        T,
        epochs=iterations,
    )

    predicted = np.argmax(network.predict(X), axis=1)
    hidden = Sequential(network.layers[:2]).predict(X)
    return Part4Result(
        seed=seed,
        learning_rate=learning_rate,
        momentum=momentum,
        iterations=iterations,
        X=X,
        labels=labels,
        T=T,
        gradient_check=report,
        loss=np.array(history.train_loss),
        params={PARAMETER_NAMES[n]: p.copy() for n, p in network.named_parameters()},
        hidden=hidden,
        train_accuracy=float(np.mean(predicted == labels)),
        network=network,
        interrupted=history.interrupted,
    )


def figures(result: Part4Result) -> dict[str, Figure]:
    """The six figures of Part 4, by file name stem; the last two draw the network."""
    X, labels = result.X, result.labels
    limit = max(2.0, *np.abs(plots.class_axis(X)))  # the tutorial's ±2, or the samples' view
    return {
        "part4_classes": plots.classes(X, labels),
        "part4_loss": plots.loss_curve(result.loss),
        "part4_decision_boundary": plots.decision_boundary(
            *classification_grid(result.network, limit=limit), X, labels
        ),
        "part4_hidden_projection": plots.hidden_projection(result.hidden, labels),
        **network_figures(
            "part4", result.network, CategoricalCrossEntropy(reduction="sum"), X[0], result.T[0]
        ),
    }
