"""Every part's network drawn: its diagram, and for the small ones one sample's pass."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from ..losses import Loss
from ..network import Sequential
from ..plotting.diagram import network_diagram
from ..plotting.graph import computation_graph

__all__ = ["network_figures"]


def network_figures(
    stem: str, network: Sequential, loss: Loss | None = None, x: Any = None, t: Any = None
) -> dict[str, Figure]:
    """``{stem}_network``, the diagram of ``network``; with ``loss``, also ``{stem}_graph``,
    the computation graph of the sample ``x`` (shape (n_in,)) with target ``t``."""
    figures = {f"{stem}_network": network_diagram(network)}
    if loss is not None:
        figures[f"{stem}_graph"] = computation_graph(network, loss, x, t)
    return figures
