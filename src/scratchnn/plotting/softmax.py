"""Intermezzo 2 figure: the softmax probability surface :math:`P(t=1|\\mathbf{z})`."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._show import ShowableFigure
from ._style import styled

__all__ = ["probability_surface"]


@styled("whitegrid")
def probability_surface(z1: np.ndarray, z2: np.ndarray, y1: np.ndarray) -> Figure:
    """3-D surface of :math:`y_1 = \\mathrm{softmax}([z_1, z_2])_1` (magma, elevation 30, azimuth 70).

    Parameters
    ----------
    z1, z2 : ndarray, shape (n, n)
        Grid coordinates, as returned by ``np.meshgrid(z, z)``.
    y1 : ndarray, shape (n, n)
        Probability of class 1 at each grid point.
    """
    fig = ShowableFigure(figsize=(6, 4), layout="tight")
    ax = fig.add_subplot(projection="3d")
    surf = ax.plot_surface(z1, z2, y1, linewidth=0, cmap="magma")
    ax.view_init(elev=30, azim=70)
    cbar = fig.colorbar(surf, ax=ax, pad=0.1, shrink=0.8)
    cbar.ax.set_ylabel("$P(t=1|\\mathbf{z})$", fontsize=12)
    # The tutorial gives the z1 label font size 2, a typo; all three labels use 12 here.
    ax.set_xlabel("$z_1$", fontsize=12)
    ax.set_ylabel("$z_2$", fontsize=12)
    ax.set_zlabel("$y_1$", fontsize=12)
    ax.set_title("$P(t=1|\\mathbf{z})$")
    return fig
