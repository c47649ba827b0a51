"""PyTorch modules for the scratchnn layers PyTorch has no module for.

:func:`scratchnn.interop.to_torch` uses them for :class:`~scratchnn.layers.Bias`,
:class:`~scratchnn.layers.Exp` and :class:`~scratchnn.layers.GaussianRBF`, and
:func:`scratchnn.interop.from_torch` turns them back into those layers. Importing this module
does not import PyTorch: the classes are made on first use (``torch_layers.GaussianRBF``,
PEP 562), so they are ordinary module attributes (picklable, ``torch.save`` works) and the
module imports without the ``torch`` extra.

Attributes
----------
Bias : torch.nn.Module
    ``Bias(n_features, dtype=None)``: :math:`y = x + b`, ``b`` of shape ``(n_features,)``
    (zeros initially), a parameter named ``bias``.
Exp : torch.nn.Module
    :math:`y = e^{x}` element-wise.
GaussianRBF : torch.nn.Module
    :math:`y = e^{-x^2}` element-wise (the Gaussian radial basis neuron of Part 3).
"""

from __future__ import annotations

import functools
from typing import Any

from ._extras import require

__all__ = ["Bias", "Exp", "GaussianRBF"]

_NAMES = ("Bias", "Exp", "GaussianRBF")
# Annotations only (no value): the classes are made by __getattr__ on first use.
Bias: Any
Exp: Any
GaussianRBF: Any


@functools.cache
def _classes() -> dict[str, type]:
    """The three modules, made once (PyTorch imported here, never at module import)."""
    torch = require("torch", "torch")
    nn = torch.nn
    module: Any = nn.Module  # the base class (PyTorch is typed as Any here)

    class Bias(module):
        """A learned bias without weights: :math:`y = x + b`."""

        def __init__(self, n_features: int, dtype: Any = None) -> None:
            super().__init__()
            self.n_features = int(n_features)
            self.bias = nn.Parameter(torch.zeros(self.n_features, dtype=dtype))

        def forward(self, x: Any) -> Any:
            return x + self.bias

        def extra_repr(self) -> str:
            return f"n_features={self.n_features}"

    class Exp(module):
        """Exponential activation :math:`y = e^{x}`."""

        def forward(self, x: Any) -> Any:
            return torch.exp(x)

    class GaussianRBF(module):
        """Gaussian radial basis function :math:`y = e^{-x^2}`."""

        def forward(self, x: Any) -> Any:
            return torch.exp(-(x * x))

    found: dict[str, type] = {"Bias": Bias, "Exp": Exp, "GaussianRBF": GaussianRBF}
    for name, cls in found.items():
        cls.__module__, cls.__qualname__ = __name__, name
    return found


def __getattr__(name: str) -> Any:
    """Make the modules on first use (PEP 562)."""
    if name in _NAMES:
        cls = _classes()[name]
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
