"""Part 1 — gradient descent on 1-D linear regression.

The model is the engine's ``Linear(1, 1, bias=False)`` (:math:`y = x w`), the loss the
engine's ``MSE()`` (mean), the optimiser ``GradientDescent(0.9)``, trained full-batch for
4 iterations; then a second run of 10 iterations from a new random start draws the fitted
line.

The tutorial's text and code disagree in places (docs/tutorial-notes.md, Part 1); scratchnn
follows the code: the noise has *standard deviation* 0.2 (the text says variance), and the
gradient is the *mean* of the per-sample gradients (the text says they are added up).

Two numbers a learner also wants:

* the least-squares optimum :math:`w^* = \\sum x t / \\sum x^2`, which GD approaches;
* the critical learning rate :math:`\\mu_c = 1 / \\overline{x^2}`. The loss
  :math:`\\xi(w) = \\overline{(xw - t)^2}` has curvature :math:`\\xi'' = 2\\overline{x^2}`, and
  gradient descent on a quadratic diverges when :math:`\\mu > 2/\\xi''`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from matplotlib.figure import Figure

from .. import datasets
from .._validation import check_int, check_real, check_seed
from ..layers import Linear
from ..losses import MSE
from ..network import Sequential
from ..optimizers import GradientDescent
from ..plotting import cover
from ..plotting import part1 as plots
from ..training import TrainingDivergedError, train
from ._divergence import Divergence, divergence
from ._interrupt import interrupted_line, interruption
from ._network_figures import network_figures
from ._trace import IterateTrace, TracedRun, thinned_note

__all__ = ["Part1Result", "run", "gradient_descent", "figures", "critical_learning_rate"]


@dataclass
class Part1Result(TracedRun):
    """Everything Part 1 computes.

    Attributes
    ----------
    seed, learning_rate, iterations : the settings used
    x, t : ndarray, shape (20,)
        Inputs and targets.
    iteration : ndarray of int, shape (n_kept,)
        The iterations kept: every one (0 to ``iterations``) of a run of up to 1,000
        iterations; of a longer run the first 100 and then evenly spaced ones, and always
        the last one run (the table and the figures need no more).
    w, loss : ndarray, shape (n_kept,)
        Weight and loss at those iterations, the initial state first.
    fit_w, fit_loss : ndarray, shape (fit_iterations + 1,)
        The second run, used for the fitted-line figure.
    least_squares_w : float
        :math:`\\sum x t / \\sum x^2`.
    critical_learning_rate : float
        :math:`1 / \\overline{x^2}`; gradient descent diverges above it.
    interrupted : bool
        Ctrl-C ended a run early: ``w`` and ``loss`` hold the iterations run (when the first
        run was cut short the second is skipped: ``fit_w``, ``fit_loss`` hold its start).
    """

    seed: int
    learning_rate: float
    iterations: int
    x: np.ndarray
    t: np.ndarray
    iteration: np.ndarray
    w: np.ndarray
    loss: np.ndarray
    fit_w: np.ndarray
    fit_loss: np.ndarray
    least_squares_w: float
    critical_learning_rate: float
    interrupted: bool = False

    @property
    def above_critical(self) -> bool:
        """Whether the learning rate is above the critical one (gradient descent diverges)."""
        return self.learning_rate > self.critical_learning_rate

    @property
    def divergence(self) -> Divergence | None:
        """Set when the loss ended higher than it started (the rule of every part); here it
        happens exactly when the learning rate is above the critical one."""
        reason = (
            f"learning rate {self.learning_rate:g} is above the critical learning rate "
            f"{self.critical_learning_rate:.4f} of this data"
            if self.above_critical
            else None
        )
        return divergence(self.loss[0], self.loss[-1], self.learning_rate, reason=reason)

    def table(self) -> str:
        """The tutorial's printed table: ``w(k): 0.1380 \\t loss: 1.3710`` per kept
        iteration, and a note under a thinned one."""
        rows = [
            f"w({k}): {w:.4f} \t loss: {c:.4f}"
            for k, w, c in zip(self.iteration, self.w, self.loss)
        ]
        return "\n".join(rows + thinned_note(self.iteration, self.iterations))

    def lines(self) -> list[str]:
        """What ``scratchnn part1`` prints: the table, then the least-squares slope and the
        critical learning rate."""
        return [
            *self.table().split("\n"),
            f"least-squares w: {self.least_squares_w:.4f} (sum(x*t) / sum(x^2))",
            f"critical learning rate: {self.critical_learning_rate:.4f} (1 / mean(x^2); "
            "gradient descent diverges above it)",
            *([interrupted_line(self.iterations_run)] if self.interrupted else []),
        ]

    def to_dict(self) -> dict:
        """JSON-ready dict: arrays as lists of floats at full precision."""
        return {
            **{
                k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()
            },
            **interruption(self.interrupted, self.iterations_run),
        }


def critical_learning_rate(x: np.ndarray) -> float:
    """The learning rate above which gradient descent on the mean squared error of
    :math:`y = x w` diverges: :math:`1 / \\overline{x^2}`."""
    return float(1.0 / np.mean(np.square(x)))


def gradient_descent(
    x: np.ndarray, t: np.ndarray, w0: float, learning_rate: float, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fit :math:`y = x w` by full-batch gradient descent on the mean squared error.

    Returns the weight and the loss at every iteration, the initial state first
    (two arrays of ``iterations + 1`` values; fewer when Ctrl-C ended it).
    """
    _, w, loss, _ = _descend(x, t, w0, learning_rate, iterations, thin=False)
    return w, loss


