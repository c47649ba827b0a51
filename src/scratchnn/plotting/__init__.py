"""Figures of the series, in the tutorial's look.

Every function takes arrays (or plain numbers) and returns a
:class:`matplotlib.figure.Figure`; none trains, prints, or calls ``plt.show()``. Figures are
built without pyplot, so nothing is registered globally and no GUI backend is touched:
save them with ``fig.savefig(path)``.

The style (the tutorial's seaborn "darkgrid" look, matplotlib's built-in
``seaborn-v0_8-*`` styles) is applied while the figure is built and drawn once, so it sticks
when the figure is saved later.
"""

from __future__ import annotations

import functools
from typing import Callable

import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._axes import cover, loss_axis, place_legend

__all__ = ["styled", "STYLES", "cover", "loss_axis", "place_legend"]

#: The seaborn styles the tutorial uses, by their seaborn names.
STYLES = {
    "darkgrid": "seaborn-v0_8-darkgrid",
    "whitegrid": "seaborn-v0_8-whitegrid",
    "white": "seaborn-v0_8-white",
}


def styled(style: str = "darkgrid") -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    """Decorator: build the figure inside ``style`` and draw it once there."""
    style_name = STYLES[style]

    def decorate(build: Callable[..., Figure]) -> Callable[..., Figure]:
        @functools.wraps(build)
        def wrapper(*args, **kwargs) -> Figure:
            with matplotlib.style.context(style_name):
                fig = build(*args, **kwargs)
                FigureCanvasAgg(fig)
                fig.canvas.draw()  # creates ticks and grid lines with the style's colours
            return fig

        return wrapper

    return decorate
