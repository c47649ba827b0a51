"""The network drawn as the series draws it: inputs, units and the weighted connections.

A small network is drawn unit by unit (:func:`network_diagram`): every unit a circle with
its kind (Σ linear sum, σ logistic, φ Gaussian RBF, a softmax frame around its column, a
``1`` for the bias unit), every connection a line whose colour gives the weight's sign
(blue positive, red negative) and whose width grows with its size, and each weight written
on its edge. A wide network (more units in a column than ``max_units``, e.g. Part 5's
64-20-20-10 digits classifier) is drawn as blocks of units with their sizes.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from ..network import Sequential
from ._columns import KINDS, Column, check_network, columns
from ._placement import Occupied, along, pin_font
from ._show import ShowableFigure
from ._style import styled

__all__ = ["network_diagram", "MAX_UNITS", "MAX_LABELS"]

#: Columns wider than this are drawn as blocks (default of ``max_units``).
MAX_UNITS = 10
#: With ``weights="auto"``, weights are written on the edges up to this many edges.
MAX_LABELS = 40

GAP, RADIUS, SCALE = 2.6, 0.3, 0.85  # column spacing, unit radius (data units); inches per unit
POSITIVE, NEGATIVE, PLAIN = "tab:blue", "tab:red", "0.55"


@styled("white")
def network_diagram(
    network: Sequential,
    ax: Axes | None = None,
    *,
    weights: bool | str = "auto",
    max_units: int = MAX_UNITS,
    n_inputs: int | None = None,
    title: str | None = None,
) -> Figure:
    """Draw ``network``'s inputs, units and connections.

    Parameters
    ----------
    network : Sequential
        Any network of ``Linear``, ``Bias``, ``Identity``, ``Logistic``, ``Exp``,
        ``Softmax``, ``GaussianRBF``, ``Tanh``, ``ReLU`` and ``Dropout`` layers.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure sized to the network (0.85 in per unit step).
    weights : bool or "auto", default "auto"
        Write every weight :math:`w_{ij}` and bias :math:`b_j` on its edge (3 significant
        digits). "auto": when the network has at most ``MAX_LABELS`` (40) of them. A label
        that finds no free place on its edge is left out, and the legend says how many.
    max_units : int, default 10
        Wider columns switch the whole drawing to blocks (``n × kind`` per column, the
        weight matrices' shapes :math:`n_{in} \\times n_{out}` on the arrows).
    n_inputs : int, optional
        The number of inputs when the network does not fix it (no ``Linear`` or ``Bias``).
    title : str, optional
        Default: the column widths and the number of parameters.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``. Edge labels carry the engine's parameter name as their
        ``gid`` (``"0.W[1,2]"`` is :math:`W_{12}` of layer 0, ``"2.b[0]"`` a bias), and
        so do the edges' lines.

    Raises
    ------
    TypeError
        If ``network`` is not a ``Sequential`` (or holds a layer of an unknown kind).
    ValueError
        If the number of inputs is unknown or a layer does not fit the one below it.
    """
    network = check_network(network, "network_diagram")
    cols = columns(network, n_inputs)
    blocks = max(c.n for c in cols) > max_units
    n_edges = sum(_edge_count(c) for c in cols)
    label = bool(weights) and not blocks and (weights is True or n_edges <= MAX_LABELS)
    fig, ax, (x0, width, bottom, wrapped) = _frame(ax, cols, blocks)
    room = Occupied(ax)
    # A given axes smaller than the diagram's own size gets proportionally smaller text.
    room.scale = min(1.0, room.frame.width / ax.figure.figure.dpi / (width * SCALE))
    _captions(ax, room, cols, x0, bottom, wrapped)
    left_out = (_draw_blocks if blocks else _draw_units)(ax, room, cols, label)
    n = network.n_parameters
    default = f"{'-'.join(str(c.n) for c in cols)} network, {n} parameter{'' if n == 1 else 's'}"
    if left_out:
        default += f"\n({left_out} weights not written on their edges: no room)"
    ax.set_title(default if title is None else title, fontsize=10)
    pin_font(fig)
    return fig


def _frame(
    ax: Axes | None, cols: list[Column], blocks: bool
) -> tuple[Figure, Axes, tuple[float, float, float, str]]:
    """The figure and axes, limits set so that one data unit is the same length on both
    axes; also the left edge and width, the bottom of the units and the wrapped legend."""
    ys = [(c.n - 1) / 2 for c in cols]
    if blocks:
        top, bottom = 1.3, -1.3
    else:
        tops = [y + 0.5 for y in ys] + [
            ys[k - 1] + 1.0 + RADIUS for k, c in enumerate(cols) if c.bias is not None
        ]
        top, bottom = max(tops), -max(ys) - 0.5
    width = max((len(cols) - 1) * GAP + 2.0, 6.0)
    x0 = ((len(cols) - 1) * GAP - width) / 2
    wrapped = textwrap.fill(_legend(cols, blocks), width=int(width * SCALE * 72 / (7 * 0.6)))
    line = 1.3 / 72 / SCALE  # the height of a line of 1 pt text, in data units
    captions = max(_caption(c, 0, 2).count("\n") + 1 for c in cols)
    below = 0.55 + captions * 8 * line + 0.25 + (wrapped.count("\n") + 1) * 7 * line + 0.15
    height = top + 0.3 - bottom + below
    fig, ax = _axes(ax, width, height)
    ax.set_xlim(x0, x0 + width)
    ax.set_ylim(top + 0.3 - height, top + 0.3)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.apply_aspect()
    return fig, ax, (x0, width, bottom, wrapped)


def _captions(
    ax: Axes, room: Occupied, cols: list[Column], x0: float, bottom: float, wrapped: str
) -> None:
    """Each column's role and size below it; the legend at the bottom."""
    for k, c in enumerate(cols):
        text = _caption(c, k, len(cols))
        caption = ax.text(k * GAP, bottom - 0.55, text, ha="center", va="top")
        caption.set_fontsize(8 * room.scale)
        room.take(caption)
    legend = ax.text(x0 + 0.15, ax.get_ylim()[0] + 0.1, wrapped, va="bottom")
    legend.set_fontsize(7 * room.scale)
    room.take(legend)


def _edge_count(c: Column) -> int:
    return (0 if c.weights is None else c.weights.size) + (0 if c.bias is None else c.bias.size)


def _axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    """The figure and axes to draw in: ``ax``'s, or a new figure of the diagram's size."""
    if ax is not None:
        return ax.figure.figure, ax
    fig = ShowableFigure(figsize=(width * SCALE, height * SCALE + 0.6))
    return fig, fig.add_axes((0.0, 0.0, 1.0, height * SCALE / (height * SCALE + 0.6)))


def _legend(cols: list[Column], blocks: bool) -> str:
    """What the symbols and colours mean (only the kinds drawn)."""
    kinds = dict.fromkeys(c.kind for c in cols)
    items = [f"{KINDS[k][0]}: {KINDS[k][1]}" for k in kinds if k not in ("input", "softmax")]
    if "softmax" in kinds:
        items.append("frame: softmax over its units")
    if blocks:
        items.append("arrows: weight matrices n_in × n_out (+ b: bias)")
    else:
        if any(c.bias is not None for c in cols):
            items.append("1: bias unit")
        items.append("edges: blue w > 0, red w < 0, width grows with |w|")
    return ";  ".join(items)


def _caption(c: Column, k: int, n_cols: int) -> str:
    role = "input" if k == 0 else "output" if k == n_cols - 1 else "hidden"
    what = ("input" if c.n == 1 else "inputs") if c.kind == "input" else f"× {KINDS[c.kind][0]}"
    if c.kind == "softmax":
        what = "× softmax"
    text = f"{role}\n{c.n} {what}"
    return text + (f"\ndropout {c.dropout:g}" if c.dropout is not None else "")


def _unit_ys(n: int) -> np.ndarray:
    return (n - 1) / 2 - np.arange(n)


def _style(w: float, biggest: float) -> dict[str, Any]:
    """Colour by sign, width by size (relative to the largest weight of the network)."""
    size = abs(w) / biggest if biggest > 0 and np.isfinite(biggest) else 0.0
    size = size if np.isfinite(size) else 1.0
    return {"color": POSITIVE if w >= 0 else NEGATIVE, "lw": 0.5 + 3.0 * size, "alpha": 0.75}


def _draw_units(ax: Axes, room: Occupied, cols: list[Column], label: bool) -> int:
    """Units, bias units and edges; the weights on the edges when ``label``. Returns the
    number of labels that found no room."""
    params = [np.abs(a) for c in cols for a in (c.weights, c.bias) if a is not None]
    biggest = max((float(np.max(a)) for a in params if a.size), default=0.0)
    edges: list[tuple[tuple[float, float], tuple[float, float], float, str]] = []
    for k, c in enumerate(cols):
        x, ys = k * GAP, _unit_ys(c.n)
        for j, y in enumerate(ys):
            room.take(ax.add_patch(Circle((x, y), RADIUS, fc="white", ec="0.2", lw=1.2, zorder=3)))
            symbol = f"x{j + 1}" if c.kind == "input" else KINDS[c.kind][0]
            ax.text(
                x,
                y,
                symbol,
                ha="center",
                va="center",
                zorder=4,
                fontsize=(9 if len(symbol) < 3 else 6) * room.scale,
            )
        if c.kind == "softmax":
            frame = FancyBboxPatch(
                (x - 0.45, ys[-1] - 0.45),
                0.9,
                ys[0] - ys[-1] + 0.9,
                boxstyle="round,pad=0.02",
                fc="none",
                ec="tab:purple",
                lw=1.2,
            )
            room.take(ax.add_patch(frame))
        if k == 0:
            continue
        xb, yb = (k - 1) * GAP, _unit_ys(cols[k - 1].n)
        for j, y in enumerate(ys):
            if c.weights is None:
                ax.plot([xb, x], [yb[j], y], color=PLAIN, lw=1.0, ls="--", zorder=1)
            else:
                for i, y_from in enumerate(yb):
                    w = float(c.weights[i, j])
                    name = f"{c.weight_name}[{i},{j}]"
                    ax.plot([xb, x], [y_from, y], zorder=1, gid=name, **_style(w, biggest))
                    edges.append(((xb, y_from), (x, y), w, name))
        if c.bias is not None:
            y_bias = yb[0] + 1.0
            room.take(
                ax.add_patch(Circle((xb, y_bias), RADIUS * 0.8, fc="0.92", ec="0.2", zorder=3))
            )
            ax.text(xb, y_bias, "1", ha="center", va="center", fontsize=8 * room.scale, zorder=4)
            for j, y in enumerate(ys):
                b = float(c.bias[j])
                name = f"{c.bias_name}[{j}]"
                ax.plot([xb, x], [y_bias, y], zorder=1, ls=":", gid=name, **_style(b, biggest))
                edges.append(((xb, y_bias), (x, y), b, name))
    if not label:
        return 0
    return sum(not _edge_label(ax, room, *edge) for edge in edges)


def _edge_label(
    ax: Axes,
    room: Occupied,
    start: tuple[float, float],
    end: tuple[float, float],
    value: float,
    gid: str,
) -> bool:
    """Write ``value`` on the edge from ``start`` to ``end`` where it fits, in the colour
    of its sign."""
    text = ax.text(
        start[0],
        start[1],
        format(value, ".3g"),
        fontsize=7 * room.scale,
        ha="center",
        va="center",
        zorder=5,
        gid=gid,
        color="navy" if value >= 0 else "darkred",  # the edge's colour, darker
        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
    )
    return room.place(text, along(start, end))


def _draw_blocks(ax: Axes, room: Occupied, cols: list[Column], label: bool) -> int:
    """Every column as a block ``n × kind``; arrows with the weight matrices' shapes."""
    for k, c in enumerate(cols):
        x = k * GAP
        colour = "tab:purple" if c.kind == "softmax" else "0.2"
        block = FancyBboxPatch(
            (x - 0.7, -1.1),
            1.4,
            2.2,
            boxstyle="round,pad=0.05",
            fc="white",
            ec=colour,
            lw=1.2,
            zorder=3,
        )
        room.take(ax.add_patch(block))
        name = (
            "inputs"
            if c.kind == "input"
            else "softmax"
            if c.kind == "softmax"
            else KINDS[c.kind][0]
        )
        ax.text(
            x, 0.0, f"{c.n}\n{name}", ha="center", va="center", fontsize=9 * room.scale, zorder=4
        )
        if k == 0:
            continue
        ax.add_patch(
            FancyArrowPatch(
                ((k - 1) * GAP + 0.75, 0.0),
                (x - 0.75, 0.0),
                arrowstyle="-|>",
                mutation_scale=12,
                color="0.3",
                lw=1.5,
            )
        )
        shape = "1:1" if c.weights is None else f"W {c.weights.shape[0]}×{c.weights.shape[1]}"
        text = shape + (" + b" if c.bias is not None else "")
        note = ax.text(0, 0, text, fontsize=7 * room.scale, ha="center", va="bottom")
        mid = (k - 0.5) * GAP
        room.place(note, [(mid, 0.1), (mid, 0.35), (mid, -0.45)])
    return 0
