"""Part 2 — logistic regression on two Gaussian classes (two inputs, no bias).

Model: :math:`y = \\sigma(x w)` with :math:`w = [w_1, w_2]^\\top`, i.e. the engine's
``Sequential([Linear(2, 1, bias=False), Logistic()])``; prediction ``round(y)``. The data
are 20 red stars (class 0) around (−1, 0) drawn first, then 20 blue circles (class 1)
around (1, 0), from ``RandomState(seed)`` (:func:`scratchnn.datasets.two_gaussian_classes`).

Text and code disagree (docs/tutorial-notes.md, Part 2); scratchnn follows the tutorial's
**code**:

* The text's update averages the per-sample gradients; the code computes
  :math:`(y - t)^\\top X`, the **sum** :math:`\\sum_i (y_i - t_i) x_i`, and updates
  :math:`w \\leftarrow w - \\mu \\sum_i (y_i - t_i) x_i` with :math:`\\mu = 0.05` (the same as
  the mean gradient with :math:`\\mu = 0.05 N = 2`). Here that is
  ``BinaryCrossEntropy(reduction="sum")`` with ``GradientDescent(0.05)``: the engine fuses
  the logistic output with the cross-entropy, so the gradient at the pre-activation is
  :math:`y - t` and the ``Linear`` layer's weight gradient is :math:`X^\\top (y - t)`.
* The loss the tutorial plots and reports is the **mean** cross-entropy
  :math:`-\\frac1N \\sum_i [t_i \\log y_i + (1 - t_i) \\log(1 - y_i)]`. The training history
  records the summed loss (the one the gradient belongs to); ``loss`` here is that sum
  divided by :math:`N` at every iterate — exactly what ``BinaryCrossEntropy("mean")`` gives
  on the recorded weights, without a second pass.
* The text names the weights both :math:`[w_a, w_b]` and :math:`w_1, w_2`; scratchnn uses
  :math:`w_1, w_2`, as the figures do.

With the defaults (seed 1, :math:`\\mu = 0.05`, 10 iterations from :math:`w(0) = [-4, -2]`),
the final weights are about [1.8313, 0.8100], and the tutorial's claim holds: 2 blue
circles are classified as red stars and 4 red stars as blue circles.

Figures: the classes; the mean cross-entropy over
``w1, w2 ∈ linspace(-5, 5, 25)`` as 20 filled viridis contours; the first three updates on
it; the rounded prediction on a 100×100 grid over [−4, 4]². When the plotted updates leave
[−5, 5]² (other seeds or learning rates), the path figure's grid is widened to contain
them (with more grid points); the plain surface figure always shows the tutorial's grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from .. import datasets
from .._validation import as_float_array, check_int, check_real, check_seed
from ..layers import Linear, Logistic
from ..losses import BinaryCrossEntropy
from ..network import Sequential
from ..optimizers import GradientDescent
from ..plotting import part2 as plots
from ..training import TrainingDivergedError, train
from ._interrupt import interrupted_line, interruption
from ._network_figures import network_figures
from ._trace import IterateTrace, TracedRun, thinned_note

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "Part2Result",
    "run",
    "figures",
    "build_network",
    "loss_surface",
    "classify_grid",
    "misclassification_line",
]

#: Surface grid of the tutorial: ``linspace(-5, 5, 25)`` for both weights.
SURFACE_LIMIT, SURFACE_POINTS = 5.0, 25
#: Decision-boundary grid of the tutorial: 100×100 over [-4, 4]².
BOUNDARY_LIMIT, BOUNDARY_POINTS = 4.0, 100
#: Number of updates drawn on the loss surface.
PLOTTED_UPDATES = 3


def build_network(w: ArrayLike) -> Sequential:
    """The Part 2 model :math:`y = \\sigma(x w)` with weights ``w`` (two numbers).

    Returns
    -------
    Sequential
        ``[Linear(2, 1, bias=False), Logistic()]`` with ``W[:, 0] = w``.
    """
    w = as_float_array(w, "w", ndim=1)
    if w.shape != (2,):
        raise ValueError(f"w must hold 2 weights, got shape {w.shape}")
    network = Sequential([Linear(2, 1, bias=False), Logistic()])
    network[0].params["W"][:, 0] = w
    return network


def loss_surface(X: np.ndarray, t: np.ndarray, w1s: np.ndarray, w2s: np.ndarray) -> np.ndarray:
    """Mean binary cross-entropy of the model at every grid point.

    All grid points are evaluated in one forward pass of a wide copy of the model,
    ``[Linear(2, G, bias=False), Logistic()]`` with ``G = len(w1s) * len(w2s)``: output
    column ``k`` is the Part 2 model with the ``k``-th weight vector.

    Parameters
    ----------
    X : ndarray, shape (N, 2)
    t : ndarray, shape (N, 1)
    w1s : ndarray, shape (n1,)
    w2s : ndarray, shape (n2,)

    Returns
    -------
    ndarray, shape (n2, n1)
        Entry ``[i, j]`` is the loss at :math:`w = [w1s_j, w2s_i]` (``np.meshgrid`` order).
    """
    W1, W2 = np.meshgrid(w1s, w2s)
    g = W1.size
    grid = Sequential([Linear(2, g, bias=False, weight_init="zeros"), Logistic()])
    grid[0].params["W"][...] = np.vstack((W1.ravel(), W2.ravel()))
    Y = grid.predict(X)  # (N, G)
    loss = BinaryCrossEntropy("mean")
    values = [loss.value(Y[:, k : k + 1], t) for k in range(g)]
    return np.array(values).reshape(W1.shape)


def classify_grid(w: ArrayLike, xs1: np.ndarray, xs2: np.ndarray) -> np.ndarray:
    """Predicted class ``round(y)`` at every point of the grid ``xs1 × xs2``.

    The tutorial predicts each grid point separately; one batch gives the same values.

    Returns
    -------
    ndarray, shape (len(xs2), len(xs1))
        0 (red star) or 1 (blue circle) at :math:`[xs1_j, xs2_i]`.
    """
    XX, YY = np.meshgrid(xs1, xs2)
    points = np.column_stack((XX.ravel(), YY.ravel()))
    return np.round(build_network(w).predict(points)).reshape(XX.shape)


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def misclassification_line(blue_as_red: int, red_as_blue: int) -> str:
    """``"2 blue circles misclassified as red stars, 4 red stars misclassified as blue circles"``."""
    return (
        f"{_count(blue_as_red, 'blue circle', 'blue circles')} misclassified as "
        f"{'a red star' if blue_as_red == 1 else 'red stars'}, "
        f"{_count(red_as_blue, 'red star', 'red stars')} misclassified as "
        f"{'a blue circle' if red_as_blue == 1 else 'blue circles'}"
    )


@dataclass
class Part2Result(TracedRun):
    """Everything Part 2 computes.

    Attributes
    ----------
    seed, learning_rate, iterations : the settings used
    X : ndarray, shape (40, 2)
        Red samples (rows 0–19), then blue samples.
    t : ndarray, shape (40, 1)
        0 for red, 1 for blue.
    iteration : ndarray of int, shape (n_kept,)
        The iterations kept: every one (0 to ``iterations``) of a run of up to 1,000
        iterations; of a longer run the first 100 and then evenly spaced ones, and always
        the last one run.
    w : ndarray, shape (n_kept, 2)
        :math:`[w_1, w_2]` at those iterations, the start first.
    loss : ndarray, shape (n_kept,)
        Mean cross-entropy at those iterations.
    predictions : ndarray of int, shape (40,)
        ``round(y)`` with the final weights.
    blue_misclassified : int
        Blue circles (t = 1) predicted as red stars.
    red_misclassified : int
        Red stars (t = 0) predicted as blue circles.
    interrupted : bool
        Ctrl-C ended training early (``w`` and ``loss`` hold the iterations run).
    """

    seed: int
    learning_rate: float
    iterations: int
    X: np.ndarray
    t: np.ndarray
    iteration: np.ndarray
    w: np.ndarray
    loss: np.ndarray
    predictions: np.ndarray
    blue_misclassified: int
    red_misclassified: int
    interrupted: bool = False

    @property
    def x_red(self) -> np.ndarray:
        return self.X[self.t[:, 0] == 0]

    @property
    def x_blue(self) -> np.ndarray:
        return self.X[self.t[:, 0] == 1]

    def lines(self) -> list[str]:
        """The iterate table, the final weights and the misclassification counts."""
        out = [
            f"w({k}): [{w1:.4f}, {w2:.4f}] \t loss: {c:.4f}"
            for k, (w1, w2), c in zip(self.iteration, self.w, self.loss)
        ]
        out += thinned_note(self.iteration, self.iterations)
        w1, w2 = self.w[-1]
        out += [
            f"final weights: w = [{w1:.4f}, {w2:.4f}]",
            misclassification_line(self.blue_misclassified, self.red_misclassified),
            f"(loss: mean cross-entropy; update: summed gradient, w <- w - "
            f"{self.learning_rate:g} * sum_i (y_i - t_i) x_i)",
        ]
        if self.interrupted:
            out.append(interrupted_line(self.iterations_run))
        return out

    def to_dict(self) -> dict:
        """JSON-ready dict (arrays as nested lists of floats)."""
        return {
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "iterations": self.iterations,
            "iteration": self.iteration.tolist(),
            "w": self.w.tolist(),
            "loss": self.loss.tolist(),
            "blue_misclassified": self.blue_misclassified,
            "red_misclassified": self.red_misclassified,
            "predictions": self.predictions.tolist(),
            "X": self.X.tolist(),
            "t": self.t[:, 0].tolist(),
            **interruption(self.interrupted, self.iterations_run),
        }


def run(
    seed: int = 1,
    learning_rate: float = 0.05,
    iterations: int = 10,
    w0: ArrayLike = (-4.0, -2.0),
) -> Part2Result:
    """Run Part 2: draw the classes from ``RandomState(seed)`` and fit by gradient descent
    on the summed cross-entropy.

    Raises
    ------
    ValueError, TypeError
        For a bad seed (not in [0, 2**32 − 1]), learning rate (not > 0), iteration count
        (not >= 0) or start ``w0``.
    TrainingDivergedError
        When the loss or the weights stop being finite.
    """
    seed = check_seed(seed)
    learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
    iterations = check_int(iterations, "iterations", low=0)
    network = build_network(w0)

    X, t = datasets.two_gaussian_classes(np.random.RandomState(seed))
    trace = IterateTrace(iterations, scale=1 / X.shape[0])  # the mean of the summed loss
    history = train(
        network,
        BinaryCrossEntropy(reduction="sum"),
        GradientDescent(learning_rate),
        X,
        t,
        epochs=iterations,
        callbacks=[trace],
    )
    if trace.nonfinite_at is not None:
        raise TrainingDivergedError(
            f"the weights became non-finite at iteration {trace.nonfinite_at}: gradient "
            f"descent diverged (learning rate {learning_rate:g} is too high)",
            trace.nonfinite_at,
            0,
            history,
        )
    kept, loss = trace.arrays()
    w = np.array([p["0.W"][:, 0] for p in trace.params])
    with np.errstate(over="ignore", invalid="ignore"):  # only for absurdly large weights
        predictions = np.round(network.predict(X))[:, 0].astype(int)
    targets = t[:, 0].astype(int)
    return Part2Result(
        seed=seed,
        learning_rate=learning_rate,
        iterations=iterations,
        X=X,
        t=t,
        iteration=kept,
        w=w,
        loss=loss,
        predictions=predictions,
        blue_misclassified=int(np.sum((targets == 1) & (predictions == 0))),
        red_misclassified=int(np.sum((targets == 0) & (predictions == 1))),
        interrupted=history.interrupted,
    )


def _path_grid(w_path: np.ndarray) -> np.ndarray:
    """The tutorial's weight grid, widened (with up to 101 points) when the plotted
    iterates fall outside it."""
    reach = float(np.max(np.abs(w_path))) if w_path.size else 0.0
    if reach <= SURFACE_LIMIT:
        return np.linspace(-SURFACE_LIMIT, SURFACE_LIMIT, SURFACE_POINTS)
    limit = min(float(np.ceil(reach + 0.5)), 1e6)
    points = min(101, int(SURFACE_POINTS * limit / SURFACE_LIMIT))
    return np.linspace(-limit, limit, points)


def figures(result: Part2Result) -> dict[str, Figure]:
    """The five figures of Part 2 (the last its network), by file name stem."""
    # Absurdly large weights (huge learning rates) overflow x w to inf; the logistic's
    # limits 0 and 1 are then the right values, not worth a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        return _figures(result)


def _figures(result: Part2Result) -> dict[str, Figure]:
    X, t = result.X, result.t
    ws = np.linspace(-SURFACE_LIMIT, SURFACE_LIMIT, SURFACE_POINTS)
    surface = loss_surface(X, t, ws, ws)
    path = result.w[: PLOTTED_UPDATES + 1]
    path_ws = _path_grid(path)
    path_surface = surface if path_ws[-1] == ws[-1] else loss_surface(X, t, path_ws, path_ws)
    x1_min, x1_max, x2_min, x2_max = plots.class_axis(X)
    limit = max(BOUNDARY_LIMIT, -x1_min, x1_max, -x2_min, x2_max)  # the tutorial's ±4 or wider
    xs = np.linspace(-limit, limit, BOUNDARY_POINTS)
    plane = classify_grid(result.w[-1], xs, xs)
    return {
        "part2_classes": plots.classes(result.x_red, result.x_blue),
        "part2_loss_surface": plots.loss_surface(ws, ws, surface),
        "part2_gradient_descent": plots.gradient_descent_path(
            path_ws, path_ws, path_surface, path, PLOTTED_UPDATES
        ),
        "part2_decision_boundary": plots.decision_boundary(
            xs, xs, plane, result.x_red, result.x_blue
        ),
        **network_figures("part2", build_network(result.w[-1])),
    }
