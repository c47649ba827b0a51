"""Part 2 figures: the two classes, the loss surface over (w1, w2), the gradient-descent
path on it, and the classification boundary.

Class colours follow the series: red stars are class 0, blue circles class 1.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colors
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import cover, place_legend
from ._show import ShowableFigure
from ._style import styled

__all__ = [
    "classes",
    "loss_surface",
    "gradient_descent_path",
    "decision_boundary",
    "PATH_COLOR",
    "CLASS_AXIS",
    "class_axis",
]

#: Colour of the gradient-descent iterates (a dark red).
PATH_COLOR = "#3f0000"
#: The tutorial's view of the input space, ``[x1_min, x1_max, x2_min, x2_max]``; widened
#: when samples fall outside it (:func:`class_axis`).
CLASS_AXIS = (-3.0, 4.0, -4.0, 4.0)


def class_axis(X: np.ndarray) -> tuple[float, float, float, float]:
    """:data:`CLASS_AXIS` widened to hold every sample of ``X`` (shape (n, 2))."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    return (*cover(CLASS_AXIS[:2], X[:, 0]), *cover(CLASS_AXIS[2:], X[:, 1]))


def _samples(ax: Axes, x_red: np.ndarray, x_blue: np.ndarray, red: str, blue: str) -> None:
    ax.plot(x_red[:, 0], x_red[:, 1], "r*", label=red)
    ax.plot(x_blue[:, 0], x_blue[:, 1], "bo", label=blue)
    ax.set_xlabel("$x_1$", fontsize=12)
    ax.set_ylabel("$x_2$", fontsize=12)
    ax.axis(class_axis(np.vstack([x_red, x_blue])))


@styled("darkgrid")
def classes(x_red: np.ndarray, x_blue: np.ndarray) -> Figure:
    """The samples of both classes: ``x_red`` (shape (n_red, 2)) as red stars, ``x_blue``
    (shape (n_blue, 2)) as blue circles."""
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    _samples(ax, x_red, x_blue, "class: red star", "class: blue circle")
    ax.set_title("red star vs. blue circle classes in the input space")
    place_legend(ax, loc=2)
    return fig


def _surface(
    fig: Figure,
    w1s: np.ndarray,
    w2s: np.ndarray,
    losses: np.ndarray,
    alpha: float,
    cbar_label: str,
) -> Axes:
    ax = fig.add_subplot()
    W1, W2 = np.meshgrid(w1s, w2s)
    filled = ax.contourf(W1, W2, losses, 20, cmap="viridis", alpha=alpha)
    cbar = fig.colorbar(filled, ax=ax)
    cbar.ax.set_ylabel(cbar_label, fontsize=12)
    ax.set_xlabel("$w_1$", fontsize=12)
    ax.set_ylabel("$w_2$", fontsize=12)
    return ax


@styled("darkgrid")
def loss_surface(w1s: np.ndarray, w2s: np.ndarray, losses: np.ndarray) -> Figure:
    """Filled contours (20 levels, viridis) of the loss over the weights.

    Parameters
    ----------
    w1s : ndarray, shape (n1,)
    w2s : ndarray, shape (n2,)
    losses : ndarray, shape (n2, n1)
        ``losses[i, j]`` is the loss at ``w = [w1s[j], w2s[i]]`` (``np.meshgrid`` order).
    """
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = _surface(fig, w1s, w2s, losses, 1.0, "$\\xi$")
    ax.set_title("Loss function surface")
    return fig


@styled("darkgrid")
def gradient_descent_path(
    w1s: np.ndarray, w2s: np.ndarray, losses: np.ndarray, w_path: np.ndarray, n_updates: int = 3
) -> Figure:
    """The loss surface (alpha 0.75) with the first ``n_updates`` gradient-descent updates.

    Parameters
    ----------
    w1s, w2s, losses : as for :func:`loss_surface`
    w_path : ndarray, shape (K + 1, 2)
        The iterates :math:`w(0), w(1), \\dots`; the first ``n_updates + 1`` are drawn as
        dark-red dots joined by lines and labelled :math:`w(k)` (labels only for iterates
        inside the grid).
    """
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = _surface(fig, w1s, w2s, losses, 0.75, "loss")
    path = np.asarray(w_path)[: n_updates + 1]
    ax.plot(path[:, 0], path[:, 1], "-", color=PATH_COLOR)
    ax.plot(path[:, 0], path[:, 1], "o", color=PATH_COLOR)
    for k, (w1, w2) in enumerate(path):
        if w1s[0] <= w1 <= w1s[-1] and w2s[0] <= w2 <= w2s[-1]:  # labels off the grid: skip
            ax.text(w1 - 0.2, w2 + 0.4, f"$w({k})$", color=PATH_COLOR)
    ax.set_xlim(float(w1s[0]), float(w1s[-1]))
    ax.set_ylim(float(w2s[0]), float(w2s[-1]))
    ax.set_title("Gradient descent updates on loss surface")
    return fig


@styled("darkgrid")
def decision_boundary(
    xs1: np.ndarray,
    xs2: np.ndarray,
    classification: np.ndarray,
    x_red: np.ndarray,
    x_blue: np.ndarray,
) -> Figure:
    """Predicted class on a grid as a red/blue background, with the samples.

    Parameters
    ----------
    xs1 : ndarray, shape (n1,)
    xs2 : ndarray, shape (n2,)
    classification : ndarray, shape (n2, n1)
        0 (red) or 1 (blue) at ``[xs1[j], xs2[i]]``; the grid should span
        :func:`class_axis` of the samples.
    x_red, x_blue : ndarray, shape (n, 2)
    """
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    cmap = colors.ListedColormap([colors.to_rgba("r", alpha=0.30), colors.to_rgba("b", alpha=0.30)])
    XX, YY = np.meshgrid(xs1, xs2)
    # Explicit levels: a plane of one class only (e.g. w = 0) still gets its colour.
    ax.contourf(XX, YY, classification, levels=[-0.5, 0.5, 1.5], cmap=cmap)
    _samples(ax, x_red, x_blue, "target red star", "target blue circle")
    ax.set_title("red star vs. blue circle classification boundary")
    place_legend(ax, loc=2)
    return fig
