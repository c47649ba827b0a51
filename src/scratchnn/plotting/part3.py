"""Part 3 figures: the 1-D samples, the RBF, the 3-D loss surface over (w_h, b_o) with the
gradient-descent path, the classification of the input line, and the projection x → h.

Class colours follow the series: red stars are class 0, blue circles class 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib import colors
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import cover, place_legend
from ._show import ShowableFigure
from ._style import styled

__all__ = [
    "samples",
    "rbf_function",
    "loss_surface_3d",
    "gradient_descent_3d",
    "classification",
    "projection",
    "x_limits",
    "X_LIMITS",
]

#: The tutorial's view of the input line; widened when samples fall outside it.
X_LIMITS = (-3.0, 3.0)


def x_limits(*xs: np.ndarray) -> tuple[float, float]:
    """:data:`X_LIMITS` widened to hold every sample of ``xs``."""
    return cover(X_LIMITS, *xs)


def _strip(ax: Axes, xs_blue: np.ndarray, xs_red: np.ndarray) -> None:
    """Samples on the line y = 0, y axis hidden."""
    ax.plot(xs_blue, np.zeros_like(xs_blue), "bo", alpha=0.75)
    ax.plot(xs_red, np.zeros_like(xs_red), "r*", alpha=0.75)
    ax.set_xlim(*x_limits(xs_blue, xs_red))
    ax.set_ylim(-1, 1)
    ax.yaxis.set_visible(False)
    ax.set_xlabel("$x$", fontsize=12)


@styled("darkgrid")
def samples(xs_blue: np.ndarray, xs_red: np.ndarray) -> Figure:
    """A 7×1 strip of the 1-D samples: blue circles ``xs_blue`` (shape (n_blue,)), red stars
    ``xs_red`` (shape (n_red,))."""
    fig = ShowableFigure(figsize=(7, 1))
    ax = fig.add_subplot()
    _strip(ax, xs_blue, xs_red)
    ax.set_title("Input samples from the blue circles and red star classes")
    fig.subplots_adjust(bottom=0.4, top=0.75)
    return fig


@styled("darkgrid")
def rbf_function(z: np.ndarray, h: np.ndarray) -> Figure:
    """The Gaussian RBF :math:`h = e^{-z^2}` (``h[i]`` at ``z[i]``, shape (n,))."""
    fig = ShowableFigure(figsize=(5, 3))
    ax = fig.add_subplot()
    ax.plot(z, h, label="$e^{-z_h^2}$")
    ax.set_xlabel("$z$", fontsize=12)
    ax.set_title("RBF function")
    ax.legend()
    ax.set_xlim(float(np.min(z)), float(np.max(z)))
    fig.subplots_adjust(bottom=0.2)
    return fig


def _surface_axes(fig: Figure, whs: np.ndarray, bos: np.ndarray, losses: np.ndarray) -> Axes:
    ax = fig.add_subplot(1, 1, 1, projection="3d")
    WH, BO = np.meshgrid(whs, bos)
    surf = ax.plot_surface(WH, BO, losses, linewidth=0, cmap="magma")
    ax.view_init(elev=55, azim=-30)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.pane.fill = False
    cbar = fig.colorbar(surf, ax=ax, pad=0.15)
    cbar.ax.set_ylabel("$\\xi$", fontsize=12, rotation=0, labelpad=10)
    ax.set_xlabel("$w_h$", fontsize=12)
    ax.set_ylabel("$b_o$", fontsize=12)
    ax.set_zlabel("$\\xi$", fontsize=12)
    return ax


@styled("whitegrid")
def loss_surface_3d(whs: np.ndarray, bos: np.ndarray, losses: np.ndarray) -> Figure:
    """3-D surface (magma, elevation 55, azimuth −30) of the loss over the parameters.

    Parameters
    ----------
    whs : ndarray, shape (n_w,)
        Hidden weights, on the x axis.
    bos : ndarray, shape (n_b,)
        Output biases, on the y axis.
    losses : ndarray, shape (n_b, n_w)
        ``losses[i, j]`` is the loss at ``(whs[j], bos[i])`` (``np.meshgrid`` order).
    """
    fig = ShowableFigure(figsize=(7, 5))
    ax = _surface_axes(fig, whs, bos, losses)
    ax.set_xlim(float(whs[0]), float(whs[-1]))
    ax.set_ylim(float(bos[0]), float(bos[-1]))
    ax.set_title("Loss function surface", loc="left", y=1.0, pad=-12)
    return fig


@styled("whitegrid")
def gradient_descent_3d(
    whs: np.ndarray,
    bos: np.ndarray,
    losses: np.ndarray,
    wh_path: np.ndarray,
    bo_path: np.ndarray,
    loss_path: np.ndarray,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """The loss surface with every update drawn as a white segment in 3-D and the final
    point as a white star.

    Parameters
    ----------
    whs, bos, losses : as for :func:`loss_surface_3d`
    wh_path, bo_path, loss_path : ndarray, shape (K + 1,)
        The iterates and their losses, the start first.
    xlim, ylim : (float, float), optional
        Axis limits; default the grid's extent.
    """
    fig = ShowableFigure(figsize=(7, 5))
    ax = _surface_axes(fig, whs, bos, losses)
    ax.plot(wh_path, bo_path, loss_path, "w-")
    ax.plot(wh_path[-1:], bo_path[-1:], loss_path[-1:], color="w", marker="*")
    ax.set_xlim(*(xlim or (float(whs[0]), float(whs[-1]))))
    ax.set_ylim(*(ylim or (float(bos[0]), float(bos[-1]))))
    ax.set_title("Gradient descent updates on loss surface", pad=-1)
    return fig


@styled("darkgrid")
def classification(
    xs: np.ndarray,
    ys: np.ndarray,
    plane: np.ndarray,
    xs_blue: np.ndarray,
    xs_red: np.ndarray,
) -> Figure:
    """A 7×1 strip: predicted class as a red/blue background, with the samples.

    Parameters
    ----------
    xs : ndarray, shape (n_x,)
        Should span :func:`x_limits` of the samples.
    ys : ndarray, shape (n_y,)
    plane : ndarray, shape (n_y, n_x)
        0 (red) or 1 (blue) at ``(xs[j], ys[i])``.
    xs_blue, xs_red : ndarray, shape (n,)
    """
    fig = ShowableFigure(figsize=(7, 1))
    ax = fig.add_subplot()
    cmap = colors.ListedColormap([colors.to_rgba("r", alpha=0.25), colors.to_rgba("b", alpha=0.25)])
    XX, YY = np.meshgrid(xs, ys)
    # Explicit levels: a line of one class only still gets its colour.
    ax.contourf(XX, YY, plane, levels=[-0.5, 0.5, 1.5], cmap=cmap)
    _strip(ax, xs_blue, xs_red)
    ax.set_title("Input samples and their classification")
    fig.subplots_adjust(bottom=0.4, top=0.75)
    return fig


@styled("darkgrid")
def projection(
    xs: np.ndarray,
    hs: np.ndarray,
    xs_blue: np.ndarray,
    h_blue: np.ndarray,
    xs_red: np.ndarray,
    h_red: np.ndarray,
) -> Figure:
    """How the hidden layer maps the inputs: x (bottom) → h (right) through the trained RBF.

    Parameters
    ----------
    xs, hs : ndarray, shape (n,)
        The curve :math:`h = \\phi(x w_h)`; ``xs`` should span :func:`x_limits` of the
        samples.
    xs_blue, h_blue : ndarray, shape (n_blue,)
        Blue samples and their hidden activations.
    xs_red, h_red : ndarray, shape (n_red,)
        Red samples and their hidden activations.
    """
    fig = ShowableFigure(figsize=(6, 6))
    gs = fig.add_gridspec(2, 2, width_ratios=[6, 1], height_ratios=[6, 1], wspace=0, hspace=0)
    fig.suptitle("Projection of the input samples $x$ to hidden layer output $h$.")
    limits = x_limits(xs_blue, xs_red)
    x_right = limits[1]
    dashed: dict[str, Any] = {"linestyles": "--", "alpha": 0.2}

    ax_in = fig.add_subplot(gs[1, 0])
    _strip(ax_in, xs_blue, xs_red)
    ax_in.set_xlim(*limits)
    ax_in.vlines(xs_red, 0, 1, colors="r", **dashed)
    ax_in.vlines(xs_blue, 0, 2, colors="b", **dashed)

    ax_rbf = fig.add_subplot(gs[0, 0])
    ax_rbf.plot(xs, hs, "k-", label="$h = RBF(x \\cdot w_h)$")
    ax_rbf.set_xlim(*limits)
    ax_rbf.set_ylim(-0.1, 1.1)
    ax_rbf.xaxis.set_ticks_position("top")
    for x, h, c in ((xs_red, h_red, "r"), (xs_blue, h_blue, "b")):
        ax_rbf.vlines(x, -0.1, h, colors=c, **dashed)
        ax_rbf.hlines(h, x, x_right, colors=c, **dashed)

    ax_out = fig.add_subplot(gs[0, 1])
    ax_out.plot(np.zeros_like(h_blue), h_blue, "bo", alpha=0.75)
    ax_out.plot(np.zeros_like(h_red), h_red, "r*", alpha=0.75)
    ax_out.xaxis.set_visible(False)
    ax_out.yaxis.set_label_position("right")
    ax_out.yaxis.set_ticks_position("right")
    ax_out.set_ylabel("$h$", fontsize=12)
    ax_out.set_ylim(-0.1, 1.1)
    ax_out.set_xlim(-1, 1)
    ax_out.hlines(h_red, -1, 0, colors="r", **dashed)
    ax_out.hlines(h_blue, -1, 0, colors="b", **dashed)
    place_legend(ax_rbf, outside=False)
    return fig
