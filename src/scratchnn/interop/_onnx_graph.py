"""A scratchnn network as ONNX nodes: each layer one or a few standard operators.

==================  ===============================================  ==================
scratchnn           ONNX operators (opset :data:`OPSET`)              computes
==================  ===============================================  ==================
``Linear``          ``MatMul`` (``W``), then ``Add`` (``b``)          :math:`XW + b`
``Bias``            ``Add``                                           :math:`x + b`
``Identity``        ``Identity``                                      :math:`x`
``Logistic``        ``Sigmoid``                                       :math:`1/(1+e^{-x})`
``Exp``             ``Exp``                                           :math:`e^{x}`
``Softmax``         ``Softmax`` (``axis=-1``)                         row-wise softmax
``GaussianRBF``     ``Mul`` (:math:`x \\cdot x`), ``Neg``, ``Exp``    :math:`e^{-x^2}`
``Tanh``, ``ReLU``  ``Tanh``, ``Relu``                                as named
``Dropout``         ``Identity``                                      inference: :math:`x`
==================  ===============================================  ==================

Weights are initializers in the network's dtype (float32 or float64), named
``layers.<index>.<param>`` after the layer's index and parameter name.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import layers as L
from ..network import Sequential

__all__ = ["OPSET", "IR_VERSION", "GraphBuilder"]

#: The ONNX opset of the exported graphs (standard domain ``""``).
OPSET = 17
#: The ONNX IR version of the exported files (IR 8 came with opset 17, in onnx 1.12).
IR_VERSION = 8

_SIMPLE = {
    L.Identity: "Identity",
    L.Dropout: "Identity",
    L.Logistic: "Sigmoid",
    L.Exp: "Exp",
    L.Tanh: "Tanh",
    L.ReLU: "Relu",
}


class GraphBuilder:
    """Nodes and initializers of one graph, with fresh names.

    Parameters
    ----------
    onnx : module
        The imported ``onnx`` package.
    dtype : numpy dtype
        float32 or float64: the dtype of the network, of its input and of its constants.
    """

    def __init__(self, onnx: Any, dtype: Any) -> None:
        self.onnx = onnx
        self.dtype = np.dtype(dtype)
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def constant(self, name: str, value: Any, dtype: Any = None) -> str:
        """Add ``value`` as an initializer named ``name`` (in ``dtype``, default the
        graph's); return the name."""
        array = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        if array.dtype.kind == "U":  # ONNX strings: numpy_helper takes Python str objects
            array = array.astype(object)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], output: str | None = None, **attrs: Any) -> str:
        """Add one ``op`` node; return its output's name (``output``, or a fresh one)."""
        self._count += 1
        output = output or f"{op.lower()}_{self._count}"
        node = self.onnx.helper.make_node(op, inputs, [output], name=f"{op}_{self._count}", **attrs)
        self.nodes.append(node)
        return output

    def layer(self, i: int, layer: L.Layer, x: str) -> str:
        """The nodes of ``layer`` (index ``i`` in its network) applied to ``x``; the name of
        their output. TypeError for a layer without ONNX operators."""
        kind = type(layer)
        if kind in _SIMPLE:
            return self.node(_SIMPLE[kind], [x])
        if kind is L.Softmax:
            return self.node("Softmax", [x], axis=-1)
        if kind is L.GaussianRBF:
            return self.node("Exp", [self.node("Neg", [self.node("Mul", [x, x])])])
        if kind is L.Linear:
            x = self.node("MatMul", [x, self.constant(f"layers.{i}.W", layer.params["W"])])
        if kind in (L.Linear, L.Bias):
            if "b" in layer.params:
                x = self.node("Add", [x, self.constant(f"layers.{i}.b", layer.params["b"])])
            return x
        raise TypeError(
            f"to_onnx: layer {i} ({layer!r}, {kind.__module__}.{kind.__qualname__}) has no "
            "ONNX operators; supported: "
            + ", ".join(sorted(cls.__name__ for cls in L.LAYER_TYPES.values()))
        )

    def network(self, network: Sequential, x: str) -> str:
        """The nodes of every layer of ``network`` applied to ``x``, in order; the name of
        the network's output, shape ``(N, n_out)``."""
        for i, layer in enumerate(network.layers):
            x = self.layer(i, layer, x)
        return x

    def tensor_type(self, dtype: Any = None) -> int:
        """The ONNX element type of ``dtype`` (default the graph's); strings are STRING."""
        dtype = np.dtype(self.dtype if dtype is None else dtype)
        if dtype.kind in "UO":
            return int(self.onnx.TensorProto.STRING)
        return int(self.onnx.helper.np_dtype_to_tensor_dtype(dtype))

    def model(self, inputs: list[Any], outputs: list[Any], doc: str) -> Any:
        """The ONNX model of the graph (opset :data:`OPSET`, IR :data:`IR_VERSION`)."""
        from .._version import __version__

        helper = self.onnx.helper
        graph = helper.make_graph(
            self.nodes, "scratchnn", inputs, outputs, initializer=self.initializers
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            producer_name="scratchnn",
            producer_version=__version__,
            doc_string=doc,
        )
        model.ir_version = IR_VERSION
        return model
