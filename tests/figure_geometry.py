"""Geometry checks on drawn figures: where the plotted data lies, where legends sit.

Shared by the figure tests. Everything here reads a figure after ``fig.canvas.draw()``;
nothing depends on the numbers the code under test computed.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

#: Relative slack on the axis limits (matplotlib's own float round-off).
SLACK = 1e-9


def _is_3d(ax) -> bool:
    return getattr(ax, "name", "") == "3d"


def plotted_points(ax) -> list[tuple[object, np.ndarray]]:
    """``(artist, points)`` for every line and scatter of ``ax``; points of shape (n, 2) in
    data coordinates ((n, 3) on 3-D axes), non-finite rows dropped."""
    out = []
    for artist in ax.get_children():
        if isinstance(artist, Line2D) and artist.get_visible():
            if _is_3d(ax):
                points = np.column_stack([np.asarray(v, float) for v in artist.get_data_3d()])
            else:
                points = np.asarray(artist.get_xydata(), dtype=float)
        elif isinstance(artist, PathCollection) and artist.get_visible():
            if _is_3d(ax):
                points = np.column_stack([np.asarray(v, float) for v in artist._offsets3d])
            else:
                points = np.asarray(artist.get_offsets(), dtype=float)
        else:
            continue
        if points.size:
            points = points[np.isfinite(points).all(axis=1)]
        out.append((artist, points))
    return out


def _inside(values: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    lo, hi = min(limits), max(limits)
    slack = SLACK * max(abs(lo), abs(hi), 1.0)
    return (values >= lo - slack) & (values <= hi + slack)


def points_outside_axes(fig: Figure) -> list[str]:
    """A description of every plotted point that lies outside its axes' limits."""
    problems = []
    for ax in fig.axes:
        limits = [ax.get_xlim(), ax.get_ylim()]
        if _is_3d(ax):
            limits.append(ax.get_zlim())
        for artist, points in plotted_points(ax):
            for dim, lim in enumerate(limits):
                if points.size == 0:
                    continue
                bad = ~_inside(points[:, dim], lim)
                if bad.any():
                    problems.append(
                        f"{ax.get_title() or ax}: {artist.get_label()!r} has {int(bad.sum())} "
                        f"point(s) outside axis {'xyz'[dim]} limits {lim} "
                        f"(e.g. {points[bad][0, dim]:.4g})"
                    )
    return problems


def legend_overlaps(ax) -> list[str]:
    """The plotted lines and markers of ``ax`` that run through its legend's box (display
    coordinates; a legend outside the axes overlaps nothing inside them)."""
    legend = ax.get_legend()
    if legend is None:
        return []
    box = legend.get_window_extent()
    box = Bbox.from_extents(box.x0 + 1, box.y0 + 1, box.x1 - 1, box.y1 - 1)
    hits = []
    for artist, points in plotted_points(ax):
        if points.size == 0:
            continue
        display = ax.transData.transform(points)
        marker_hit = bool(box.count_contains(display)) if _has_markers(artist) else False
        segment_hit = False
        if isinstance(artist, Line2D) and artist.get_linestyle() not in ("None", "", " "):
            path = artist.get_transform().transform_path(artist.get_path())
            segment_hit = path.intersects_bbox(box, filled=False)
        if marker_hit or segment_hit:
            hits.append(str(artist.get_label()))
    return hits


def _has_markers(artist) -> bool:
    if isinstance(artist, PathCollection):
        return True
    return artist.get_marker() not in (None, "None", "", " ")


def drawn(fig: Figure) -> Figure:
    """``fig`` drawn (so limits, layout and legend positions are final)."""
    fig.canvas.draw()
    return fig


def _text_boxes(ax) -> list[tuple[object, Bbox]]:
    """``(text, display box)`` for every visible, non-empty text of ``ax`` (not its title)."""
    renderer = ax.figure.canvas.get_renderer()
    return [
        (text, text.get_window_extent(renderer))
        for text in ax.texts
        if text.get_visible() and text.get_text().strip()
    ]


def texts_outside_axes(fig: Figure) -> list[str]:
    """Every text that reaches outside its axes' box (display coordinates, 1 px slack)."""
    problems = []
    for ax in fig.axes:
        frame = ax.get_window_extent()
        for text, box in _text_boxes(ax):
            if (
                box.x0 < frame.x0 - 1
                or box.x1 > frame.x1 + 1
                or box.y0 < frame.y0 - 1
                or box.y1 > frame.y1 + 1
            ):
                problems.append(f"{text.get_text()!r} at {box.extents} outside {frame.extents}")
    return problems


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Every pair of texts of one axes whose boxes overlap (by more than a pixel)."""
    pairs = []
    for ax in fig.axes:
        boxes = _text_boxes(ax)
        for k, (a, box_a) in enumerate(boxes):
            shrunk = Bbox.from_extents(box_a.x0 + 1, box_a.y0 + 1, box_a.x1 - 1, box_a.y1 - 1)
            for b, box_b in boxes[k + 1 :]:
                if shrunk.overlaps(box_b):
                    pairs.append((a.get_text(), b.get_text()))
    return pairs
