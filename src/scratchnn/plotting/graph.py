"""One sample's forward and backward pass as a graph of operations (micrograd's picture).

Every number of the pass is a box: the inputs :math:`x_a`, every weight and bias, every
unit's output after each layer, the targets and the loss :math:`\\xi`. Each box shows its
value (``data``, from the engine's forward pass) and its gradient :math:`\\partial\\xi/\\partial
\\cdot` (``grad``, from the engine's backward pass: the layers' own ``backward`` and the
loss's gradient, fused with the output layer where the engine fuses them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..layers import Bias, Dropout, Linear, Softmax
from ..losses import Loss
from ..network import Sequential
from ._columns import ACTIVATIONS, KINDS, check_network
from ._placement import pin_font
from ._show import ShowableFigure
from ._style import styled

__all__ = ["computation_graph", "GraphTrace", "trace_sample", "MAX_PARAMETERS", "MAX_WIDTH"]

#: The most parameters (one box each) :func:`computation_graph` draws.
MAX_PARAMETERS = 24
#: The most units in one layer :func:`computation_graph` draws.
MAX_WIDTH = 6

COL, ROW = 1.8, 0.62  # inches between columns and between boxes
COLOURS = {"leaf": "0.93", "param": "#fff1c1", "op": "#dbe9f6", "loss": "#f6d5d5"}


@dataclass
class GraphTrace:
    """One sample's pass through the network, as the engine computes it.

    Attributes
    ----------
    x, t : ndarray, shapes (1, n_in) and (1, n_out)
        The sample and its target, in the network's dtype.
    outputs : list of ndarray, each of shape (1, n_i)
        Every layer's output.
    output_grads : list of ndarray
        :math:`\\partial\\xi/\\partial` every layer's output.
    input_grad : ndarray, shape (1, n_in)
        :math:`\\partial\\xi/\\partial x`.
    param_grads : dict of str to ndarray
        :math:`\\partial\\xi/\\partial\\theta` by the engine's parameter names (``"0.W"``).
    loss : float
        :math:`\\xi`.
    """

    x: np.ndarray
    t: np.ndarray
    outputs: list[np.ndarray]
    output_grads: list[np.ndarray]
    input_grad: np.ndarray
    param_grads: dict[str, np.ndarray]
    loss: float


def trace_sample(network: Sequential, loss: Loss, x: Any, t: Any) -> GraphTrace:
    """Forward and backward pass of one sample with the engine's layers and loss.

    Dropout is off (evaluation mode). The network is left as it was: its layers' modes and
    their ``grads`` are restored afterwards.
    """
    dtype = network.dtype or np.dtype(np.float64)
    x = np.asarray(x, dtype=dtype).reshape(1, -1)
    t = np.asarray(t, dtype=dtype).reshape(1, -1)
    network.check_features(x, "x")
    layers = network.layers
    modes = [layer.training for layer in layers]
    saved = [{k: g.copy() for k, g in layer.grads.items()} for layer in layers]
    network.eval()
    try:
        outputs, h = [], x
        for layer in layers:
            h = layer.forward(h)
            outputs.append(h)
        z = outputs[-2] if len(layers) > 1 else x
        value = network.loss_value(loss, z, outputs[-1], t)
        grads: list[Any] = [None] * len(layers)
        if network.fuses_with(loss):
            grads[-1] = loss.gradient(outputs[-1], t)
            g, start = loss.fused_gradient(outputs[-1], t), len(layers) - 2
        else:
            g, start = loss.gradient(outputs[-1], t), len(layers) - 1
        for i in range(start, -1, -1):
            grads[i] = g
            g = layers[i].backward(g)
        params = {
            f"{i}.{k}": layer.grads[k].copy() for i, layer in enumerate(layers) for k in layer.grads
        }
    finally:
        for layer, mode, grad in zip(layers, modes, saved):
            layer.training = mode
            for k, v in grad.items():
                layer.grads[k][...] = v
    return GraphTrace(x, t, outputs, grads, g, params, float(value))


@dataclass
class _Node:
    key: str
    text: str
    kind: str
    col: int
    row: int


def _check_size(network: Sequential, n_in: int) -> int:
    """The number of outputs; ValueError naming the limits when the network is too big."""
    widths = [network.n_features_in or n_in]
    widths += [shape[-1] for shape in network.output_shapes(widths[0])]
    n_params = network.n_parameters
    if n_params > MAX_PARAMETERS or max(widths) > MAX_WIDTH:
        raise ValueError(
            f"computation_graph draws networks of at most {MAX_PARAMETERS} parameters and "
            f"{MAX_WIDTH} units per layer (a box for every number); this one has {n_params} "
            f"parameters and {max(widths)} units in its widest layer: draw it with "
            "network_diagram"
        )
    return widths[-1]


def _box(title: str, value: float, grad: float | None) -> str:
    text = f"{title}\ndata {value + 0.0:.4g}"  # + 0.0: no "-0"
    return text + (f"\ngrad {grad + 0.0:.4g}" if grad is not None else "")


def _symbol(layer: Any) -> str:
    if isinstance(layer, Linear):
        return "Σ"
    if isinstance(layer, Bias):
        return "+"
    if isinstance(layer, Dropout):
        return "dropout"
    if isinstance(layer, Softmax):
        return "softmax"
    return (
        KINDS[ACTIVATIONS[type(layer)]][0] if type(layer) in ACTIVATIONS else type(layer).__name__
    )


def _nodes(network: Sequential, tr: GraphTrace) -> tuple[list[_Node], list[tuple[str, str]]]:
    """The boxes, column by column, and the edges between them (by key)."""
    nodes = [
        _Node(f"x[{a}]", _box(f"x[{a}]", tr.x[0, a], tr.input_grad[0, a]), "leaf", 0, a)
        for a in range(tr.x.shape[1])
    ]
    edges: list[tuple[str, str]] = []
    below, col = [n.key for n in nodes], 1
    for i, layer in enumerate(network.layers):
        out, grad = tr.outputs[i][0], tr.output_grads[i]
        keys = [f"{i}.out[{j}]" for j in range(out.size)]
        if layer.params:
            row = 0
            for j, key in enumerate(keys):
                for name, p in layer.params.items():
                    index = [(a, j) for a in range(p.shape[0])] if p.ndim == 2 else [(j,)]
                    for ix in index:
                        pkey = f"{i}.{name}[{','.join(map(str, ix))}]"
                        g = tr.param_grads[f"{i}.{name}"][ix]
                        nodes.append(_Node(pkey, _box(pkey, p[ix], g), "param", col, row))
                        edges.append((pkey, key))
                        row += 1
            col += 1
        for j, key in enumerate(keys):
            g = None if grad is None else grad[0, j]
            title = f"{_symbol(layer)}  {i}.out[{j}]"
            nodes.append(_Node(key, _box(title, out[j], g), "op", col, j))
        for j, key in enumerate(keys):
            sources = below if isinstance(layer, (Linear, Softmax)) else [below[j]]
            edges += [(src, key) for src in sources]
        below, col = keys, col + 1
    for k in range(tr.t.shape[1]):
        nodes.append(_Node(f"t[{k}]", _box(f"t[{k}]", tr.t[0, k], None), "leaf", col, k))
        edges += [(below[k], "loss"), (f"t[{k}]", "loss")]
    nodes.append(_Node("loss", _box("ξ  loss", tr.loss, 1.0), "loss", col + 1, 0))
    return nodes, edges


@styled("white")
def computation_graph(
    network: Sequential,
    loss: Loss,
    x: Any,
    t: Any,
    ax: Axes | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Draw one sample's forward and backward pass through ``network`` as a graph.

    Columns from left to right: the inputs, then for every layer its parameters (one box
    per weight and bias, grouped by the unit they feed) and its outputs (one box per unit,
    titled with the operation: Σ for a ``Linear`` sum, + for a ``Bias``, σ, φ, softmax …),
    then the targets and the loss :math:`\\xi`. Every box shows its value and its gradient
    :math:`\\partial\\xi/\\partial\\cdot`, both computed by the engine
    (``scratchnn.plotting.graph.trace_sample``).

    Parameters
    ----------
    network : Sequential
        At most ``MAX_PARAMETERS`` (24) parameters and ``MAX_WIDTH`` (6) units per layer
        (constants of ``scratchnn.plotting.graph``).
    loss : scratchnn.losses.Loss
    x : array_like, shape (n_in,) or (1, n_in)
        The sample.
    t : array_like, shape (n_out,) or (1, n_out)
        Its target.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure sized to the graph.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        Each box is a text whose ``gid`` names its number: ``"x[0]"``, ``"0.W[1,2]"`` (the
        engine's parameter names), ``"2.out[1]"`` (unit 1 of layer 2's output), ``"t[0]"``,
        ``"loss"``.

    Raises
    ------
    TypeError
        If ``network`` is not a ``Sequential``.
    ValueError
        If the network is too big (the message names the limits), or ``x`` or ``t`` does
        not fit it.
    """
    network = check_network(network, "computation_graph")
    n_out = _check_size(network, max(int(np.size(x)), 1))
    if np.size(t) != n_out:
        raise ValueError(f"t must have {n_out} values (the network's outputs), got {np.size(t)}")
    tr = trace_sample(network, loss, x, t)
    nodes, edges = _nodes(network, tr)
    fig, ax = _draw(ax, nodes, edges)
    ax.set_title(
        title
        if title is not None
        else "One sample through the network: data = forward value, grad = ∂ξ/∂(box), "
        "both from the engine",
        fontsize=9,
    )
    pin_font(fig)
    return fig


