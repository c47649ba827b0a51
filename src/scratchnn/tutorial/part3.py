"""Part 3 — one hidden RBF neuron trained by backpropagation (1-D input).

Model (two scalar parameters, the hidden weight :math:`w_h` and the output bias
:math:`b_o`, no output weight):

.. math::

    z_h = x w_h, \\qquad h = \\phi(z_h) = e^{-z_h^2}, \\qquad y = \\sigma(h + b_o),

i.e. the engine's ``Sequential([Linear(1, 1, bias=False), GaussianRBF(), Bias(1),
Logistic()])``, trained on the mean binary cross-entropy with ``GradientDescent(2.0)`` from
:math:`w_h = 2.3, b_o = 1.4`. Backpropagation is the engine's: the fused output gradient
:math:`\\delta_o = (y - t)/N`, then :math:`\\delta_h = -2 z_h h\\,\\delta_o` through the RBF and
:math:`\\partial\\xi/\\partial w_h = \\sum_i x_i \\delta_{h,i}`. The data are 20 blue circles
around 0, then 10 red stars around −2 and 10 around +2, from ``RandomState(seed)``
(:func:`scratchnn.datasets.rbf_classes`); prediction ``round(y)``.

Text and code disagree (docs/tutorial-notes.md, Part 3); scratchnn follows the tutorial's
**code**:

* **Iterations.** The text speaks of "an example run of backpropagation for 50
  iterations"; the code runs ``nb_of_iterations = 20``. The default here is 20.
* **Update form.** The code returns ``mean(w_h - μ x_i δ_h,i)`` and ``mean(b_o - μ δ_o,i)``
  (per-sample updates, averaged), which is exactly one gradient step on the mean loss —
  what the engine does.
* **Helper signatures** (``gradient_bias_out(h, grad_output)`` in the text, one argument in
  the code) and the "white dots" of the text (the figure draws white segments and a final
  star) do not change any number; the figure follows the code.

With the defaults the tutorial prints::

    final loss is 0.52 for weights wh=1.12 and bo=-0.44

and all 40 samples are classified correctly. Because :math:`y \\ge 1/2 \\iff h + b_o \\ge 0`,
the trained classifier predicts blue exactly where :math:`e^{-(x w_h)^2} \\ge -b_o`, i.e. for
:math:`|x| \\le \\sqrt{-\\ln(-b_o)} / |w_h|` when :math:`-1 < b_o < 0` (about 0.804 here);
:attr:`Part3Result.blue_radius` reports it.

Figures: the samples; the RBF; the mean cross-entropy over
``w_h ∈ linspace(-3, 3, 50)``, ``b_o ∈ linspace(-2.5, 1.5, 50)`` as a 3-D magma surface;
the same with the updates (axis limits w_h −2.5…2.5, b_o −2.5…1.5, as in the tutorial);
the classification of the input line on a 50×50 grid; and the projection x → h. When the
path leaves the tutorial's grid (other settings), the path figure's grid and limits are
widened to contain it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .. import datasets
from .._validation import check_int, check_real, check_seed
from ..layers import Bias, GaussianRBF, Linear, Logistic
from ..losses import BinaryCrossEntropy
from ..network import Sequential
from ..optimizers import GradientDescent
from ..plotting import part3 as plots
from ..training import TrainingDivergedError, train
from ._interrupt import interrupted_line, interruption
from ._network_figures import network_figures
from ._trace import IterateTrace, TracedRun, thinned_note

__all__ = [
    "Part3Result",
    "run",
    "figures",
    "build_network",
    "loss_surface",
    "final_line",
]

#: Loss-surface grid of the tutorial (50×50).
SURFACE_WH, SURFACE_BO, SURFACE_POINTS = (-3.0, 3.0), (-2.5, 1.5), 50
#: Axis limits of the tutorial's gradient-descent figure.
PATH_WH_LIMITS, PATH_BO_LIMITS = (-2.5, 2.5), (-2.5, 1.5)
#: Classification grid of the tutorial: 50×50 over x ∈ [-3, 3], y ∈ [-1, 1].
STRIP_POINTS = 50


def _scalar(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def build_network(w_h: float, b_o: float) -> Sequential:
    """The Part 3 model :math:`y = \\sigma(e^{-(x w_h)^2} + b_o)`.

    Returns
    -------
    Sequential
        ``[Linear(1, 1, bias=False), GaussianRBF(), Bias(1), Logistic()]`` with
        ``W = [[w_h]]`` and ``b = [b_o]``; its parameters are named ``"0.W"`` and ``"2.b"``.
    """
    network = Sequential([Linear(1, 1, bias=False), GaussianRBF(), Bias(1), Logistic()])
    network[0].params["W"][0, 0] = _scalar(w_h, "w_h")
    network[2].params["b"][0] = _scalar(b_o, "b_o")
    return network


def loss_surface(x: np.ndarray, t: np.ndarray, whs: np.ndarray, bos: np.ndarray) -> np.ndarray:
    """Mean binary cross-entropy of the model at every grid point.

    All grid points are evaluated in one forward pass of a wide copy of the model,
    ``[Linear(1, G, bias=False), GaussianRBF(), Bias(G), Logistic()]`` with
    ``G = len(whs) * len(bos)``: output column ``k`` is the Part 3 model with the ``k``-th
    parameter pair.

    Parameters
    ----------
    x, t : ndarray, shape (N, 1)
    whs : ndarray, shape (n_w,)
    bos : ndarray, shape (n_b,)

    Returns
    -------
    ndarray, shape (n_b, n_w)
        Entry ``[i, j]`` is the loss at :math:`(w_h, b_o) = (whs_j, bos_i)`.
    """
    WH, BO = np.meshgrid(whs, bos)
    g = WH.size
    grid = Sequential(
        [Linear(1, g, bias=False, weight_init="zeros"), GaussianRBF(), Bias(g), Logistic()]
    )
    grid[0].params["W"][0, :] = WH.ravel()
    grid[2].params["b"][:] = BO.ravel()
    Y = grid.predict(x)  # (N, G)
    loss = BinaryCrossEntropy("mean")
    values = [loss.value(Y[:, k : k + 1], t) for k in range(g)]
    return np.array(values).reshape(WH.shape)


def final_line(loss: float, w_h: float, b_o: float) -> str:
    """The tutorial's printed line, ``final loss is 0.52 for weights wh=1.12 and bo=-0.44``."""
    return f"final loss is {loss:.2f} for weights wh={w_h:.2f} and bo={b_o:.2f}"


