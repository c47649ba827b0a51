"""A time limit on one call of a learner's function: an endless loop ends in a verdict.

The limit is a ``SIGALRM`` timer (``signal.setitimer``), so it holds only where Python can
handle signals: in the main thread on a POSIX system (a terminal, ``scratchnn check``, a
Jupyter kernel). Elsewhere (Windows, another thread) the call runs without a limit.

When the timer fires, :class:`TimeLimitExceeded` is raised inside the learner's code. It
derives from ``BaseException``, so a learner's ``except Exception`` does not swallow it; a
bare ``except:`` would (the limit then ends nothing, as Ctrl-C would not either).
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from types import FrameType
from typing import Iterator

__all__ = ["TimeLimitExceeded", "limited_to", "enforceable"]


class TimeLimitExceeded(BaseException):
    """The call was still running when its time limit ran out."""


def enforceable() -> bool:
    """Whether :func:`limited_to` can stop a call here (POSIX, the main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def limited_to(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the body once ``seconds`` (wall clock) have passed.

    ``None``, or a place where it cannot be enforced (see :func:`enforceable`), sets no
    limit. The previous ``SIGALRM`` handler comes back afterwards, and a timer that was
    already running is set again to what is left of it.
    """
    if seconds is None or not enforceable():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, handler)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:  # someone else's timer: what is left of it (at least 1 ms)
            left = max(previous_delay - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, previous_interval)