def _draw(ax: Axes | None, nodes: list[_Node], edges: list[tuple[str, str]]) -> tuple[Figure, Axes]:
    """The units' boxes in a band around y = 0, each column centred; the parameters and
    targets stacked above the band (so no edge between units runs behind them); the edges
    behind the boxes."""
    n_cols = max(n.col for n in nodes) + 1
    lifted = {n.key for n in nodes if n.kind == "param" or n.key.startswith("t[")}
    rows = [sum(n.col == c for n in nodes) for c in range(n_cols)]
    band = max(r for c, r in enumerate(rows) if not _is_lifted(nodes, c, lifted))
    top = (band - 1) / 2 * ROW
    stack = max([r for c, r in enumerate(rows) if _is_lifted(nodes, c, lifted)], default=0)
    low, high = -top - ROW / 2 - 0.15, top + stack * ROW + ROW / 2 + 0.15
    width, height = n_cols * COL, high - low
    if ax is None:
        fig = ShowableFigure(figsize=(width, height + 0.6))
        ax = fig.add_axes((0.0, 0.0, 1.0, height / (height + 0.6)))
    fig = ax.figure.figure  # type: ignore[assignment]
    ax.set_xlim(-COL / 2, width - COL / 2)
    ax.set_ylim(low, high)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    where = {
        n.key: (
            n.col * COL,
            top + (rows[n.col] - n.row) * ROW
            if n.key in lifted
            else ((rows[n.col] - 1) / 2 - n.row) * ROW,
        )
        for n in nodes
    }
    half = {n.key: _half_width(n.text) for n in nodes}
    for src, dst in edges:  # from the right side of a box to the left side of the next
        (x0, y0), (x1, y1) = where[src], where[dst]
        ax.plot([x0 + half[src], x1 - half[dst]], [y0, y1], color="0.6", lw=0.7, zorder=1)
    for n in nodes:
        box = {"boxstyle": "round,pad=0.4", "fc": COLOURS[n.kind], "ec": "0.4", "lw": 0.6}
        ax.text(*where[n.key], n.text, ha="center", va="center", fontsize=6.5, gid=n.key,
                zorder=3, linespacing=1.15, bbox=box)  # fmt: skip
    return fig, ax


def _half_width(text: str) -> float:
    """About half the width of a box of ``text`` in inches (6.5 pt characters, padding)."""
    return (max(map(len, text.splitlines())) * 6.5 * 0.55 + 2 * 0.4 * 6.5) / 72 / 2


def _is_lifted(nodes: list[_Node], col: int, lifted: set[str]) -> bool:
    """Whether column ``col`` holds parameters or targets (stacked above the units)."""
    return any(n.col == col and n.key in lifted for n in nodes)
