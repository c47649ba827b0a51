"""Ctrl-C during training: finish the update in progress, then stop cleanly."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from types import FrameType
from typing import Iterator

__all__ = ["InterruptFlag", "deferred_sigint"]


class InterruptFlag:
    """Set when Ctrl-C was pressed inside :func:`deferred_sigint`."""

    requested = False


@contextmanager
def deferred_sigint() -> Iterator[InterruptFlag]:
    """While active (main thread, default SIGINT handler only), Ctrl-C sets a flag instead
    of raising ``KeyboardInterrupt`` wherever Python happens to be, so parameters are never
    left half-updated."""
    flag = InterruptFlag()
    install = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    if not install:
        yield flag
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        flag.requested = True

    signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
