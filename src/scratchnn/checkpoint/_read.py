"""Reading the arrays of an untrusted ``.npz`` file with bounded memory (never unpickling)
and checking them against the header.

Nothing is allocated from a size the file declares before that size is checked:

* the members must be ``.npy`` files, each name once, at most :data:`MAX_MEMBERS`;
* the members' compressed sizes must fit in the file (no overlapping members), and their
  inflated sizes together may be at most :data:`MAX_INFLATION` times the file's size;
* the ``.npy`` header of every member is read first (at most :data:`MAX_NPY_HEADER` bytes,
  numpy's own default), and the data it declares (shape times item size) must be exactly
  what the member holds; together the arrays may declare at most ``max_bytes``;
* the loader then checks the JSON header and the shapes and dtypes it declares against these
  ``.npy`` headers, and only then reads the arrays, each by chunks into an array of its
  declared size; a member is inflated by chunks and never beyond its declared size (the zip
  reader stops there, and checks the member's CRC).

Every failure is a :class:`CheckpointError` naming the file and the member.
"""

from __future__ import annotations

import math
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Callable

import numpy as np
from numpy.lib import format as npy

from ._errors import CheckpointError, short
from ._header import FLOAT_DTYPES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_INFLATION",
    "MAX_MEMBERS",
    "MAX_NPY_HEADER",
    "Member",
    "Archive",
    "check_arrays",
]

#: :func:`scratchnn.checkpoint.load`'s default ``max_bytes``: the arrays of a file may declare at most
#: 1 GiB in all.
DEFAULT_MAX_BYTES = 2**30
#: The most members an archive may have.
MAX_MEMBERS = 100_000

#: The largest total inflated size of the members, as a multiple of the file's size. Files
#: written by :func:`scratchnn.checkpoint.save` are not compressed (a ratio of 1).
MAX_INFLATION = 100
#: The largest ``.npy`` header of a member, in bytes (numpy's default for untrusted files).
MAX_NPY_HEADER = 10_000
_HEADER_READERS: dict[tuple[int, ...], Callable[..., Any]] = {
    (1, 0): npy.read_array_header_1_0,
    (2, 0): npy.read_array_header_2_0,
}


@dataclass(frozen=True)
class Member:
    """One array of the archive, as its ``.npy`` header describes it (data not read)."""

    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def nbytes(self) -> int:
        """The size of the array's data, as its ``.npy`` header declares it."""
        return math.prod(self.shape) * self.dtype.itemsize


