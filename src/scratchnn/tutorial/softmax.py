"""Intermezzo 2 — the softmax function and its cross-entropy ("Softmax classification with
cross-entropy (2/2)").

The tutorial defines

.. math::

    y_c = \\mathrm{softmax}(\\mathbf{z})_c = \\frac{e^{z_c}}{\\sum_d e^{z_d}}, \\qquad
    \\sum_c y_c = 1,

derives the Jacobian :math:`\\partial y_i/\\partial z_j = y_i(\\delta_{ij} - y_j)` and the
cross-entropy :math:`\\xi = -\\sum_c t_c \\log y_c`, whose gradient at the softmax input is
:math:`\\partial\\xi/\\partial z_c = y_c - t_c`. Its one figure is the probability of class 1
for two classes, :math:`y_1 = P(t=1|\\mathbf{z})`, as a surface over a 33×33 grid of
:math:`z_1, z_2 \\in [-10, 10]`.

Here the surface is computed by the engine's :class:`~scratchnn.layers.Softmax` layer on the
grid points as rows :math:`[z_1, z_2]`, and three checks are reported:

* the two probabilities sum to 1 at every grid point;
* :math:`\\mathrm{softmax}([z_1, z_2])_1 = \\sigma(z_1 - z_2)`: with two classes the softmax is
  the logistic function of the difference (why the two-class cross-entropy reduces to the
  binary one);
* the engine's fused gradient :math:`y - t` of softmax + categorical cross-entropy agrees with
  finite differences (:func:`scratchnn.gradcheck.check_loss`) at up to 11×11 grid points,
  target class 1.

Differences from the notebook (docs/tutorial-notes.md, Intermezzo 2): the notebook's softmax
normalises over all elements of a single vector and is applied point by point; the engine's is
row-wise (one row a grid point) and subtracts the row maximum first, which leaves the values
unchanged up to round-off. The notebook gives the :math:`z_1` axis label font size 2, a typo;
the figure uses the same size for all labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .._validation import check_int, check_real
from ..gradcheck import check_loss
from ..layers import Softmax, logistic
from ..losses import CategoricalCrossEntropy
from ..plotting import softmax as plots

__all__ = ["SoftmaxResult", "run", "figures", "MAX_GRID_SIZE", "MAX_LIMIT"]

#: Largest grid accepted (the grid has ``grid_size**2`` points).
MAX_GRID_SIZE = 1001
#: Largest ``limit`` accepted. Beyond about 350 the probabilities underflow to 0 and the
#: clipped cross-entropy is flat, so the finite-difference check would be meaningless.
MAX_LIMIT = 100.0
#: At most this many check points per axis for the gradient check.
_CHECK_POINTS = 11


@dataclass
class SoftmaxResult:
    """Everything Intermezzo 2 computes.

    Attributes
    ----------
    grid_size, limit : the settings used
    z : ndarray, shape (n,)
        ``linspace(-limit, limit, n)``.
    z1, z2 : ndarray, shape (n, n)
        ``np.meshgrid(z, z)``: ``z1[i, j] = z[j]``, ``z2[i, j] = z[i]``.
    y : ndarray, shape (n, n, 2)
        ``softmax([z1[i, j], z2[i, j]])``.
    max_sum_error : float
        :math:`\\max |y_1 + y_2 - 1|`.
    max_logistic_difference : float
        :math:`\\max |y_1 - \\sigma(z_1 - z_2)|`.
    gradient_check_points : int
    gradient_check_passed : bool
    gradient_check_max_abs_error : float
        Largest :math:`|\\text{finite difference} - (y - t)|`.
    """

    grid_size: int
    limit: float
    z: np.ndarray
    z1: np.ndarray
    z2: np.ndarray
    y: np.ndarray
    max_sum_error: float
    max_logistic_difference: float
    gradient_check_points: int
    gradient_check_passed: bool
    gradient_check_max_abs_error: float

    @property
    def y1(self) -> np.ndarray:
        """:math:`P(t=1|\\mathbf{z})` on the grid, shape (n, n)."""
        return self.y[..., 0]

    def lines(self) -> list[str]:
        """The text report, one string per line."""
        n, lim = self.grid_size, self.limit
        check = "passed" if self.gradient_check_passed else "FAILED"
        return [
            "softmax(z)_c = exp(z_c) / sum_d exp(z_d); two classes: P(t=1|z) = softmax([z1, z2])_1",
            f"grid: {n}x{n} points over [{-lim:g}, {lim:g}]^2, computed by the Softmax layer "
            "(one row [z1, z2] per point)",
            f"P(t=1|z) ranges from {self.y1.min():.4g} to {self.y1.max():.4g}",
            f"P(t=1|z) + P(t=2|z) = 1 at every grid point (largest deviation "
            f"{self.max_sum_error:.1e})",
            f"softmax([z1, z2])_1 = logistic(z1 - z2) (largest difference "
            f"{self.max_logistic_difference:.1e})",
            f"cross-entropy gradient d xi/dz = y - t: finite-difference check {check} at "
            f"{self.gradient_check_points} grid points (largest error "
            f"{self.gradient_check_max_abs_error:.1e})",
        ]

    def to_dict(self) -> dict:
        """JSON-ready dict; ``y1[i][j]`` is :math:`P(t=1 | z_1 = z[j], z_2 = z[i])`."""
        return {
            "grid_size": self.grid_size,
            "limit": self.limit,
            "z": self.z.tolist(),
            "y1": self.y1.tolist(),
            "max_sum_error": self.max_sum_error,
            "max_logistic_difference": self.max_logistic_difference,
            "gradient_check_points": self.gradient_check_points,
            "gradient_check_passed": self.gradient_check_passed,
            "gradient_check_max_abs_error": self.gradient_check_max_abs_error,
        }


def run(grid_size: int = 33, limit: float = 10.0) -> SoftmaxResult:
    """Evaluate the two-class softmax on a ``grid_size`` × ``grid_size`` grid over
    :math:`[-\\text{limit}, \\text{limit}]^2` and run the checks (see module docs).

    Parameters
    ----------
    grid_size : int, default 33
        Points per axis, 2 to :data:`MAX_GRID_SIZE`.
    limit : float, default 10
        Half-width of the grid, in (0, :data:`MAX_LIMIT`].
    """
    grid_size = check_int(grid_size, "grid_size", low=2)
    if grid_size > MAX_GRID_SIZE:
        raise ValueError(f"grid_size must be <= {MAX_GRID_SIZE}, got {grid_size}")
    limit = check_real(limit, "limit", "(0, inf)")
    if limit > MAX_LIMIT:
        raise ValueError(f"limit must be <= {MAX_LIMIT:g}, got {limit:g}")

    z = np.linspace(-limit, limit, num=grid_size)
    z1, z2 = np.meshgrid(z, z)
    rows = np.column_stack((z1.ravel(), z2.ravel()))  # one grid point per row
    y = Softmax().forward(rows).reshape(grid_size, grid_size, 2)

    max_sum_error = float(np.max(np.abs(y.sum(axis=-1) - 1.0)))
    max_logistic_difference = float(np.max(np.abs(y[..., 0] - logistic(z1 - z2))))

    # Softmax + cross-entropy gradient y - t against finite differences, target class 1,
    # one point at a time (a sum over many points would drown small gradients in round-off).
    picks = np.unique(np.linspace(0, grid_size - 1, min(grid_size, _CHECK_POINTS)).round())
    picks = picks.astype(int)
    loss = CategoricalCrossEntropy(reduction="sum")
    target = np.array([[1.0, 0.0]])
    passed, worst = True, 0.0
    for i in picks:
        for j in picks:
            point = np.array([[z1[i, j], z2[i, j]]])
            report = check_loss(loss, point, target, fused=True)
            passed = passed and report.passed
            worst = max(worst, report.checks[0].max_abs_error)

    return SoftmaxResult(
        grid_size=grid_size,
        limit=limit,
        z=z,
        z1=z1,
        z2=z2,
        y=y,
        max_sum_error=max_sum_error,
        max_logistic_difference=max_logistic_difference,
        gradient_check_points=int(picks.size**2),
        gradient_check_passed=passed,
        gradient_check_max_abs_error=worst,
    )


def figures(result: SoftmaxResult) -> dict[str, Figure]:
    """The figure of Intermezzo 2, by file name stem."""
    return {"softmax_surface": plots.probability_surface(result.z1, result.z2, result.y1)}
