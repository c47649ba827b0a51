"""Part 1 figures: samples, loss against w, the gradient-descent updates, the fitted line."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import cover, place_legend
from ._show import ShowableFigure
from ._style import styled

__all__ = ["samples", "loss_curve", "gradient_descent_updates", "fitted_line"]


#: The tutorial's view of the samples, ``(x_min, x_max, t_min, t_max)``.
SAMPLES_VIEW = (0.0, 1.0, 0.0, 2.0)


def _samples_axes(fig: Figure, x: np.ndarray, t: np.ndarray, slope: float, *lines: float) -> Axes:
    """The samples and the line ``t = slope·x``; the view is the tutorial's, widened to hold
    every sample and, for each slope in ``(slope, *lines)``, its line over half the x range."""
    ax = fig.add_subplot()
    ylim = cover(SAMPLES_VIEW[2:], t, 0.5 * np.array([slope, *lines]))
    ax.plot(x, t, "o", label="$t$")
    ax.plot(*_through_origin(slope, ylim), "b--", label="$f(x)$")
    ax.set_xlabel("$x$", fontsize=12)
    ax.set_ylabel("$t$", fontsize=12)
    ax.axis((*SAMPLES_VIEW[:2], *ylim))
    return ax


def _through_origin(slope: float, ylim: tuple[float, float]) -> tuple[list, list]:
    """The line y = slope·x for x in [0, 1], ended where it leaves ``ylim`` (the same pixels
    as clipping it at the axes, but no plotted point outside them)."""
    x_end = 1.0
    if slope > ylim[1]:
        x_end = ylim[1] / slope
    elif slope < ylim[0]:
        x_end = ylim[0] / slope
    return [0.0, x_end], [0.0, slope * x_end]


@styled("darkgrid")
def samples(x: np.ndarray, t: np.ndarray, slope: float = 2.0) -> Figure:
    """Targets ``t`` against inputs ``x`` (shape (N,)) with the noise-free line f(x) = slope·x."""
    fig = ShowableFigure(figsize=(5, 3), layout="tight")
    ax = _samples_axes(fig, x, t, slope)
    ax.set_title("inputs (x) vs targets (t)")
    place_legend(ax, loc=2)
    return fig


@styled("darkgrid")
def loss_curve(ws: np.ndarray, losses: np.ndarray) -> Figure:
    """The loss ``losses[i]`` at weight ``ws[i]`` as a red dashed curve."""
    fig = ShowableFigure(figsize=(5, 3), layout="tight")
    ax = fig.add_subplot()
    ax.plot(ws, losses, "r--", label="loss")
    ax.set_xlabel("$w$", fontsize=12)
    ax.set_ylabel("$\\xi$", fontsize=12)
    ax.set_title("loss function with respect to $w$")
    ax.set_xlim(float(np.min(ws)), float(np.max(ws)))
    place_legend(ax)
    return fig


@styled("darkgrid")
def gradient_descent_updates(
    ws: np.ndarray, losses: np.ndarray, w_path: np.ndarray, loss_path: np.ndarray
) -> Figure:
    """The loss curve with the iterates ``(w_path[k], loss_path[k])`` numbered k = 0, 1, …

    The x axis spans ``ws``, widened to hold every iterate (diverging iterates stay in view;
    pass ``ws`` covering them so that the curve does too).
    """
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    ax.plot(ws, losses, "r--", label="loss")
    ax.plot(w_path, loss_path, "bo", label="$w(k)$")
    ax.plot(w_path, loss_path, "b-")
    for k, (w, c) in enumerate(zip(w_path, loss_path)):
        ax.annotate(f"${k}$", (w, c), xytext=(0, 7), textcoords="offset points")
    ax.set_xlabel("$w$", fontsize=12)
    ax.set_ylabel("$\\xi$", fontsize=12)
    ax.set_title("Gradient descent updates plotted on loss function")
    ax.set_xlim(*cover((float(np.min(ws)), float(np.max(ws))), w_path))
    place_legend(ax, loc=1)
    return fig


@styled("darkgrid")
def fitted_line(x: np.ndarray, t: np.ndarray, w: float, slope: float = 2.0) -> Figure:
    """Samples, the noise-free line and the fitted line y = w·x."""
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = _samples_axes(fig, x, t, slope, w)
    ax.plot(*_through_origin(w, ax.get_ylim()), "r-", label="$y = w * x$")
    ax.set_title("input vs target")
    place_legend(ax, loc=2)
    return fig
