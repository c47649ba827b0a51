"""The ``scratchnn`` command (the console script) and ``python -m scratchnn``.

:func:`main` imports the command line itself, so that Ctrl-C while it is imported (the whole
start-up: NumPy, matplotlib and the parts; ``import scratchnn`` loads nothing heavy before
this module runs) ends like Ctrl-C anywhere else before there are results: one line on
stderr, ``scratchnn: interrupted (Ctrl-C)``, and exit code 130, not a traceback. (Ctrl-C
while the Python interpreter itself starts still gets Python's own message.)
"""

import sys

from ._ctrl_c import redeliver_ctrl_c

#: The line Ctrl-C before any result ends with (:data:`scratchnn.cli._common.INTERRUPTED`,
#: written out here so that this module imports nothing heavy).
INTERRUPTED = "scratchnn: interrupted (Ctrl-C)"


def main() -> int:
    """Import and run the command line (:func:`scratchnn.cli.main`); return its exit code,
    or 130 when Ctrl-C interrupts the import."""
    sys.unraisablehook = redeliver_ctrl_c  # from the imports on (see ._ctrl_c)
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED + "\n")
        return 130
    return run()


if __name__ == "__main__":
    sys.exit(main())
