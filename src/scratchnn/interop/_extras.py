"""The optional extras of :mod:`scratchnn.interop`, imported when a function needs them."""

from __future__ import annotations

from typing import Any

__all__ = ["require"]


def require(module: str, extra: str) -> Any:
    """Import and return ``module``; ImportError naming the extra that installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"scratchnn.interop needs {module!r} for this: install the {extra!r} extra "
            f"(pip install 'scratchnn[{extra}]')"
        ) from error
