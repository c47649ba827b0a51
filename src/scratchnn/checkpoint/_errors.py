"""The one exception a checkpoint that cannot be read raises."""

from __future__ import annotations

__all__ = ["CheckpointError", "short"]


class CheckpointError(ValueError):
    """A file is not a checkpoint that :func:`scratchnn.checkpoint.load` can read: not an ``.npz``
    archive, corrupt, malformed, beyond the loader's bounds (``max_bytes``, header size and
    nesting), or inconsistent (arrays against the header, an estimator's metadata against
    its network). The message names the file and the field or array at fault.

    A subclass of :class:`ValueError`, so ``except ValueError`` keeps catching it.
    """


def short(value: object, limit: int = 80) -> str:
    """``repr(value)``, cut to about ``limit`` characters (a hostile file's values can be
    megabytes long)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"
