"""Part 1 figures: samples, loss against w, the gradient-descent updates, the fitted line."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import styled

__all__ = ["samples", "loss_curve", "gradient_descent_updates", "fitted_line"]


def _samples_axes(fig: Figure, x: np.ndarray, t: np.ndarray, slope: float):
    ax = fig.add_subplot()
    ax.plot(x, t, "o", label="$t$")
    ax.plot([0, 1], [0, slope], "b--", label="$f(x)$")
    ax.set_xlabel("$x$", fontsize=12)
    ax.set_ylabel("$t$", fontsize=12)
    ax.axis((0, 1, 0, 2))
    return ax


@styled("darkgrid")
def samples(x: np.ndarray, t: np.ndarray, slope: float = 2.0) -> Figure:
    """Targets ``t`` against inputs ``x`` (shape (N,)) with the noise-free line f(x) = slope·x."""
    fig = Figure(figsize=(5, 3), layout="tight")
    ax = _samples_axes(fig, x, t, slope)
    ax.set_title("inputs (x) vs targets (t)")
    ax.legend(loc=2)
    return fig


@styled("darkgrid")
def loss_curve(ws: np.ndarray, losses: np.ndarray) -> Figure:
    """The loss ``losses[i]`` at weight ``ws[i]`` as a red dashed curve."""
    fig = Figure(figsize=(5, 3), layout="tight")
    ax = fig.add_subplot()
    ax.plot(ws, losses, "r--", label="loss")
    ax.set_xlabel("$w$", fontsize=12)
    ax.set_ylabel("$\\xi$", fontsize=12)
    ax.set_title("loss function with respect to $w$")
    ax.set_xlim(float(np.min(ws)), float(np.max(ws)))
    ax.legend()
    return fig


@styled("darkgrid")
def gradient_descent_updates(
    ws: np.ndarray, losses: np.ndarray, w_path: np.ndarray, loss_path: np.ndarray
) -> Figure:
    """The loss curve with the iterates ``(w_path[k], loss_path[k])`` numbered k = 0, 1, …"""
    fig = Figure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    ax.plot(ws, losses, "r--", label="loss")
    ax.plot(w_path, loss_path, "bo", label="$w(k)$")
    ax.plot(w_path, loss_path, "b-")
    for k, (w, c) in enumerate(zip(w_path, loss_path)):
        ax.text(w, c + 0.05, f"${k}$")
    ax.set_xlabel("$w$", fontsize=12)
    ax.set_ylabel("$\\xi$", fontsize=12)
    ax.set_title("Gradient descent updates plotted on loss function")
    ax.set_xlim(float(np.min(ws)), float(np.max(ws)))
    ax.legend(loc=1)
    return fig


@styled("darkgrid")
def fitted_line(x: np.ndarray, t: np.ndarray, w: float, slope: float = 2.0) -> Figure:
    """Samples, the noise-free line and the fitted line y = w·x."""
    fig = Figure(figsize=(6, 4), layout="tight")
    ax = _samples_axes(fig, x, t, slope)
    ax.plot([0, 1], [0, w], "r-", label="$y = w * x$")
    ax.set_title("input vs target")
    ax.legend(loc=2)
    return fig