class Archive:
    """An open ``.npz`` archive whose members' ``.npy`` headers were read and checked.

    Parameters
    ----------
    path : Path
        For the error messages.
    handle : binary file
        Open on ``path``, at offset 0; the caller closes it.
    max_bytes : int
        The most bytes the arrays (the header's included) may declare in all.

    Attributes
    ----------
    members : dict of str to Member
        By entry name (the member's name without ``.npy``), in the archive's order.

    Raises
    ------
    CheckpointError
        Naming ``path``, when the file is not a zip archive, its members' sizes are out of
        bounds, or a member is corrupt, holds Python objects or is not a ``.npy`` array.
    """

    def __init__(self, path: Path, handle: BinaryIO, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.path = path
        if not zipfile.is_zipfile(handle):
            raise CheckpointError(
                f"{path} is not a scratchnn checkpoint: not a zip (.npz) archive, "
                "or the file is truncated"
            )
        handle.seek(0)
        try:
            self._zip = zipfile.ZipFile(handle)
        except Exception as exc:
            raise CheckpointError(f"{path} is not a readable .npz archive: {exc}") from exc
        try:
            self._check_names()
            self._check_sizes(os.fstat(handle.fileno()).st_size)
            self.members: dict[str, Member] = {}
            for info in self._zip.infolist():
                key = info.filename.removesuffix(".npy")
                self.members[key] = self._describe(key, info)
            self._check_budget(max_bytes)
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._zip.close()

    def _check_names(self) -> None:
        names = self._zip.namelist()
        if len(names) > MAX_MEMBERS:
            raise CheckpointError(
                f"{self.path}: the archive has {len(names)} members, more than {MAX_MEMBERS}"
            )
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise CheckpointError(f"{self.path}: the archive holds member {name!r} twice")
            if not name.endswith(".npy") or name.startswith("/") or "/" in name:
                raise CheckpointError(f"{self.path}: unexpected member {name!r} (not an array)")
            seen.add(name)

    def _check_budget(self, max_bytes: int) -> None:
        total = sum(member.nbytes for member in self.members.values())
        if total > max_bytes:
            raise CheckpointError(
                f"{self.path}: its arrays declare {total} bytes in all, more than max_bytes="
                f"{max_bytes}; refusing to read them (pass a larger max_bytes to load a file "
                "this large that you trust)"
            )

    def _check_sizes(self, file_size: int) -> None:
        infos = self._zip.infolist()
        compressed = sum(info.compress_size for info in infos)
        if compressed > file_size:
            raise CheckpointError(
                f"{self.path}: the archive's members claim {compressed} bytes, more than the "
                f"file's {file_size} (overlapping or inconsistent members); refusing it"
            )
        inflated = sum(info.file_size for info in infos)
        if inflated > MAX_INFLATION * file_size:
            raise CheckpointError(
                f"{self.path}: the archive's members inflate to {inflated} bytes, more than "
                f"{MAX_INFLATION} times the file's {file_size}; refusing it"
            )

    def _describe(self, key: str, info: zipfile.ZipInfo) -> Member:
        """Read and check the ``.npy`` header of member ``info`` (not its data)."""
        try:
            with self._zip.open(info) as stream:
                is_npy = stream.read(len(npy.MAGIC_PREFIX)) == npy.MAGIC_PREFIX
                shape, dtype, offset = _read_npy_header(stream) if is_npy else ((), None, 0)
        except Exception as exc:
            raise CheckpointError(f"{self.path}: entry {key!r} is corrupt: {exc}") from exc
        if dtype is None:
            raise CheckpointError(f"{self.path}: entry {key!r} is not a NumPy array")
        if dtype.hasobject:
            raise CheckpointError(
                f"{self.path}: entry {key!r} holds Python objects (pickled data); "
                "checkpoints hold plain arrays only, refusing to load it"
            )
        nbytes = math.prod(shape) * dtype.itemsize
        if offset + nbytes != info.file_size:  # so no member inflates beyond its array
            raise CheckpointError(
                f"{self.path}: entry {key!r} is corrupt: it declares shape {shape} and dtype "
                f"{dtype.str} ({nbytes} bytes), but holds {info.file_size - offset} bytes"
            )
        return Member(info, shape, dtype)

    def read(self, key: str) -> np.ndarray:
        """The array ``key``, read by chunks into an array of its checked size."""
        try:
            with self._zip.open(self.members[key].info) as stream:
                return npy.read_array(stream, allow_pickle=False, max_header_size=MAX_NPY_HEADER)
        except Exception as exc:
            raise CheckpointError(f"{self.path}: entry {key!r} is corrupt: {exc}") from exc


def _read_npy_header(stream: IO[bytes]) -> tuple[tuple[int, ...], np.dtype, int]:
    """Shape, dtype and data offset from a ``.npy`` header, after its magic prefix."""
    version = tuple(stream.read(2))
    read_header = _HEADER_READERS.get(version)
    if read_header is None:
        raise CheckpointError(f"unsupported .npy format version {version}")
    shape, _, dtype = read_header(stream, max_header_size=MAX_NPY_HEADER)
    return shape, dtype, stream.tell()


def check_arrays(members: dict[str, Member], header: dict, path: Path) -> None:
    """Check that ``members`` are exactly the arrays ``header["arrays"]`` describes (names,
    shapes, dtypes), and that all but the caller's extras are float32 or float64.

    Raises
    ------
    CheckpointError
        Naming ``path`` and the first array that does not fit.
    """
    described = header["arrays"]
    missing = sorted(set(described) - set(members))
    unexpected = sorted(set(members) - set(described))
    if missing:
        raise CheckpointError(f"{path}: arrays named in the header are missing: {missing}")
    if unexpected:
        raise CheckpointError(f"{path}: arrays not described by the header: {unexpected}")
    for key, spec in described.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("shape"), list):
            raise CheckpointError(
                f"{path}: malformed header entry for array {key!r}: {short(spec)}"
            )
        shape, dtype = members[key].shape, members[key].dtype
        if list(shape) != spec["shape"] or dtype.str != spec.get("dtype"):
            raise CheckpointError(
                f"{path}: array {key!r} has shape {shape} and dtype {dtype.str}, "
                f"but the header says {short(tuple(spec['shape']))} and {short(spec.get('dtype'))}"
            )
        if not key.startswith("extra.") and dtype not in FLOAT_DTYPES:
            raise CheckpointError(f"{path}: array {key!r} must be float32 or float64, got {dtype}")