@dataclass
class Part3Result(TracedRun):
    """Everything Part 3 computes.

    Attributes
    ----------
    seed, learning_rate, iterations : the settings used
    x : ndarray, shape (40,)
        Blue samples (0–19), red-left (20–29), red-right (30–39).
    t : ndarray, shape (40,)
        1 for blue, 0 for red.
    iteration : ndarray of int, shape (n_kept,)
        The iterations kept: every one (0 to ``iterations``) of a run of up to 1,000
        iterations; of a longer run the first 100 and then evenly spaced ones, and always
        the last one run.
    w_h, b_o, loss : ndarray, shape (n_kept,)
        Parameters and mean cross-entropy at those iterations, the start first.
    predictions : ndarray of int, shape (40,)
        ``round(y)`` with the final parameters.
    interrupted : bool
        Ctrl-C ended training early (the arrays hold the iterations run).
    """

    seed: int
    learning_rate: float
    iterations: int
    x: np.ndarray
    t: np.ndarray
    iteration: np.ndarray
    w_h: np.ndarray
    b_o: np.ndarray
    loss: np.ndarray
    predictions: np.ndarray
    interrupted: bool = False

    @property
    def xs_blue(self) -> np.ndarray:
        return self.x[self.t == 1]

    @property
    def xs_red(self) -> np.ndarray:
        return self.x[self.t == 0]

    @property
    def n_misclassified(self) -> int:
        return int(np.sum(self.predictions != self.t))

    @property
    def blue_radius(self) -> float:
        """Half-width of the region classified blue, :math:`\\sqrt{-\\ln(-b_o)}/|w_h|`.

        ``round`` sends :math:`y = 1/2` to 0, so blue means :math:`h + b_o > 0`. ``inf`` when
        everything is blue (:math:`b_o \\ge 0`, or :math:`w_h = 0` and :math:`b_o > -1`),
        ``0.0`` when nothing is (:math:`b_o \\le -1`).
        """
        w_h, b_o = float(self.w_h[-1]), float(self.b_o[-1])
        if b_o > 0:
            return float("inf")
        if b_o <= -1:
            return 0.0
        if w_h == 0 or b_o == 0:
            return float("inf")
        return float(np.sqrt(-np.log(-b_o)) / abs(w_h))

    def final_line(self) -> str:
        """The tutorial's printed line."""
        return final_line(self.loss[-1], self.w_h[-1], self.b_o[-1])

    def lines(self) -> list[str]:
        """The trajectory, the tutorial's line and how the samples are classified."""
        out = [
            f"w_h({k}): {w:.4f} \t b_o({k}): {b:.4f} \t loss: {c:.4f}"
            for k, w, b, c in zip(self.iteration, self.w_h, self.b_o, self.loss)
        ]
        out += thinned_note(self.iteration, self.iterations)
        out.append(self.final_line())
        n = self.x.size
        wrong = self.n_misclassified
        out.append(
            f"all {n} samples classified correctly"
            if wrong == 0
            else f"{wrong} of {n} samples misclassified"
        )
        r = self.blue_radius
        if np.isinf(r):
            out.append("blue circle predicted everywhere")
        elif r == 0:
            out.append("red star predicted everywhere")
        else:
            out.append(f"blue circle predicted for |x| < {r:.3f}, red star elsewhere")
        if self.interrupted:
            out.append(interrupted_line(self.iterations_run))
        return out

    def to_dict(self) -> dict:
        """JSON-ready dict (arrays as lists of floats)."""
        r = self.blue_radius
        return {
            "seed": self.seed,
            "learning_rate": self.learning_rate,
            "iterations": self.iterations,
            "iteration": self.iteration.tolist(),
            "w_h": self.w_h.tolist(),
            "b_o": self.b_o.tolist(),
            "loss": self.loss.tolist(),
            "final_line": self.final_line(),
            "n_misclassified": self.n_misclassified,
            "blue_radius": None if np.isinf(r) else r,
            "predictions": self.predictions.tolist(),
            "x": self.x.tolist(),
            "t": self.t.tolist(),
            **interruption(self.interrupted, self.iterations_run),
        }


