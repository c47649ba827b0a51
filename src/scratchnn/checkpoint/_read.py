"""Reading the arrays of an untrusted ``.npz`` file (never unpickling) and checking them
against the header."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from ._header import FLOAT_DTYPES

__all__ = ["read_entries", "check_arrays"]


def read_entries(path: Path) -> dict[str, np.ndarray]:
    """Every array in the archive, read eagerly, without unpickling.

    Raises
    ------
    ValueError
        Naming ``path``, when the file is not a zip archive, an entry is corrupt, holds
        Python objects or is not a ``.npy`` array.
    """
    with open(path, "rb") as f:
        if not zipfile.is_zipfile(f):
            raise ValueError(
                f"{path} is not a scratchnn checkpoint: not a zip (.npz) archive, "
                "or the file is truncated"
            )
        f.seek(0)
        try:
            archive = np.load(f, allow_pickle=False)
        except Exception as exc:
            raise ValueError(f"{path} is not a readable .npz archive: {exc}") from exc
        if not isinstance(archive, np.lib.npyio.NpzFile):  # pragma: no cover - zip checked
            raise ValueError(f"{path} is not an .npz archive")
        entries: dict[str, np.ndarray] = {}
        with archive:
            for key in archive.files:
                try:
                    value = archive[key]
                except ValueError as exc:
                    if "allow_pickle" in str(exc):
                        raise ValueError(
                            f"{path}: entry {key!r} holds Python objects (pickled data); "
                            "checkpoints hold plain arrays only, refusing to load it"
                        ) from None
                    raise ValueError(f"{path}: entry {key!r} is corrupt: {exc}") from exc
                except Exception as exc:
                    raise ValueError(f"{path}: entry {key!r} is corrupt: {exc}") from exc
                if not isinstance(value, np.ndarray):
                    raise ValueError(f"{path}: entry {key!r} is not a NumPy array")
                entries[key] = value
    return entries


def check_arrays(entries: dict[str, np.ndarray], header: dict, path: Path) -> None:
    """Check that ``entries`` are exactly the arrays ``header["arrays"]`` describes (names,
    shapes, dtypes), and that all but the caller's extras are float32 or float64.

    Raises
    ------
    ValueError
        Naming ``path`` and the first array that does not fit.
    """
    described = header["arrays"]
    missing = sorted(set(described) - set(entries))
    unexpected = sorted(set(entries) - set(described))
    if missing:
        raise ValueError(f"{path}: arrays named in the header are missing: {missing}")
    if unexpected:
        raise ValueError(f"{path}: arrays not described by the header: {unexpected}")
    for key, spec in described.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("shape"), list):
            raise ValueError(f"{path}: malformed header entry for array {key!r}: {spec!r}")
        value = entries[key]
        if list(value.shape) != spec["shape"] or value.dtype.str != spec.get("dtype"):
            raise ValueError(
                f"{path}: array {key!r} has shape {value.shape} and dtype {value.dtype.str}, "
                f"but the header says {tuple(spec['shape'])} and {spec.get('dtype')}"
            )
        if not key.startswith("extra.") and value.dtype not in FLOAT_DTYPES:
            raise ValueError(f"{path}: array {key!r} must be float32 or float64, got {value.dtype}")
