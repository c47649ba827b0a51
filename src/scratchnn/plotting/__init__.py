"""Figures of the series, in the tutorial's look.

Every function takes arrays (or plain numbers) and returns a
:class:`matplotlib.figure.Figure` (a :class:`ShowableFigure`); none trains, prints, or calls
``plt.show()``. Figures are built without pyplot, so nothing is registered globally and no
GUI backend is touched: save them with ``fig.savefig(path)``, open them in windows with
:func:`show` (or ``fig.show()``), or let Jupyter display them inline.

Networks are drawn too: :func:`network_diagram` (inputs, units and weighted connections,
or blocks of units for wide networks) and :func:`computation_graph` (one sample's forward
and backward pass, every value and gradient from the engine).

Axes follow the data (:func:`cover`, :func:`loss_axis`, :func:`place_legend`): every figure
starts from the tutorial's view and widens it to hold what it plots, so figures at settings
far from the tutorial's keep their data in view and their legends off the curves.

The style (the tutorial's seaborn "darkgrid" look, matplotlib's built-in
``seaborn-v0_8-*`` styles) is applied while the figure is built and drawn once, so it sticks
when the figure is saved later.
"""

from __future__ import annotations

from ._axes import cover, loss_axis, place_legend
from ._show import ShowableFigure, can_show, is_interactive, show
from ._style import STYLES, styled
from .diagram import network_diagram
from .graph import computation_graph
from .history import plot_history
from .regions import plot_decision_regions

__all__ = [
    "styled",
    "STYLES",
    "cover",
    "loss_axis",
    "place_legend",
    "show",
    "can_show",
    "is_interactive",
    "ShowableFigure",
    "plot_history",
    "plot_decision_regions",
    "network_diagram",
    "computation_graph",
]
