"""Writing files atomically: the destination holds either its old bytes or all the new ones."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable

__all__ = ["atomic_write", "remove_stale_temporaries"]

#: The temporary file of ``dir/name`` is ``dir/.name.<pid>.<random>.tmp``.
_SUFFIX = ".tmp"

#: A temporary file without a writer's pid in its name (an older scratchnn's) is stale once
#: it is this old, in seconds.
STALE_AFTER = 3600.0


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> Path:
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

    In every failure the temporary file is removed and ``path`` is left as it was. A
    writer killed outright (SIGKILL, power loss) cannot remove it: the next
    ``atomic_write`` to the same path does (:func:`remove_stale_temporaries`).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "greeting.txt")
    >>> atomic_write(path, lambda f: f.write(b"hello")).read_bytes()
    b'hello'
    """
    path = Path(path)
    directory = path.parent
    remove_stale_temporaries(path)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=_SUFFIX, dir=directory
    )
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


def remove_stale_temporaries(path: str | os.PathLike) -> list[Path]:
    """Remove the temporary files an interrupted :func:`atomic_write` to ``path`` left.

    A temporary file ``.<name>.<pid>.<random>.tmp`` next to ``path`` is removed when no
    process ``pid`` runs any more (its writer was killed); one of a live process, this one
    included, is never touched. One without a pid (``.<name>.<random>.tmp``, as older
    versions named them) is removed once it is older than :data:`STALE_AFTER`. Files that
    vanish or cannot be removed meanwhile are skipped.

    Returns
    -------
    list of pathlib.Path
        The files removed.
    """
    path = Path(path)
    prefix = f".{path.name}."
    removed: list[Path] = []
    try:
        candidates = [p for p in path.parent.iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for candidate in candidates:
        if _stale(candidate, candidate.name[len(prefix) :]):
            try:
                candidate.unlink()
            except OSError:
                continue
            removed.append(candidate)
    return removed


def _stale(candidate: Path, middle: str) -> bool:
    """Whether ``candidate`` (``middle`` is its name after ``.<name>.``) is a temporary
    file of ours whose writer is gone."""
    if not middle.endswith(_SUFFIX):
        return False
    pid, dot, rest = middle[: -len(_SUFFIX)].partition(".")
    try:
        info = candidate.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if not dot:  # no pid: an older scratchnn's name
        return bool(pid) and time.time() - info.st_mtime > STALE_AFTER
    if not (pid.isdigit() and rest and "." not in rest):  # another file (``.name.x.tmp``)
        return False
    return not _process_alive(int(pid))


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (True when it cannot be told: never remove a live
    writer's file)."""
    if pid <= 0 or pid == os.getpid() or os.name == "nt":  # os.kill ends processes on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by another user
        return True
    return True


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