def run(
    seed: int = 4,
    learning_rate: float = 2.0,
    iterations: int = 20,
    w_h: float = 2.3,
    b_o: float = 1.4,
) -> Part3Result:
    """Run Part 3: draw the samples from ``RandomState(seed)`` and train by backpropagation.

    Raises
    ------
    ValueError, TypeError
        For a bad seed (not in [0, 2**32 − 1]), learning rate (not > 0), iteration count
        (not >= 0) or start parameters (not finite numbers).
    TrainingDivergedError
        When the loss or the parameters stop being finite.
    """
    seed = check_seed(seed)
    learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
    iterations = check_int(iterations, "iterations", low=0)
    network = build_network(w_h, b_o)

    x, t = datasets.rbf_classes(np.random.RandomState(seed))
    trace = IterateTrace(iterations)
    history = train(
        network,
        BinaryCrossEntropy("mean"),
        GradientDescent(learning_rate),
        x,
        t,
        epochs=iterations,
        callbacks=[trace],
    )
    if trace.nonfinite_at is not None:
        raise TrainingDivergedError(
            f"the parameters became non-finite at iteration {trace.nonfinite_at}: gradient "
            f"descent diverged (learning rate {learning_rate:g} is too high)",
            trace.nonfinite_at,
            0,
            history,
        )
    kept, loss = trace.arrays()
    w_hs = np.array([p["0.W"][0, 0] for p in trace.params])
    b_os = np.array([p["2.b"][0] for p in trace.params])
    with np.errstate(over="ignore"):  # (x w_h)^2 may overflow to inf: exp(-inf) = 0 is right
        predictions = np.round(network.predict(x))[:, 0].astype(int)
    return Part3Result(
        seed=seed,
        learning_rate=learning_rate,
        iterations=iterations,
        x=x[:, 0],
        t=t[:, 0].astype(int),
        iteration=kept,
        w_h=w_hs,
        b_o=b_os,
        loss=loss,
        predictions=predictions,
        interrupted=history.interrupted,
    )


