"""Hand a trained network on: to PyTorch and back, and to ONNX.

* :func:`to_torch` turns a :class:`~scratchnn.network.Sequential` into a
  ``torch.nn.Sequential`` with the same layers, weights and dtype;
  :func:`from_torch` is the way back for the layers both libraries have.
* :func:`to_onnx` writes a ``Sequential`` or a fitted
  :class:`~scratchnn.estimators.MLPClassifier` / :class:`~scratchnn.estimators.MLPRegressor`
  as an ONNX graph of standard operators (opset :data:`OPSET`), which onnxruntime runs.

The core package never imports PyTorch or onnx: these functions import them when called
(ImportError naming the extra otherwise): ``pip install 'scratchnn[torch]'`` for the first
two, ``pip install 'scratchnn[onnx]'`` (onnx and onnxruntime) for the third. The user guide's
page *Deployment* shows them at work.
"""

from __future__ import annotations

from ._onnx import to_onnx
from ._onnx_graph import OPSET
from ._torch import from_torch, to_torch

__all__ = ["to_torch", "from_torch", "to_onnx", "OPSET"]