def _descend(
    x: np.ndarray,
    t: np.ndarray,
    w0: float,
    learning_rate: float,
    iterations: int,
    thin: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """The kept iterations (:class:`IterateTrace`), their weights and losses, and whether
    Ctrl-C ended the run early."""
    network = Sequential([Linear(1, 1, bias=False, dtype=np.asarray(x).dtype)])
    network[0].params["W"][...] = w0
    trace = IterateTrace(iterations, thin=thin)
    history = train(
        network,
        MSE(),
        GradientDescent(learning_rate),
        x[:, None],
        t[:, None],
        epochs=iterations,
        callbacks=[trace],
    )
    kept, loss = trace.arrays()
    w = np.array([p["0.W"][0, 0] for p in trace.params])
    return kept, w, loss, history.interrupted


def run(
    seed: int = 13, learning_rate: float = 0.9, iterations: int = 4, fit_iterations: int = 10
) -> Part1Result:
    """Run Part 1 with the tutorial's draws from ``RandomState(seed)``.

    Draw order: ``uniform(0, 1, 20)`` (x), ``randn(20)`` (noise), ``rand()`` (w(0) of the
    run), ``rand()`` (w(0) of the fitted-line run).

    Raises
    ------
    TrainingDivergedError
        When the loss overflows; the message names the critical learning rate.
    """
    seed = check_seed(seed)
    learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
    iterations = check_int(iterations, "iterations", low=0)
    fit_iterations = check_int(fit_iterations, "fit_iterations", low=0)

    rng = np.random.RandomState(seed)
    x, t = datasets.linear_regression_1d(rng)
    w_start, fit_start = rng.rand(), rng.rand()
    critical = critical_learning_rate(x)
    try:
        kept, w, loss, interrupted = _descend(x, t, w_start, learning_rate, iterations)
        _, fit_w, fit_loss, fit_interrupted = _descend(
            x, t, fit_start, learning_rate, 0 if interrupted else fit_iterations
        )
    except TrainingDivergedError as exc:
        raise TrainingDivergedError(
            f"{exc} — gradient descent diverges for learning rates above the critical "
            f"learning rate {critical:.4f} (1 / mean(x²)) of this data",
            exc.epoch,
            exc.batch,
            exc.history,
        ) from None
    return Part1Result(
        seed=seed,
        learning_rate=learning_rate,
        iterations=iterations,
        x=x,
        t=t,
        iteration=kept,
        w=w,
        loss=loss,
        fit_w=fit_w,
        fit_loss=fit_loss,
        least_squares_w=float(np.dot(x, t) / np.dot(x, x)),
        critical_learning_rate=critical,
        interrupted=interrupted or fit_interrupted,
    )


def figures(result: Part1Result) -> dict[str, Figure]:
    """The five figures of Part 1 (the last its network), by file name stem.

    The loss curve spans the tutorial's w from 0 to 4; under the gradient-descent updates it
    is widened to every iterate (above the critical learning rate they diverge).
    """
    x, t = result.x, result.t
    loss = MSE()

    def curve(ws: np.ndarray) -> np.ndarray:
        return np.array([loss.value(x * w, t) for w in ws])

    ws = np.linspace(0, 4, num=100)
    path_ws = np.linspace(*cover((0.0, 4.0), result.w), num=100)
    return {
        "part1_samples": plots.samples(x, t),
        "part1_loss": plots.loss_curve(ws, curve(ws)),
        "part1_gradient_descent": plots.gradient_descent_updates(
            path_ws, curve(path_ws), result.w, result.loss
        ),
        "part1_fitted_line": plots.fitted_line(x, t, float(result.fit_w[-1])),
        **network_figures("part1", _fitted_network(result)),
    }


def _fitted_network(result: Part1Result) -> Sequential:
    """The model ``Linear(1, 1, bias=False)`` with the fitted line's weight."""
    network = Sequential([Linear(1, 1, bias=False)])
    network[0].params["W"][...] = result.fit_w[-1]
    return network
