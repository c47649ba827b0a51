"""Decision regions of a user's own classifier on 2-D inputs: :func:`plot_decision_regions`."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure

from ._axes import place_legend
from ._show import ShowableFigure
from ._style import styled

__all__ = ["plot_decision_regions"]

#: Class colours and markers: the series' red stars and blue circles first.
_COLOURS = ["r", "b", "g", "darkorange", "m", "c", "saddlebrown", "k", "olive", "gray"]
_MARKERS = ["*", "o", "s", "^", "D", "v", "P", "X", "<", ">"]


def _labels(y: Any, n: int) -> np.ndarray:
    """Class indices from ``y``: labels (n,) or one-hot / probabilities (n, k)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = np.argmax(y, axis=1)
    elif y.ndim == 2:
        y = y[:, 0]
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"y: expected {n} labels (one per row of X), got shape {np.shape(y)}")
    if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)):
        raise ValueError("y: labels must be finite numbers (class indices 0, 1, …)")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError("y: labels must be class indices 0, 1, … (or one-hot rows)")
    return y.astype(int)


def _checked(X: Any, y: Any, resolution: Any, margin: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` as floats and ``y`` as class indices, after checking every argument."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"X: expected shape (n, 2) with n >= 1 (2-D inputs), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X: contains NaN or infinite values")
    labels = _labels(y, len(X))
    if isinstance(resolution, bool) or not isinstance(resolution, (int, np.integer)):
        raise ValueError(f"resolution: expected an integer >= 2, got {resolution!r}")
    if resolution < 2:
        raise ValueError(f"resolution: expected an integer >= 2, got {resolution}")
    if not isinstance(margin, (int, float, np.number)) or not np.isfinite(margin) or margin < 0:
        raise ValueError(f"margin: expected a finite number >= 0, got {margin!r}")
    return X, labels


def _classes_of(output: np.ndarray) -> np.ndarray:
    """Predicted class indices from a network's output: one logistic unit (threshold 0.5),
    several outputs (argmax), or labels already (an estimator's ``predict``)."""
    output = np.asarray(output)
    if output.ndim == 2 and output.shape[1] > 1:
        return np.argmax(output, axis=1)
    output = output.reshape(len(output), -1)[:, 0]
    if np.issubdtype(output.dtype, np.floating) and np.all((output >= 0) & (output <= 1)):
        return (output >= 0.5).astype(int)
    return np.round(output).astype(int)


def _grid(X: np.ndarray, margin: float, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    lows, highs = X.min(axis=0), X.max(axis=0)
    pads = np.maximum((highs - lows) * margin, 0.5 * (highs == lows) + 1e-12)
    xs = np.linspace(lows[0] - pads[0], highs[0] + pads[0], resolution)
    ys = np.linspace(lows[1] - pads[1], highs[1] + pads[1], resolution)
    return np.meshgrid(xs, ys)


@styled("darkgrid")
def plot_decision_regions(
    network: Any,
    X: Any,
    y: Any,
    *,
    resolution: int = 200,
    margin: float = 0.1,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """The class a classifier predicts over the plane, with the samples on top.

    Parameters
    ----------
    network : Sequential or estimator
        Anything with ``predict(X)`` on inputs of shape (m, 2): a network with one logistic
        output (class 1 where it is ≥ 0.5), one with several outputs such as a softmax
        (the largest wins), or an estimator whose ``predict`` returns class indices.
    X : array_like, shape (n, 2)
        The samples.
    y : array_like, shape (n,) or (n, k)
        Their classes: indices 0, 1, … or one-hot rows.
    resolution : int, default 200
        Grid points along each axis (≥ 2).
    margin : float, default 0.1
        The grid reaches this fraction of the data's range beyond it on every side (≥ 0).
    class_names : sequence of str, optional
        Legend names of the classes; default "class 0", "class 1", …
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Filled contours of the predicted class (one colour per class, levels between the
        class indices), each class's samples in that colour, a legend.

    Raises
    ------
    ValueError
        When ``X`` is not of shape (n, 2) with finite values, ``y`` does not give one class
        index per sample, or ``resolution``, ``margin`` or ``class_names`` are out of range.
    """
    X, labels = _checked(X, y, resolution, margin)
    xx, yy = _grid(X, float(margin), int(resolution))
    predicted = _classes_of(network.predict(np.column_stack([xx.ravel(), yy.ravel()])))
    n_classes = int(max(labels.max(), predicted.max(), 1)) + 1
    names = _names(class_names, n_classes)
    colours = [_COLOURS[k % len(_COLOURS)] for k in range(n_classes)]

    fig = ShowableFigure(figsize=(6, 4.5), layout="tight")
    ax = fig.add_subplot()
    cmap = ListedColormap([to_rgba(c, alpha=0.25) for c in colours])
    levels = np.arange(n_classes + 1) - 0.5
    ax.contourf(xx, yy, predicted.reshape(xx.shape), levels=levels, cmap=cmap)
    for k in range(n_classes):
        members = X[labels == k]
        if len(members):
            marker = _MARKERS[k % len(_MARKERS)]
            ax.plot(
                members[:, 0],
                members[:, 1],
                marker,
                color=colours[k],
                ms=6,
                alpha=0.8,
                linestyle="none",
                label=names[k],
            )
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    ax.set_xlabel("$x_1$", fontsize=12)
    ax.set_ylabel("$x_2$", fontsize=12)
    if title:
        ax.set_title(title)
    place_legend(ax, loc="best")
    return fig


def _names(class_names: Sequence[str] | None, n_classes: int) -> list[str]:
    if class_names is None:
        return [f"class {k}" for k in range(n_classes)]
    names = [str(name) for name in class_names]
    if len(names) < n_classes:
        raise ValueError(
            f"class_names: expected at least {n_classes} names (one per class), got {len(names)}"
        )
    return names
