"""The JSON header of a checkpoint: the format constants, JSON encoding, and parsing with
its checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FORMAT", "FORMAT_VERSION", "HEADER_KEY", "FLOAT_DTYPES", "to_json", "parse_header"]

FORMAT = "scratchnn.checkpoint"
FORMAT_VERSION = 1
HEADER_KEY = "__header__"
#: The dtypes a parameter or an optimiser buffer may have.
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(value: Any, name: str) -> str:
    """``value`` as strict JSON (NumPy scalars as numbers; no NaN or infinity).

    Raises
    ------
    TypeError
        Naming ``name``, when ``value`` is not JSON-serialisable.
    """
    try:
        return json.dumps(value, default=_json_default, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be JSON-serialisable (str keys; str, finite numbers, bools, None, "
            f"lists, dicts): {exc}"
        ) from None


def parse_header(entries: dict[str, np.ndarray], path: Path) -> dict[str, Any]:
    """Remove the header entry from ``entries`` and return it parsed and checked.

    Only the top level is checked here (format, version, the types of its fields); the
    layers, loss, optimiser and arrays are checked where they are used.

    Raises
    ------
    ValueError
        Naming ``path``, for a missing or malformed header or an unsupported version.
    """
    raw = entries.pop(HEADER_KEY, None)
    if raw is None:
        raise ValueError(
            f"{path} has no {HEADER_KEY!r} entry: not a checkpoint written by scratchnn.save"
        )
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(
            f"{path}: malformed header (expected 1-D uint8 bytes, got {raw.dtype} {raw.shape})"
        )
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: malformed header (not UTF-8 JSON: {exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path}: malformed header (not a {FORMAT!r} header)")
    version = header.get("format_version")
    valid = isinstance(version, int) and not isinstance(version, bool)
    if not valid or not 1 <= version <= FORMAT_VERSION:
        raise ValueError(
            f"{path}: unsupported checkpoint format_version {version!r} "
            f"(this scratchnn reads 1 to {FORMAT_VERSION})"
        )
    expected = {
        "library_version": str,
        "layers": list,
        "arrays": dict,
        "metadata": dict,
    }
    for key, kind in expected.items():
        if not isinstance(header.get(key), kind):
            raise ValueError(
                f"{path}: malformed header ({key!r} must be a {kind.__name__}, "
                f"got {header.get(key)!r})"
            )
    for key in ("loss", "optimizer"):
        if header.get(key) is not None and not isinstance(header[key], dict):
            raise ValueError(f"{path}: malformed header ({key!r} must be an object or null)")
    return header
