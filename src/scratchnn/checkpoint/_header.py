"""The JSON header of a checkpoint: the format constants, JSON encoding, and parsing with
its checks and bounds (:data:`MAX_HEADER_BYTES`, :data:`MAX_HEADER_DEPTH`), which
:func:`encode_header` applies when saving too, so that a saved file always loads."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import CheckpointError, short

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "HEADER_KEY",
    "FLOAT_DTYPES",
    "MAX_HEADER_BYTES",
    "MAX_HEADER_DEPTH",
    "to_json",
    "encode_header",
    "check_header_entry",
    "parse_header",
]

FORMAT = "scratchnn.checkpoint"
FORMAT_VERSION = 1
HEADER_KEY = "__header__"
#: The dtypes a parameter or an optimiser buffer may have.
FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
#: The largest header, in bytes of UTF-8 JSON.
MAX_HEADER_BYTES = 16 * 2**20
#: The deepest nesting of lists and objects in the header (the top-level object is 1).
MAX_HEADER_DEPTH = 64
_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings skipped whole


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


def _exceeds_depth(text: str) -> bool:
    """Whether the JSON ``text`` nests lists and objects deeper than the bound (counted
    before parsing: ``json.loads`` recurses once per level)."""
    depth = 0
    for match in _JSON_NESTING.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_HEADER_DEPTH:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


def encode_header(header: dict[str, Any]) -> np.ndarray:
    """``header`` as the UTF-8 bytes of its JSON, a 1-D ``uint8`` array.

    Raises
    ------
    TypeError
        When it is not JSON-serialisable.
    ValueError
        When it is larger or nested deeper than a loader accepts (because of the metadata).
    """
    text = to_json(header, "header")
    if _exceeds_depth(text):
        raise ValueError(
            f"the checkpoint header would nest lists and dicts more than {MAX_HEADER_DEPTH} "
            "levels deep; nest the metadata less deeply"
        )
    raw = text.encode("utf-8")
    if len(raw) > MAX_HEADER_BYTES:
        raise ValueError(
            f"the checkpoint header would be {len(raw)} bytes, more than {MAX_HEADER_BYTES}; "
            "pass large data in arrays= rather than in the metadata"
        )
    return np.frombuffer(raw, dtype=np.uint8)


def check_header_entry(entry: tuple[tuple[int, ...], np.dtype] | None, path: Path) -> None:
    """Check the header entry's ``(shape, dtype)`` (``None`` when it is missing) before its
    bytes are read.

    Raises
    ------
    CheckpointError
        Naming ``path``, for a missing header, one that is not 1-D ``uint8`` bytes, or one
        larger than :data:`MAX_HEADER_BYTES`.
    """
    if entry is None:
        raise CheckpointError(
            f"{path} has no {HEADER_KEY!r} entry: not a checkpoint written by scratchnn.save"
        )
    shape, dtype = entry
    if dtype != np.uint8 or len(shape) != 1:
        raise CheckpointError(
            f"{path}: malformed header (expected 1-D uint8 bytes, got {dtype} {shape})"
        )
    if shape[0] > MAX_HEADER_BYTES:
        raise CheckpointError(
            f"{path}: the header is {shape[0]} bytes, more than a checkpoint header may be "
            f"({MAX_HEADER_BYTES}); refusing it"
        )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        raise ValueError(f"key {next(k for k in keys if keys.count(k) > 1)!r} given twice")
    return result


def parse_header(raw: bytes, path: Path) -> dict[str, Any]:
    """The header's bytes (checked by :func:`check_header_entry`), parsed and checked.

    Only the top level is checked here (format, version, the types of its fields); the
    layers, loss, optimiser and arrays are checked where they are used.

    Raises
    ------
    CheckpointError
        Naming ``path``, for a malformed header or an unsupported version.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CheckpointError(f"{path}: malformed header (not UTF-8 JSON: {exc})") from None
    if _exceeds_depth(text):
        raise CheckpointError(
            f"{path}: malformed header (lists and objects nested more than "
            f"{MAX_HEADER_DEPTH} levels deep)"
        )
    try:
        header = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except ValueError as exc:  # not JSON, NaN, a key twice, an int of too many digits
        raise CheckpointError(f"{path}: malformed header (not UTF-8 JSON: {exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CheckpointError(f"{path}: malformed header (not a {FORMAT!r} header)")
    version = header.get("format_version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or not 1 <= version <= FORMAT_VERSION
    ):
        raise CheckpointError(
            f"{path}: unsupported checkpoint format_version {short(version)} "
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
            raise CheckpointError(
                f"{path}: malformed header ({key!r} must be a {kind.__name__}, "
                f"got {short(header.get(key))})"
            )
    for key in ("loss", "optimizer"):
        if header.get(key) is not None and not isinstance(header[key], dict):
            raise CheckpointError(f"{path}: malformed header ({key!r} must be an object or null)")
    return header
