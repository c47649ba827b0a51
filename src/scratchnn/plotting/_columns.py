"""A :class:`~scratchnn.network.Sequential` read as columns of units, as the series draws it.

A ``Linear`` layer starts a column of linear sums (its weights on the edges into it, its bias
from a bias unit); an activation after it turns that column's units into its kind
(logistic σ, Gaussian RBF φ, softmax …). A ``Bias`` after an activation, or an activation
after an activation, starts a new column joined one to one to the one before. ``Dropout``
is noted on the column it follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..layers import (
    Bias,
    Dropout,
    Exp,
    GaussianRBF,
    Identity,
    Layer,
    Linear,
    Logistic,
    ReLU,
    Softmax,
    Tanh,
)
from ..network import Sequential

__all__ = ["Column", "columns", "KINDS", "check_network"]

#: Unit kind -> (symbol drawn in the unit, what it computes).
KINDS = {
    "input": ("x", "input"),
    "sum": ("Σ", "linear sum Σ"),
    "logistic": ("σ", "logistic σ(z) = 1/(1+exp(−z))"),
    "rbf": ("φ", "Gaussian RBF φ(z) = exp(−z²)"),
    "softmax": ("Σ", "softmax over the column"),
    "tanh": ("tanh", "tanh"),
    "relu": ("ReLU", "ReLU max(z, 0)"),
    "exp": ("exp", "exponential exp(z)"),
    "identity": ("Σ", "identity"),
}

#: Activation layer -> unit kind.
ACTIVATIONS: dict[type[Layer], str] = {
    Logistic: "logistic",
    GaussianRBF: "rbf",
    Softmax: "softmax",
    Tanh: "tanh",
    ReLU: "relu",
    Exp: "exp",
    Identity: "identity",
}


@dataclass
class Column:
    """One column of units.

    Attributes
    ----------
    n : int
        Number of units.
    kind : str
        A key of :data:`KINDS`.
    weights : ndarray of shape (n_before, n), or None
        The weights on the edges from the column before (a ``Linear``'s ``W``); None for
        one-to-one edges of weight 1 (or none, for the input column).
    weight_name : str
        The engine's name of ``weights`` (``"0.W"``), or "".
    bias : ndarray of shape (n,), or None
        The bias of every unit, from a bias unit.
    bias_name : str
        The engine's name of ``bias`` (``"0.b"``, ``"2.b"``), or "".
    dropout : float or None
        The rate of a ``Dropout`` on the column's outputs.
    """

    n: int
    kind: str
    weights: np.ndarray | None = None
    weight_name: str = ""
    bias: np.ndarray | None = None
    bias_name: str = ""
    dropout: float | None = None


def check_network(network: object, what: str) -> Sequential:
    """``network`` itself; TypeError unless it is a ``Sequential``."""
    if not isinstance(network, Sequential):
        raise TypeError(
            f"{what} draws a scratchnn.network.Sequential, got {type(network).__name__}"
        )
    return network


def columns(network: Sequential, n_inputs: int | None = None) -> list[Column]:
    """The columns of ``network``, the inputs first.

    Raises
    ------
    ValueError
        When the number of inputs is unknown (``n_inputs`` missing and the network does not
        fix it) or a layer does not fit the one below it.
    TypeError
        For a layer of a kind the diagram does not know.
    """
    n_in = network.n_features_in if n_inputs is None else int(n_inputs)
    if n_in is None:
        raise ValueError("the network's number of inputs is unknown: pass n_inputs")
    network.output_shapes(n_in)  # raises for layers that do not fit
    cols = [Column(n_in, "input")]
    for i, layer in enumerate(network.layers):
        last = cols[-1]
        if isinstance(layer, Linear):
            cols.append(Column(layer.n_out, "sum", layer.params["W"], f"{i}.W", *_bias(layer, i)))
        elif isinstance(layer, Bias):
            if last.kind == "sum" and last.weights is not None and last.bias is None:
                last.bias, last.bias_name = layer.params["b"], f"{i}.b"
            else:
                cols.append(Column(last.n, "sum", bias=layer.params["b"], bias_name=f"{i}.b"))
        elif isinstance(layer, Dropout):
            last.dropout = layer.rate
        elif type(layer) in ACTIVATIONS:
            kind = ACTIVATIONS[type(layer)]
            if last.kind == "sum" and last.dropout is None:
                last.kind = kind
            else:
                cols.append(Column(last.n, kind))
        else:
            raise TypeError(f"layer {i} ({layer!r}) is of a kind the diagram cannot draw")
    return cols


def _bias(layer: Linear, i: int) -> tuple[np.ndarray | None, str]:
    return (layer.params["b"], f"{i}.b") if layer.bias else (None, "")