def _cover(limits: tuple[float, float], values: np.ndarray) -> tuple[float, float]:
    """``limits`` widened (to a 0.5 multiple, at most ±1e6) to contain ``values``."""
    lo, hi = limits
    vmin, vmax = float(np.min(values)), float(np.max(values))
    if vmin < lo:
        lo = max(np.floor(vmin * 2 - 1) / 2, -1e6)
    if vmax > hi:
        hi = min(np.ceil(vmax * 2 + 1) / 2, 1e6)
    return float(lo), float(hi)


def figures(result: Part3Result) -> dict[str, Figure]:
    """The eight figures of Part 3, by file name stem; the last two draw the network."""
    # Far from the tutorial's settings (huge w_h), (x w_h)^2 overflows to inf and the RBF
    # gives its exact limit 0; that is not worth a warning.
    with np.errstate(over="ignore"):
        return _figures(result)


def _figures(result: Part3Result) -> dict[str, Figure]:
    x, t = result.x[:, None], result.t[:, None].astype(float)
    xs_blue, xs_red = result.xs_blue, result.xs_red

    whs = np.linspace(*SURFACE_WH, SURFACE_POINTS)
    bos = np.linspace(*SURFACE_BO, SURFACE_POINTS)
    surface = loss_surface(x, t, whs, bos)

    wh_lim = _cover(PATH_WH_LIMITS, result.w_h)
    bo_lim = _cover(PATH_BO_LIMITS, result.b_o)
    if wh_lim == PATH_WH_LIMITS and bo_lim == PATH_BO_LIMITS:
        path_whs, path_bos, path_surface = whs, bos, surface
    else:  # the path leaves the tutorial's view: widen grid and limits to contain it
        wh_lim = (min(wh_lim[0], SURFACE_WH[0]), max(wh_lim[1], SURFACE_WH[1]))
        path_whs = np.linspace(*wh_lim, SURFACE_POINTS)
        path_bos = np.linspace(*bo_lim, SURFACE_POINTS)
        path_surface = loss_surface(x, t, path_whs, path_bos)

    trained = build_network(result.w_h[-1], result.b_o[-1])
    hidden = Sequential(trained.layers[:2])  # x -> h = RBF(x w_h)

    def h_of(values: np.ndarray) -> np.ndarray:
        return hidden.predict(np.asarray(values, dtype=float).reshape(-1, 1))[:, 0]

    zs = np.linspace(-5, 5, 100)
    rbf = GaussianRBF().forward(zs[:, None])[:, 0]

    strip_x = np.linspace(*plots.x_limits(result.x), STRIP_POINTS)
    strip_y = np.linspace(-1, 1, STRIP_POINTS)
    # The prediction depends on x only: classify the 50 x values, repeat along y.
    row = np.round(trained.predict(strip_x[:, None]))[:, 0]
    plane = np.tile(row, (STRIP_POINTS, 1))

    xs_curve = np.linspace(*plots.x_limits(result.x), 100)
    return {
        "part3_samples": plots.samples(xs_blue, xs_red),
        "part3_rbf": plots.rbf_function(zs, rbf),
        "part3_loss_surface": plots.loss_surface_3d(whs, bos, surface),
        "part3_gradient_descent": plots.gradient_descent_3d(
            path_whs,
            path_bos,
            path_surface,
            result.w_h,
            result.b_o,
            result.loss,
            xlim=wh_lim,
            ylim=bo_lim,
        ),
        "part3_classification": plots.classification(strip_x, strip_y, plane, xs_blue, xs_red),
        "part3_projection": plots.projection(
            xs_curve, h_of(xs_curve), xs_blue, h_of(xs_blue), xs_red, h_of(xs_red)
        ),
        **network_figures("part3", trained, BinaryCrossEntropy("mean"), x[0], t[0]),
    }
