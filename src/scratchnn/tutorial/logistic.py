"""Intermezzo 1 — the logistic function and its derivative.

The tutorial ("Logistic classification with cross-entropy (1/2)") plots

.. math::

    \\sigma(z) = \\frac{1}{1 + e^{-z}}, \\qquad
    \\frac{\\partial\\sigma}{\\partial z} = \\sigma(z)\\,(1 - \\sigma(z))

on ``z = linspace(-8, 8, 100)``. Here both come from the engine's
:class:`~scratchnn.layers.Logistic` layer: its ``forward`` gives :math:`\\sigma(z)`, and its
``backward`` applied to an all-ones upstream gradient gives the derivative (the layer's
backward multiplies the upstream gradient by :math:`y(1 - y)`), so nothing is
re-implemented here.

The rest of the intermezzo is derivation: :math:`\\sigma` is
:math:`P(t = 1 \\mid z)`, its log-odds are :math:`z`, and with the binary cross-entropy the
gradient at :math:`z` is simply :math:`y - t` — the identity the engine uses when it fuses
:class:`~scratchnn.layers.Logistic` with :class:`~scratchnn.losses.BinaryCrossEntropy`.
The tutorial's text writes that cross-entropy as a *sum* over samples while Part 2's code
uses the mean (docs/tutorial-notes.md, Intermezzo 1); the engine offers both
(``reduction="sum"|"mean"``).
The tutorial prints nothing but its watermark; the CLI prints a short description and a
few values instead (:meth:`LogisticResult.lines`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from .._validation import as_float_array, check_int
from ..layers import Logistic
from ..plotting import logistic as plots

__all__ = ["LogisticResult", "run", "figures", "logistic_and_derivative", "TABLE_Z"]

#: The z values of the printed table.
TABLE_Z = (-8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0)


def logistic_and_derivative(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:math:`\\sigma(z)` and :math:`\\partial\\sigma/\\partial z` from the engine's Logistic layer.

    Parameters
    ----------
    z : ndarray, shape (n,)

    Returns
    -------
    sigma, derivative : ndarray, shape (n,)
        ``Logistic().forward(z)`` and ``Logistic().backward(ones)``, i.e.
        :math:`\\sigma(z)(1 - \\sigma(z))`.
    """
    layer = Logistic()
    column = np.asarray(z, dtype=np.float64).reshape(-1, 1)
    sigma = layer.forward(column)
    derivative = layer.backward(np.ones_like(column))
    return sigma.ravel(), derivative.ravel()


@dataclass
class LogisticResult:
    """The logistic function and its derivative on a grid.

    Attributes
    ----------
    z, sigma, derivative : ndarray, shape (n_points,)
        The grid and :math:`\\sigma`, :math:`\\sigma'` on it.
    table_z, table_sigma, table_derivative : ndarray, shape (7,)
        The same at :data:`TABLE_Z` (which includes z = 0, not on the even-sized grid).
    """

    z: np.ndarray
    sigma: np.ndarray
    derivative: np.ndarray
    table_z: np.ndarray
    table_sigma: np.ndarray
    table_derivative: np.ndarray

    @property
    def sigma_at_0(self) -> float:
        """:math:`\\sigma(0) = 1/2`."""
        return float(self.table_sigma[list(TABLE_Z).index(0.0)])

    @property
    def derivative_at_0(self) -> float:
        """:math:`\\sigma'(0) = 1/4`, the derivative's maximum."""
        return float(self.table_derivative[list(TABLE_Z).index(0.0)])

    def lines(self) -> list[str]:
        """A short description and a table of values, for the CLI."""
        i = int(np.argmax(self.derivative))
        out = [
            "Intermezzo 1: the logistic function sigma(z) = 1 / (1 + exp(-z)) and its",
            "derivative dsigma/dz = sigma(z) * (1 - sigma(z)), computed by the engine's Logistic",
            "layer (forward; backward of an all-ones gradient) on z = "
            f"linspace({self.z[0]:g}, {self.z[-1]:g}, {self.z.size}).",
            "",
            f"{'z':>6}  {'sigma(z)':>10}  {'dsigma/dz':>10}",
        ]
        for z, s, d in zip(self.table_z, self.table_sigma, self.table_derivative):
            out.append(f"{z:>6.1f}  {s:>10.4f}  {d:>10.4f}")
        out += [
            "",
            f"sigma(0) = {self.sigma_at_0:g}; the derivative peaks at z = 0 with "
            f"{self.derivative_at_0:g} (on the grid: {self.derivative[i]:.4f} at "
            f"z = {self.z[i]:+.4f}).",
            "With cross-entropy the gradient at z is y - t: the sigma(1 - sigma) cancels.",
        ]
        return out

    def to_dict(self) -> dict:
        """JSON-ready dict: ``z``, ``sigma``, ``derivative`` (lists of floats) and the values
        at 0."""
        return {
            "z": self.z.tolist(),
            "sigma": self.sigma.tolist(),
            "derivative": self.derivative.tolist(),
            "sigma_at_0": self.sigma_at_0,
            "derivative_at_0": self.derivative_at_0,
        }


def run(z_min: float = -8.0, z_max: float = 8.0, n_points: int = 100) -> LogisticResult:
    """Evaluate the logistic function and its derivative on ``linspace(z_min, z_max, n_points)``.

    The defaults are the tutorial's grid.

    Raises
    ------
    ValueError, TypeError
        Unless ``z_min < z_max`` are finite numbers and ``n_points >= 2`` an integer.
    """
    n_points = check_int(n_points, "n_points", low=2)
    bounds = as_float_array([z_min, z_max], "(z_min, z_max)", ndim=1)
    if not bounds[0] < bounds[1]:
        raise ValueError(f"z_min must be < z_max, got z_min={z_min!r} and z_max={z_max!r}")
    z = np.linspace(bounds[0], bounds[1], n_points)
    sigma, derivative = logistic_and_derivative(z)
    table_z = np.array(TABLE_Z)
    table_sigma, table_derivative = logistic_and_derivative(table_z)
    return LogisticResult(z, sigma, derivative, table_z, table_sigma, table_derivative)


def figures(result: LogisticResult) -> dict[str, Figure]:
    """The intermezzo's two figures, by file name stem."""
    return {
        "logistic_function": plots.logistic_function(result.z, result.sigma),
        "logistic_derivative": plots.logistic_derivative(result.z, result.derivative),
    }
