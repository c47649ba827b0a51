"""A network or a fitted estimator as an ONNX file: :func:`to_onnx`.

The graph's operators are in :mod:`scratchnn.interop._onnx_graph` (opset
:data:`~scratchnn.interop.OPSET`); this module adds the estimators' heads, as skl2onnx
converts scikit-learn's ``MLPClassifier`` (``zipmap=False``) and ``MLPRegressor``:

* a classifier outputs ``label`` and ``probabilities``:

  - multi-class (``Softmax`` output): ``probabilities`` the softmax, shape
    ``(N, n_classes)``; ``label`` = ``classes_[ArgMax(probabilities)]``, shape ``(N,)``;
  - binary (one ``Logistic`` unit :math:`p`, scikit-learn's way): ``probabilities`` =
    ``[1 - p, p]``, shape ``(N, 2)``; ``label`` = ``classes_[p > 0.5]``, shape ``(N,)``;
  - multi-label (one ``Logistic`` unit per label): ``probabilities`` shape
    ``(N, n_labels)``; ``label`` the 0/1 indicator matrix ``p > 0.5`` (int64), same shape;

  ``classes_`` of any dtype ONNX holds (integers, floats, booleans, strings) are a constant
  of the graph, and ``label`` has their dtype;
* a regressor outputs ``variable``, shape ``(N,)`` for one output (as ``predict``; skl2onnx
  keeps ``(N, 1)``) or ``(N, n_outputs)``;
* a ``Sequential`` outputs ``Y``, the network's output, shape ``(N, n_out)``.

The input is ``X``, shape ``(N, n_features)``, in the model's dtype (float32 or float64);
the estimators scale neither inputs nor targets, so the graph is the network and its head.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from .._io import atomic_write
from ..network import Sequential
from ._extras import require
from ._onnx_graph import GraphBuilder

__all__ = ["to_onnx"]


def _value_info(onnx: Any, name: str, elem_type: int, shape: list[Any]) -> Any:
    return onnx.helper.make_tensor_value_info(name, elem_type, shape)


def _network_graph(onnx: Any, network: Sequential) -> Any:
    """A ``Sequential``: ``X`` in, ``Y`` out."""
    g = GraphBuilder(onnx, network.dtype or np.float64)
    n_in = network.n_features_in
    n_out = network.output_shapes(n_in)[-1][-1] if n_in is not None else None
    g.network(network, "X")
    g.nodes[-1].output[0] = "Y"
    inputs = [_value_info(onnx, "X", g.tensor_type(), ["N", n_in])]
    outputs = [_value_info(onnx, "Y", g.tensor_type(), ["N", n_out])]
    return g.model(inputs, outputs, f"scratchnn network\n{network!r}")


def _classifier_head(g: GraphBuilder, estimator: Any, p: str) -> int:
    """Nodes from the network output ``p`` to ``probabilities`` and ``label``; the ONNX
    element type of ``label``."""
    kind, classes = estimator._y_type, np.asarray(estimator.classes_)
    if kind == "multilabel-indicator":
        g.node("Identity", [p], "probabilities")
        above = g.node("Greater", [p, g.constant("threshold", 0.5)])
        int_ = np.dtype(int)
        g.node("Cast", [above], "label", to=g.tensor_type(int_))
        return g.tensor_type(int_)
    if classes.dtype.kind not in "biufU":
        raise ValueError(f"to_onnx: classes_ of dtype {classes.dtype} have no ONNX type")
    table = g.constant("classes", classes, dtype=classes.dtype)
    if kind == "binary":
        one_minus = g.node("Sub", [g.constant("one", 1.0), p])
        g.node("Concat", [one_minus, p], "probabilities", axis=1)
        above = g.node("Greater", [p, g.constant("threshold", 0.5)])
        index = g.node("Cast", [above], to=int(g.onnx.TensorProto.INT64))
        flat = g.node("Reshape", [index, g.constant("flat", [-1], dtype=np.int64)])
    else:
        g.node("Identity", [p], "probabilities")
        flat = g.node("ArgMax", [p], axis=1, keepdims=0)
    g.node("Gather", [table, flat], "label", axis=0)
    return g.tensor_type(classes.dtype)


def _estimator_graph(onnx: Any, estimator: Any) -> Any:
    """A fitted ``MLPClassifier`` or ``MLPRegressor``: ``X`` in, the head's outputs out."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "network_")
    network = estimator.network_
    g = GraphBuilder(onnx, network.dtype)
    y = g.network(network, "X")
    n_in, n_out = estimator.n_features_in_, estimator.n_outputs_
    inputs = [_value_info(onnx, "X", g.tensor_type(), ["N", n_in])]
    if estimator._is_classifier:
        label_type = _classifier_head(g, estimator, y)
        n_classes = len(estimator.classes_)
        multilabel = estimator._y_type == "multilabel-indicator"
        outputs = [
            _value_info(onnx, "label", label_type, ["N", n_classes] if multilabel else ["N"]),
            _value_info(onnx, "probabilities", g.tensor_type(), ["N", n_classes]),
        ]
    elif n_out == 1:
        g.node("Reshape", [y, g.constant("flat", [-1], dtype=np.int64)], "variable")
        outputs = [_value_info(onnx, "variable", g.tensor_type(), ["N"])]
    else:
        g.node("Identity", [y], "variable")
        outputs = [_value_info(onnx, "variable", g.tensor_type(), ["N", n_out])]
    return g.model(inputs, outputs, f"scratchnn {estimator!r}")


def to_onnx(model: Any, path: str | os.PathLike) -> Path:
    """Write a network or a fitted estimator as an ONNX file.

    Parameters
    ----------
    model : Sequential, MLPClassifier or MLPRegressor
        A :class:`~scratchnn.network.Sequential` of the layers of :mod:`scratchnn.layers`
        (``Dropout`` becomes the identity: ONNX graphs here are for inference), or a fitted
        :class:`~scratchnn.estimators.MLPClassifier` or
        :class:`~scratchnn.estimators.MLPRegressor`. float32 or float64 parameters.
    path : str or os.PathLike
        The file to write (its folder must exist; an existing file is replaced). Written to a
        temporary file in the same folder, then renamed: never left half written.

    Returns
    -------
    pathlib.Path
        ``path``. The model passes ``onnx.checker.check_model`` (checked before writing).
        Input ``X``, shape ``(N, n_features)``, in the model's dtype; outputs ``Y`` (a
        network, shape ``(N, n_out)``), ``label`` and ``probabilities`` (a classifier) or
        ``variable`` (a regressor), as the user guide's page *Deployment* describes;
        onnxruntime's results are ``predict``'s and ``predict_proba``'s.

    Raises
    ------
    ImportError
        Without onnx (the ``onnx`` extra).
    TypeError
        If ``model`` is neither, or holds a layer without ONNX operators (named).
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    ValueError
        If the classes' dtype has no ONNX type (e.g. bytes).
    """
    onnx = require("onnx", "onnx")
    if isinstance(model, Sequential):
        proto = _network_graph(onnx, model)
    else:
        from ..estimators import MLPClassifier, MLPRegressor

        if not isinstance(model, (MLPClassifier, MLPRegressor)):
            raise TypeError(
                "to_onnx takes a scratchnn Sequential or a fitted scratchnn MLPClassifier or "
                f"MLPRegressor, got {type(model).__name__}"
            )
        proto = _estimator_graph(onnx, model)
    onnx.checker.check_model(proto, full_check=True)
    data = proto.SerializeToString()
    return atomic_write(path, lambda handle: handle.write(data))
