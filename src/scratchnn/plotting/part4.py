"""Part 4 figures: the circles data, the loss curve, the decision boundary, the hidden layer."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure

from ._axes import cover, loss_axis, place_legend
from ._show import ShowableFigure
from ._style import styled

__all__ = ["classes", "loss_curve", "decision_boundary", "hidden_projection", "class_axis"]

#: The tutorial's view of the input space; widened when samples fall outside it.
CLASS_AXIS = (-1.5, 1.5, -1.5, 1.5)


def class_axis(X: np.ndarray) -> tuple[float, float, float, float]:
    """:data:`CLASS_AXIS` widened to hold every sample of ``X`` (shape (n, 2))."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    return (*cover(CLASS_AXIS[:2], X[:, 0]), *cover(CLASS_AXIS[2:], X[:, 1]))


def _scatter_classes(ax: Axes, X: np.ndarray, labels: np.ndarray, names: tuple[str, str]) -> None:
    red, blue = X[labels == 0], X[labels == 1]
    ax.plot(red[:, 0], red[:, 1], "r*", ms=7, alpha=0.75, label=names[0])
    ax.plot(blue[:, 0], blue[:, 1], "bo", ms=5, alpha=0.75, label=names[1])


@styled("darkgrid")
def classes(X: np.ndarray, labels: np.ndarray) -> Figure:
    """The samples ``X`` (N, 2): class 0 as red stars, class 1 as blue circles."""
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    _scatter_classes(ax, X, labels, ("class: red star", "class: blue circle"))
    ax.axis(class_axis(X))
    ax.set_xlabel("$x_1$", fontsize=12)
    ax.set_ylabel("$x_2$", fontsize=12)
    ax.set_title("red star vs blue circle classes in the input space")
    place_legend(ax, loc="upper right")
    return fig


@styled("darkgrid")
def loss_curve(losses: np.ndarray) -> Figure:
    """The loss at every iteration (``losses[0]`` before training) as a blue line.

    The loss axis starts at 0 (or is logarithmic when the loss spans decades:
    :func:`~scratchnn.plotting.loss_axis`), so a small change is not drawn as a steep drop.
    """
    fig = ShowableFigure(figsize=(5, 3), layout="tight")
    ax = fig.add_subplot()
    ax.plot(np.arange(len(losses)), losses, "b-")
    ax.set_xlabel("iteration")
    ax.set_ylabel("$\\xi$", fontsize=12)
    ax.set_title("Decrease of loss over backprop iteration")
    ax.set_xlim(0, max(len(losses) - 1, 1))
    loss_axis(ax, losses)
    return fig


@styled("darkgrid")
def decision_boundary(
    xx: np.ndarray, yy: np.ndarray, red_predicted: np.ndarray, X: np.ndarray, labels: np.ndarray
) -> Figure:
    """Decision regions and samples.

    Parameters
    ----------
    xx, yy : ndarray, shape (m, m)
        Grid coordinates (``np.meshgrid``), covering :func:`class_axis` of ``X``.
    red_predicted : ndarray, shape (m, m)
        ``round(Y[:, 0])`` at each grid point: 1 where red (class 0) is predicted.
    X, labels : the samples, shapes (N, 2) and (N,)
    """
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    cmap = ListedColormap([to_rgba("b", alpha=0.25), to_rgba("r", alpha=0.25)])
    ax.contourf(xx, yy, red_predicted, levels=[-0.5, 0.5, 1.5], cmap=cmap)
    _scatter_classes(ax, X, labels, ("target red star", "target blue circle"))
    ax.axis(class_axis(X))
    ax.set_xlabel("$x_1$", fontsize=12)
    ax.set_ylabel("$x_2$", fontsize=12)
    ax.set_title("red star vs blue circle classification boundary")
    place_legend(ax, loc="upper right")
    return fig


@styled("darkgrid")
def hidden_projection(H: np.ndarray, labels: np.ndarray) -> Figure:
    """3-D scatter of the hidden activations ``H`` (N, 3) coloured by class."""
    fig = ShowableFigure(figsize=(6, 5), layout="tight")
    ax = fig.add_subplot(projection="3d")
    blue, red = H[labels == 1], H[labels == 0]
    ax.plot(blue[:, 0], blue[:, 1], blue[:, 2], "bo", alpha=0.75)
    ax.plot(red[:, 0], red[:, 1], red[:, 2], "r*", alpha=0.75)
    ax.set_xlabel("$h_1$", fontsize=12)
    ax.set_ylabel("$h_2$", fontsize=12)
    ax.set_zlabel("$h_3$", fontsize=12)
    ax.view_init(elev=30, azim=-20)
    ax.set_title("Projection of the input X onto the hidden layer H")
    return fig
