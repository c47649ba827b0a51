"""Intermezzo 1 figures: the logistic function and its derivative."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._show import ShowableFigure
from ._style import styled

__all__ = ["logistic_function", "logistic_derivative"]


def _curve(z: np.ndarray, values: np.ndarray, fmt: str, ylabel: str, title: str) -> Figure:
    fig = ShowableFigure(figsize=(5, 3), layout="tight")
    ax = fig.add_subplot()
    ax.plot(z, values, fmt)
    ax.set_xlabel("$z$", fontsize=12)
    ax.set_ylabel(ylabel, fontsize=12)
    ax.set_title(title)
    ax.set_xlim(float(np.min(z)), float(np.max(z)))
    return fig


@styled("darkgrid")
def logistic_function(z: np.ndarray, sigma: np.ndarray) -> Figure:
    """The logistic function :math:`\\sigma(z)` (``sigma[i]`` at ``z[i]``, shape (n,)) as a
    blue line, titled "logistic function"."""
    return _curve(z, sigma, "b-", "$\\sigma(z)$", "logistic function")


@styled("darkgrid")
def logistic_derivative(z: np.ndarray, derivative: np.ndarray) -> Figure:
    """The derivative :math:`\\partial\\sigma/\\partial z = \\sigma(z)(1 - \\sigma(z))`
    (shape (n,)) as a red line, titled "derivative of the logistic function"."""
    return _curve(
        z,
        derivative,
        "r-",
        "$\\frac{\\partial \\sigma(z)}{\\partial z}$",
        "derivative of the logistic function",
    )
