"""Part 5 figures: the first digits, the cost curves, the confusion table."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._axes import loss_axis, place_legend
from ._show import ShowableFigure
from ._style import styled

__all__ = ["digits", "cost_curves", "confusion_table"]


@styled("darkgrid")
def digits(images: np.ndarray) -> Figure:
    """Images ``(n, h, w)`` side by side in one row (10×1 inches for ten), binary colour map."""
    n = len(images)
    fig = ShowableFigure(figsize=(max(n, 1), 1))
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.98, wspace=0.1)
    for i, image in enumerate(images):
        ax = fig.add_subplot(1, n, i + 1)
        ax.imshow(image, cmap="binary")
        ax.axis("off")
    return fig


@styled("darkgrid")
def cost_curves(
    batch_cost: np.ndarray, train_cost: np.ndarray, validation_cost: np.ndarray
) -> Figure:
    """Mini-batch (black), full training set (red) and validation (blue) costs.

    Parameters
    ----------
    batch_cost : ndarray, shape (epochs * n_batches,)
        Cost of every mini-batch before its update, drawn at ``linspace(0, epochs, ·)``.
    train_cost, validation_cost : ndarray, shape (epochs,)
        Costs after each epoch, drawn at epochs 1 … ``epochs``.

    The cost axis runs from 0 to the tutorial's 2.5 or the highest cost if higher (nothing
    is clipped; logarithmic when the costs span decades); the legend goes where no curve
    runs, outside the axes if need be (small batches' costs fill the whole plot).
    """
    n_it = len(train_cost)
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot()
    ax.plot(
        np.linspace(0, n_it, len(batch_cost)),
        batch_cost,
        "k-",
        linewidth=0.5,
        label="cost minibatches",
    )
    epochs = np.linspace(1, n_it, n_it)
    ax.plot(epochs, train_cost, "r-", linewidth=2, label="cost full training set")
    ax.plot(epochs, validation_cost, "b-", linewidth=3, label="cost validation set")
    ax.set_xlabel("iteration")
    ax.set_ylabel("$\\xi$", fontsize=15)
    ax.set_title("Decrease of cost over backprop iteration")
    ax.set_xlim(0, max(n_it, 1))
    loss_axis(ax, batch_cost, train_cost, validation_cost)
    if ax.get_yscale() == "linear":
        ax.set_ylim(0, max(2.5, ax.get_ylim()[1]))
    place_legend(ax)
    return fig


@styled("white")
def confusion_table(matrix: np.ndarray) -> Figure:
    """The confusion matrix (rows: true label, columns: predicted) with its counts.

    Drawn with the binary colour map; counts in white on the diagonal, black elsewhere;
    predicted labels on top, true labels on the right. (The notebook places the title at
    ``y=1.03``, outside the figure, which only shows because its inline backend crops to the
    drawn content; here the layout keeps it inside.)
    """
    matrix = np.asarray(matrix)
    n = matrix.shape[0]
    fig = ShowableFigure(figsize=(6, 6), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(matrix, interpolation="nearest", cmap="binary")
    ax.xaxis.tick_top()
    major = np.arange(n)
    labels = [f"${i}$" for i in range(n)]
    ax.set_xticks(major, labels, fontsize=13)
    ax.set_yticks(major, labels, fontsize=13)
    ax.set_xticks(major + 0.5, minor=True)
    ax.set_yticks(major + 0.5, minor=True)
    ax.tick_params(which="minor", length=0)
    ax.grid(which="minor", color="0.5", linestyle="-", linewidth=0.5)
    ax.grid(which="major", visible=False)
    ax.yaxis.set_label_position("right")
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    fig.suptitle("Confusion table", fontsize=12)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(matrix[i, j]), ha="center", va="center", color="w" if i == j else "k")
    return fig
