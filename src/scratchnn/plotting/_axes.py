"""Axes that follow the data: limits that contain it, loss axes from a floor, legends that
hide no curve.

The tutorial's figures use fixed views (``x`` from 0 to 4, costs up to 2.5, …) that fit its
own settings. At other settings the data leaves them, so every figure starts from the
tutorial's view and widens it just enough (:func:`cover`); the default settings keep the
tutorial's look.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

__all__ = ["cover", "loss_axis", "place_legend", "LOG_SPAN"]

#: A loss axis turns logarithmic when its positive values span more than this ratio.
LOG_SPAN = 1e3


def cover(
    limits: tuple[float, float], *values: np.ndarray | float, step: float = 0.5
) -> tuple[float, float]:
    """``limits`` widened to contain every finite value of ``values``.

    A side that must move goes out to the next multiple of ``step`` beyond the data, with at
    least a tenth of ``step`` to spare (so markers at the edge stay whole); a side that need
    not move stays as it is.

    Parameters
    ----------
    limits : (float, float)
        The view to start from, low first.
    *values : array_like or float
        The data to contain; NaN and infinities are ignored.
    step : float, default 0.5
        Granularity of a widened side (> 0); raised to the data's order of magnitude when
        the data reaches far beyond ``limits``, so ticks stay round.

    Returns
    -------
    (float, float)

    Examples
    --------
    >>> cover((0.0, 4.0), [1.0, 4.25])
    (0.0, 4.5)
    >>> cover((0.0, 4.0), [-0.1, 3.0])
    (-0.5, 4.0)
    """
    lo, hi = float(limits[0]), float(limits[1])
    data = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values] or [np.empty(0)])
    data = data[np.isfinite(data)]
    if data.size == 0:
        return lo, hi
    vmin, vmax = float(data.min()), float(data.max())
    span = max(vmax, hi) - min(vmin, lo)
    if not np.isfinite(span):  # the data spans more than a float can: no rounding
        return min(vmin, lo), max(vmax, hi)
    step = max(step, 10.0 ** np.floor(np.log10(span)) / 2) if span > 0 else step
    if vmin < lo:
        lo = float(np.floor((vmin - step / 10) / step) * step)
    if vmax > hi:
        hi = float(np.ceil((vmax + step / 10) / step) * step)
    return lo, hi


def loss_axis(ax: Axes, *values: np.ndarray) -> None:
    """Put a loss axis (the y axis of ``ax``) on a meaningful floor.

    Losses are ≥ 0, so a linear axis starts at 0 (a 0.2 % change of loss is not drawn as a
    steep drop); when the positive values span more than ``LOG_SPAN`` the axis is
    logarithmic instead and starts just below the smallest one. The top follows the data.
    Call it after plotting.
    """
    data = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values] or [np.empty(0)])
    data = data[np.isfinite(data)]
    positive = data[data > 0]
    if positive.size and data.min() >= 0 and positive.max() / positive.min() > LOG_SPAN:
        ax.set_yscale("log")
        ax.set_ylim(positive.min() / 1.5, positive.max() * 1.5)
    elif data.size:
        top = max(float(data.max()), 0.0)
        ax.set_ylim(min(0.0, float(data.min()) * 1.05), top * 1.05 if top > 0 else 1.0)


def place_legend(ax: Axes, loc: str | int = "best", outside: bool = True, **kwargs: Any) -> Legend:
    """A legend for ``ax`` where no plotted line or marker runs under it.

    Tried in order: ``loc`` (the tutorial's place), matplotlib's ``"best"``, then (with
    ``outside``) to the right of the axes. The figure is drawn to measure where the legend
    lands, so call this last, after the limits are set.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    loc : str or int, default "best"
        The preferred location.
    outside : bool, default True
        Whether the legend may move outside the axes (the figure's layout must leave room:
        ``layout="tight"`` or ``"constrained"`` does).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.legend`.
    """
    fig = ax.figure.figure  # the root figure, also for an axes on a subfigure
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    candidates: list[Any] = list(dict.fromkeys((loc, "best")))  # matplotlib checks ``loc``
    for candidate in candidates:
        legend = ax.legend(loc=candidate, **kwargs)
        fig.draw_without_rendering()
        if not _hides_data(ax, legend):
            return legend
    if outside:
        legend = ax.legend(
            loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, **kwargs
        )
    return legend


def _hides_data(ax: Axes, legend: Legend) -> bool:
    """Whether a line or marker of ``ax`` passes through the legend's box."""
    box = legend.get_window_extent()
    box = Bbox.from_extents(box.x0 + 1, box.y0 + 1, box.x1 - 1, box.y1 - 1)
    for artist in ax.get_children():
        if isinstance(artist, PathCollection):
            offsets = np.asarray(artist.get_offsets(), dtype=float)
            if offsets.size and box.count_contains(
                artist.get_offset_transform().transform(offsets)
            ):
                return True
        elif isinstance(artist, Line2D) and artist.get_visible():
            path = artist.get_transform().transform_path(artist.get_path())
            if artist.get_linestyle() not in ("None", "", " ") and path.intersects_bbox(
                box, filled=False
            ):
                return True
            if artist.get_marker() not in (None, "None", "", " ") and box.count_contains(
                path.vertices
            ):
                return True
    return False
