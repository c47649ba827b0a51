"""Writing files atomically: the destination holds either its old bytes or all the new ones."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["atomic_write"]


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> Path:
    """Write a file through ``write(handle)`` so that it is never left half written.

    ``write`` receives a binary handle on a new temporary file in the destination's folder.
    The file is then flushed and synced to disk (``fsync``), given the permissions of a
    newly created file (``0o666`` minus the umask, not the temporary file's private
    ``0o600``) and renamed over ``path`` (``os.replace``, atomic on POSIX and Windows);
    finally the folder is synced so that the rename itself survives a crash, where the
    platform allows it.

    Parameters
    ----------
    path : str or os.PathLike
        The destination. Its folder must exist; an existing file is replaced.
    write : callable
        Called once with the open binary handle; it must not close it.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        When the temporary file cannot be created, written or renamed.
    BaseException
        Whatever ``write`` raises (including ``KeyboardInterrupt``), re-raised.

    In every failure the temporary file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "greeting.txt")
    >>> atomic_write(path, lambda f: f.write(b"hello")).read_bytes()
    b'hello'
    """
    path = Path(path)
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    _sync_directory(directory)
    return path


def _umask() -> int:
    """The process's umask.

    On Linux it is read from ``/proc/self/status`` (its ``Umask:`` line), which changes
    nothing. Elsewhere reading it means setting it: ``os.umask`` is called twice, which is
    not thread-safe (another thread creating a file in between would get umask 0o022), a
    fallback acceptable for a command-line program.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX); silently skipped where impossible."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
