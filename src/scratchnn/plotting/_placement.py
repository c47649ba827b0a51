"""Text placed where it overlaps nothing: the labels of the network diagrams.

Boxes are display-coordinate :class:`~matplotlib.transforms.Bbox` es measured with the
figure's Agg renderer; a label is tried at a few positions along its edge and kept at the
first one that stays inside the axes and clear of every box placed before it.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["Occupied", "along", "renderer_of", "pin_font"]

#: Fractions along an edge (source 0, target 1) at which a label is tried, best first.
ALONG = (0.5, 0.38, 0.62, 0.28, 0.72, 0.44, 0.56, 0.2, 0.8, 0.33, 0.67, 0.24, 0.76)

#: Display pixels kept free around every label.
PAD = 2.0


def pin_font(fig: Figure) -> None:
    """Give every text of ``fig`` the concrete font the current style resolves to.

    A generic family ("sans-serif") is resolved again at every draw, so a figure built in a
    style and saved outside it would be drawn in another font than the one its labels were
    measured and placed with (text would run out of its boxes).
    """
    for text in fig.findobj(Text):
        text.set_fontfamily(FontProperties(family=text.get_fontfamily()).get_name())


def renderer_of(ax: Axes) -> Any:
    """The Agg renderer of the figure of ``ax`` (a canvas is attached when missing)."""
    fig = ax.figure.figure
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return canvas.get_renderer()


class Occupied:
    """The display boxes already taken in ``ax``; texts are added only where they fit."""

    def __init__(self, ax: Axes) -> None:
        self.ax = ax
        self.renderer = renderer_of(ax)
        self.boxes: list[Bbox] = []
        self.frame = ax.get_window_extent(self.renderer)
        #: Factor of every font size (1: the diagram's own size).
        self.scale = 1.0

    def box_of(self, artist: Any) -> Bbox:
        """The padded display box of ``artist``."""
        box = artist.get_window_extent(self.renderer)
        return Bbox.from_extents(box.x0 - PAD, box.y0 - PAD, box.x1 + PAD, box.y1 + PAD)

    def take(self, artist: Any) -> None:
        """Mark the box of ``artist`` as taken."""
        self.boxes.append(self.box_of(artist))

    def fits(self, box: Bbox) -> bool:
        """Whether ``box`` lies inside the axes and overlaps no taken box."""
        f = self.frame
        inside = f.x0 <= box.x0 and box.x1 <= f.x1 and f.y0 <= box.y0 and box.y1 <= f.y1
        return inside and not any(box.overlaps(other) for other in self.boxes)

    def place(self, text: Text, points: Sequence[tuple[float, float]]) -> bool:
        """Move ``text`` to the first of ``points`` (data coordinates) where it fits and
        take its box; remove it and return False when none fits."""
        for point in points:
            text.set_position(point)
            box = self.box_of(text)
            if self.fits(box):
                self.boxes.append(box)
                return True
        text.remove()
        return False


def along(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    """The candidate label positions on the segment from ``start`` to ``end``
    (:data:`ALONG`)."""
    p0, p1 = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    return [tuple(p0 + t * (p1 - p0)) for t in ALONG]
