"""A scratchnn network to PyTorch and back: :func:`to_torch` and :func:`from_torch`.

Every scratchnn layer has a PyTorch module computing the same function with the same
parameters in the same dtype:

=========================  =================================================
scratchnn                  PyTorch
=========================  =================================================
``Linear(n_in, n_out)``    ``nn.Linear(n_in, n_out)``, ``weight`` = ``W.T``
``Bias(n)``                ``torch_layers.Bias(n)`` (parameter ``bias``)
``Identity``               ``nn.Identity``
``Logistic``               ``nn.Sigmoid``
``Exp``                    ``torch_layers.Exp``
``Softmax``                ``nn.Softmax(dim=-1)``
``GaussianRBF``            ``torch_layers.GaussianRBF``
``Tanh``, ``ReLU``         ``nn.Tanh``, ``nn.ReLU``
``Dropout(rate)``          ``nn.Dropout(p=rate)``
=========================  =================================================

Dropout is inverted dropout on both sides (survivors scaled by :math:`1/(1-p)` in training,
the identity in evaluation), so the modules agree exactly in evaluation mode; in training
they draw different masks (different generators). Each module gets its layer's mode
(``layer.training``), and back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import layers as L
from ..network import Sequential
from . import torch_layers
from ._extras import require

__all__ = ["to_torch", "from_torch"]

_DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.float64): "float64"}


def _torch_module(torch: Any, layer: L.Layer, dtype: Any) -> Any:
    """The PyTorch module of one scratchnn layer, parameters copied (None: unsupported)."""
    nn, kind = torch.nn, type(layer)
    simple = {
        L.Identity: nn.Identity,
        L.Logistic: nn.Sigmoid,
        L.Tanh: nn.Tanh,
        L.ReLU: nn.ReLU,
        L.Exp: lambda: torch_layers.Exp(),
        L.GaussianRBF: lambda: torch_layers.GaussianRBF(),
        L.Softmax: lambda: nn.Softmax(dim=-1),
    }
    if kind in simple:
        return simple[kind]()
    if type(layer) is L.Dropout:
        return nn.Dropout(p=layer.rate)
    if type(layer) is L.Linear:
        module = nn.Linear(layer.n_in, layer.n_out, bias=layer.bias, dtype=dtype)
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(np.ascontiguousarray(layer.params["W"].T)))
            if layer.bias:
                module.bias.copy_(torch.from_numpy(layer.params["b"]))
        return module
    if type(layer) is L.Bias:
        module = torch_layers.Bias(layer.n_features, dtype=dtype)
        with torch.no_grad():
            module.bias.copy_(torch.from_numpy(layer.params["b"]))
        return module
    return None


def to_torch(network: Sequential) -> Any:
    """The same network as a ``torch.nn.Sequential``: same layers, weights and dtype.

    Parameters
    ----------
    network : Sequential
        Any network of the layers of :mod:`scratchnn.layers` (every one: the table of the
        user guide's page *Deployment*); float32 or float64 parameters.

    Returns
    -------
    torch.nn.Sequential
        One module per layer, in order, parameters copied (the two networks share no memory)
        in the network's dtype (float64 for a network without parameters), each module in its
        layer's mode (``layer.training``). Given a batch ``x`` of shape ``(N, n_in)`` it
        computes ``network.forward(x)``, shape ``(N, n_out)``; gradients are PyTorch's
        autograd of the same function.

    Raises
    ------
    ImportError
        Without PyTorch (the ``torch`` extra).
    TypeError
        If ``network`` is not a ``Sequential``, or has a layer without a PyTorch counterpart
        (named, with its index).
    ValueError
        If the parameters are neither float32 nor float64.

    See Also
    --------
    from_torch : the way back.
    """
    if not isinstance(network, Sequential):
        raise TypeError(f"to_torch needs a scratchnn Sequential, got {type(network).__name__}")
    torch = require("torch", "torch")
    dtype = np.dtype(network.dtype or np.float64)
    if dtype not in _DTYPES:
        raise ValueError(f"to_torch: parameters must be float32 or float64, got {dtype}")
    torch_dtype = getattr(torch, _DTYPES[dtype])
    modules = []
    for i, layer in enumerate(network.layers):
        module = _torch_module(torch, layer, torch_dtype)
        if module is None:
            raise TypeError(
                f"to_torch: layer {i} ({layer!r}, {type(layer).__module__}."
                f"{type(layer).__qualname__}) has no PyTorch counterpart; supported: "
                + ", ".join(sorted(cls.__name__ for cls in L.LAYER_TYPES.values()))
            )
        modules.append(module.train(layer.training))
    return torch.nn.Sequential(*modules)


def _flatten(module: Any, prefix: str, nn: Any) -> list[tuple[str, Any]]:
    """``(name, module)`` of every leaf of nested ``nn.Sequential`` containers."""
    if type(module) is not nn.Sequential:
        return [(prefix or type(module).__name__, module)]
    found = []
    for name, child in module.named_children():
        found += _flatten(child, f"{prefix}.{name}" if prefix else name, nn)
    return found


def _numpy(tensor: Any) -> np.ndarray:
    """A copy of a parameter as a NumPy array (on the CPU, without its graph)."""
    return np.array(tensor.detach().cpu().numpy(), copy=True)


def _layer(module: Any, nn: Any, dtype: Any, rng: Any) -> L.Layer | None:
    """The scratchnn layer of one PyTorch module, parameters copied (None: unsupported)."""
    kind = type(module)
    simple = {
        nn.Identity: L.Identity,
        nn.Sigmoid: L.Logistic,
        nn.Tanh: L.Tanh,
        nn.ReLU: L.ReLU,
        torch_layers.Exp: L.Exp,
        torch_layers.GaussianRBF: L.GaussianRBF,
    }
    if kind in simple:
        return simple[kind]()
    if kind is nn.Softmax and module.dim in (-1, 1):
        return L.Softmax()
    if kind is nn.Dropout and module.p < 1:
        return L.Dropout(module.p, rng=rng)
    if kind is nn.Linear:
        bias = module.bias is not None
        layer = L.Linear(module.in_features, module.out_features, bias, dtype=dtype)
        layer.params["W"][...] = _numpy(module.weight).T
        if bias:
            layer.params["b"][...] = _numpy(module.bias)
        return layer
    if kind is torch_layers.Bias:
        shift = L.Bias(module.n_features, dtype=dtype)
        shift.params["b"][...] = _numpy(module.bias)
        return shift
    return None


def from_torch(module: Any, *, rng: Any = None) -> Sequential:
    """A scratchnn network computing what a PyTorch module computes: the inverse of
    :func:`to_torch`.

    Parameters
    ----------
    module : torch.nn.Module
        An ``nn.Sequential`` (nested ones are flattened) or a single module, made of
        ``nn.Linear``, ``nn.Identity``, ``nn.Sigmoid``, ``nn.Tanh``, ``nn.ReLU``,
        ``nn.Softmax`` over the last axis (``dim`` -1 or 1), ``nn.Dropout`` with ``p < 1``,
        and the modules of ``scratchnn.interop.torch_layers``. Parameters all float32 or
        all float64, on any device (copied to the CPU).
    rng : None, int, Generator or RandomState
        Source of the dropout layers' masks.

    Returns
    -------
    Sequential
        One layer per module, parameters copied, in their dtype, each layer in its module's
        mode (``module.training``). ``from_torch(to_torch(net))`` predicts exactly as ``net``.

    Raises
    ------
    ImportError
        Without PyTorch (the ``torch`` extra).
    TypeError
        If ``module`` is not a ``torch.nn.Module``, or holds a module without a scratchnn
        layer (named by its path in ``module`` and its type), e.g. ``nn.Conv2d``.
    ValueError
        If the parameters are not all float32 or all float64.
    """
    torch = require("torch", "torch")
    nn = torch.nn
    if not isinstance(module, nn.Module):
        raise TypeError(f"from_torch needs a torch.nn.Module, got {type(module).__name__}")
    dtypes = {str(p.dtype).removeprefix("torch.") for p in module.parameters()}
    if not dtypes <= {"float32", "float64"} or len(dtypes) > 1:
        raise ValueError(
            f"from_torch: parameters must be all float32 or all float64, got {sorted(dtypes)}"
        )
    dtype = np.dtype(dtypes.pop()) if dtypes else np.dtype(np.float64)
    layers = []
    for name, child in _flatten(module, "", nn):
        layer = _layer(child, nn, dtype, rng)
        if layer is None:
            raise TypeError(
                f"from_torch: module {name!r} ({child!r}, {type(child).__module__}."
                f"{type(child).__qualname__}) has no scratchnn layer"
            )
        layer.training = child.training
        layers.append(layer)
    if not layers:
        raise ValueError("from_torch: the module holds no layer (an empty nn.Sequential)")
    return Sequential(layers)
