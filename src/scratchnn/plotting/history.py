"""The figure of a training run: :func:`plot_history`, behind ``History.plot()``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import loss_axis, place_legend
from ._show import ShowableFigure
from ._style import styled

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["plot_history"]


@styled("darkgrid")
def plot_history(history: Any, batches: bool = True, title: str | None = None) -> Figure:
    """Loss curves by epoch and, on their own axes, the metrics, of a training run.

    Parameters
    ----------
    history : scratchnn.training.History
        What :func:`scratchnn.training.train` returned (plotting, a ground module, reads
        its attributes and does not import training).
    batches : bool, default True
        Also draw the loss of every mini-batch (thin grey line) when it was recorded.
    title : str, optional
        Title above the loss axes.

    Returns
    -------
    matplotlib.figure.Figure
        One axes of losses (training set red, validation set blue, the best epoch of
        early stopping marked), starting at 0 or logarithmic when the loss spans decades;
        below it one axes of the metrics (e.g. accuracy) when any were recorded. Epoch 0 is
        the state before training.

    Raises
    ------
    ValueError
        When the history holds no loss at all.
    """
    train, validation = _finite(history.train_loss), _finite(history.validation_loss)
    batch = _finite(history.batch_loss) if batches else np.empty(0)
    if train.size == 0 and validation.size == 0 and batch.size == 0:
        raise ValueError("history: no loss recorded (train for at least one epoch first)")
    metrics = _metric_series(history)
    fig = ShowableFigure(figsize=(6, 6 if metrics else 4), layout="tight")
    ax = fig.add_subplot(2 if metrics else 1, 1, 1)
    if batch.size:
        per_epoch = history.batches_per_epoch or max(len(batch) / max(len(train) - 1, 1), 1)
        steps = np.arange(len(batch)) / per_epoch
        ax.plot(steps, batch, "-", color="0.4", lw=0.5, label="loss mini-batches")
    if train.size:
        ax.plot(np.arange(len(train)), train, "r-", lw=2, label="loss training set")
    if validation.size:
        ax.plot(np.arange(len(validation)), validation, "b-", lw=2, label="loss validation set")
        best = history.best_epoch
        if best is not None and 0 <= best < len(validation) and np.isfinite(validation[best]):
            ax.plot([best], [validation[best]], "bo", label=f"best epoch ({best})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_xlim(0, max(len(train) - 1, len(validation) - 1, 1))
    loss_axis(ax, train, validation, batch)
    if title:
        ax.set_title(title)
    place_legend(ax, loc="upper right")
    if metrics:
        _metrics_axes(fig.add_subplot(2, 1, 2, sharex=ax), metrics)
    return fig


def _finite(values: ArrayLike) -> np.ndarray:
    """``values`` as floats, infinities as NaN (a diverged run plots up to the divergence)."""
    array = np.asarray(values, dtype=float).ravel()
    return np.where(np.isfinite(array), array, np.nan)


def _metric_series(history: Any) -> list[tuple[str, np.ndarray]]:
    series = []
    tables = (("training", history.train_metrics), ("validation", history.validation_metrics))
    for prefix, table in tables:
        for name, values in table.items():
            values = _finite(values)
            if values.size:
                series.append((f"{name} {prefix} set", values))
    return series


def _metrics_axes(ax: Axes, metrics: list[tuple[str, np.ndarray]]) -> None:
    colours = {"training": "r", "validation": "b"}
    for label, values in metrics:
        colour = colours["validation" if "validation" in label else "training"]
        ax.plot(np.arange(len(values)), values, "-", color=colour, lw=2, label=label)
    names = {label.split(" ")[0] for label, _ in metrics}
    ax.set_ylabel(names.pop() if len(names) == 1 else "metric")
    ax.set_xlabel("epoch")
    data = np.concatenate([values for _, values in metrics])
    data = data[np.isfinite(data)]
    if data.size and data.min() >= 0 and data.max() <= 1:  # fractions (accuracy): 0 to 1
        ax.set_ylim(0, 1.02)
    place_legend(ax, loc="lower right")
