"""Ctrl-C that lands where Python cannot raise it, delivered again (standard library only).

The default SIGINT handler raises ``KeyboardInterrupt`` wherever the main thread is. When
that is a weakref callback or a ``__del__`` run by the garbage collector, Python cannot
propagate it: it prints the exception ("Exception ignored in …") and carries on, and the
Ctrl-C is lost. While :func:`ctrl_c_redelivered` is active, such a ``KeyboardInterrupt`` is
delivered to the main thread again instead.
"""

from __future__ import annotations

import _thread
import sys
from contextlib import contextmanager
from typing import Iterator

__all__ = ["redeliver_ctrl_c", "ctrl_c_redelivered"]


def redeliver_ctrl_c(info: "sys.UnraisableHookArgs") -> None:
    """A ``sys.unraisablehook``: a ``KeyboardInterrupt`` is delivered to the main thread
    again, from a helper thread (from the main thread itself it would land in this hook
    again), so it reaches whatever SIGINT handler is installed; anything else goes to
    Python's own hook."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        _thread.start_new_thread(_thread.interrupt_main, ())
        return
    sys.__unraisablehook__(info)


@contextmanager
def ctrl_c_redelivered() -> Iterator[None]:
    """While active, :func:`redeliver_ctrl_c` is ``sys.unraisablehook``; the previous hook
    comes back afterwards."""
    previous = sys.unraisablehook
    sys.unraisablehook = redeliver_ctrl_c
    try:
        yield
    finally:
        sys.unraisablehook = previous
