"""The ``scratchnn`` command (the console script) and ``python -m scratchnn``.

:func:`main` imports the command line itself, so that Ctrl-C while it is imported (the whole
start-up: NumPy, matplotlib and the parts; ``import scratchnn`` loads nothing heavy before
this module runs) ends like Ctrl-C anywhere else before there are results: one line on
stderr, ``scratchnn: interrupted (Ctrl-C)``, and exit code 130, not a traceback. (Ctrl-C
while the Python interpreter itself starts still gets Python's own message.)
"""

import _thread
import sys

#: The line Ctrl-C before any result ends with (:data:`scratchnn.cli._common.INTERRUPTED`,
#: written out here so that this module imports nothing).
INTERRUPTED = "scratchnn: interrupted (Ctrl-C)"


def _redeliver_ctrl_c(info: "sys.UnraisableHookArgs") -> None:
    """``sys.unraisablehook`` of the command: a Ctrl-C that landed where Python cannot raise
    it (a weakref callback or ``__del__`` run by the garbage collector) would be printed with
    a traceback and lost; it is delivered again to the main thread instead, from a helper
    thread (from the main thread itself it would land in this hook again)."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        _thread.start_new_thread(_thread.interrupt_main, ())
        return
    sys.__unraisablehook__(info)


def main() -> int:
    """Import and run the command line (:func:`scratchnn.cli.main`); return its exit code,
    or 130 when Ctrl-C interrupts the import."""
    sys.unraisablehook = _redeliver_ctrl_c
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED + "\n")
        return 130
    return run()


if __name__ == "__main__":
    sys.exit(main())
