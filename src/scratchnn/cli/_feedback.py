"""What the command line tells the user besides the results: the files it wrote, how to get
figures, warnings, and ``--show``.

Every line for the user that is not a result goes to stderr (a result in text mode includes
the ``wrote …`` line, on stdout, so a log of the run says where its figures are) and starts
with ``scratchnn:`` — ``scratchnn: error:`` (exit code 2), ``scratchnn: warning:`` or
``scratchnn: note:``.

``--show`` opens the figures in matplotlib windows when a display exists. Without one (no
``DISPLAY`` or ``WAYLAND_DISPLAY`` on Linux, or a non-interactive matplotlib backend such as
Agg) it says so in one note and the command still succeeds (exit code 0): the results are
printed and ``--out`` still writes the files, so a script that asks for ``--show`` on a
server does not fail.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from matplotlib.figure import Figure

from ._common import UsageError, write_figures

__all__ = [
    "ERROR",
    "NO_FIGURES_HINT",
    "add_show_option",
    "check_out_dir",
    "count",
    "deliver_figures",
    "finish",
    "show_figures",
    "warn",
    "warn_divergence",
]

#: The start of every error line.
ERROR = "scratchnn: error: "

#: Said once (on stderr) by a run without ``--out``, ``--show`` or ``--json``.
NO_FIGURES_HINT = (
    "scratchnn: note: no figures drawn (add --out DIR to write them, or --show to open them)"
)


def count(n: int, noun: str) -> str:
    """``"1 figure"``, ``"4 figures"``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def warn(err: TextIO, message: str) -> None:
    """One ``scratchnn: warning:`` line on ``err``."""
    err.write(f"scratchnn: warning: {message}\n")


def warn_divergence(err: TextIO, result: Any) -> None:
    """Every part's divergence warning (one rule, ``result.divergence``: the loss ended
    higher than it started): ``scratchnn: warning: training diverged: the loss rose from
    4.7565 to 11.2728 (learning rate 10 may be too high)``."""
    diverged = result.divergence
    if diverged is not None:
        warn(err, diverged.message())


def add_show_option(parser: argparse.ArgumentParser) -> None:
    """``--show``."""
    parser.add_argument(
        "--show",
        action="store_true",
        help="open the figures in windows when a display exists (else say so and go on)",
    )


def check_out_dir(out: Path) -> None:
    """Make sure ``out`` is a writable directory before the run: create it if missing, or
    raise :class:`UsageError` naming ``--out`` and what is wrong."""
    shown = f"'{out}'"
    try:
        if out.exists() and not out.is_dir():
            raise UsageError(f"{ERROR}--out: {shown} is a file, not a directory")
        if not out.exists():
            parent = out.absolute().parent
            while not parent.exists():
                parent = parent.parent
            if not parent.is_dir():
                raise UsageError(
                    f"{ERROR}--out: cannot create {shown}: '{parent}' is a file, not a directory"
                )
            out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK | os.X_OK):
            raise UsageError(f"{ERROR}--out: {shown} is not writable")
    except OSError as exc:  # not creatable: a read-only file system, no permission …
        raise UsageError(f"{ERROR}--out: cannot create {shown}: {exc.strerror or exc}") from None


def deliver_figures(
    make_figures: Callable[[Any], Mapping[str, Figure]] | None,
    result: Any,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
) -> dict[str, Figure]:
    """Build a part's figures when ``--out`` or ``--show`` asks for them; write them into
    ``--out`` and say so (``wrote 4 figures to out/: a.png, …``: on stdout, or on stderr
    with ``--json``). Returns the figures (empty when none were asked for)."""
    if make_figures is None or (args.out is None and not getattr(args, "show", False)):
        return {}
    figures = dict(make_figures(result))
    if args.out is not None:
        try:
            paths = write_figures(figures, args.out, args.format, args.dpi)
        except OSError as exc:  # e.g. the disk filled up during the run
            raise UsageError(f"{ERROR}--out: cannot write into '{args.out}': {exc}") from None
        names = ", ".join(path.name for path in paths)
        stream = err if args.json else out
        stream.write(f"wrote {count(len(paths), 'figure')} to {args.out}/: {names}\n")
    return figures


def finish(
    args: argparse.Namespace, figures: Mapping[str, Figure], out: TextIO, err: TextIO
) -> None:
    """After a command's output: ``--show`` the figures, or say once how to get them."""
    out.flush()  # the results first (and a closed pipe found before anything else is said)
    if getattr(args, "show", False):
        show_figures(figures, err, written=args.out is not None)
    elif args.out is None and not args.json:
        err.write(NO_FIGURES_HINT + "\n")


def display_available() -> tuple[bool, str]:
    """Whether figures can be opened, and matplotlib's backend (resolved)."""
    import matplotlib

    from ..plotting import can_show

    interactive = can_show()  # resolves pyplot's automatic backend choice
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    return (not headless and interactive), matplotlib.get_backend()


def show_figures(figures: Mapping[str, Figure], err: TextIO, written: bool = False) -> bool:
    """Open ``figures`` in windows (:func:`scratchnn.plotting.show`, which blocks until they
    are closed) and return True; without a display, write one note on ``err`` and return
    False."""
    from ..plotting import show

    available, backend = display_available()
    if available and show(figures, warn=False):
        return True
    where = "" if written else "; add --out DIR to write the figures"
    err.write(
        f"scratchnn: note: --show: no display to open figures on (matplotlib backend "
        f"{backend!r}){where}\n"
    )
    return False
