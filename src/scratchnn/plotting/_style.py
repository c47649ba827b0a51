"""The tutorial's look: :func:`styled` builds and draws a figure inside a seaborn style."""

from __future__ import annotations

import functools
from typing import Any, Callable

import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["styled", "STYLES"]

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
        def wrapper(*args: Any, **kwargs: Any) -> Figure:
            with matplotlib.style.context(style_name):
                fig = build(*args, **kwargs)
                FigureCanvasAgg(fig)
                fig.canvas.draw()  # creates ticks and grid lines with the style's colours
            return fig

        return wrapper

    return decorate
