"""``scratchnn report``: one self-contained HTML page of the whole series, ``DIR/index.html``."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Iterator, TextIO

from ..report import run_series, write_report
from ._common import Parser, RunInterrupted, positive_float

HELP = "one self-contained HTML page of the whole series: DIR/index.html"

_INTERRUPTED = "interrupted (Ctrl-C); no report written"


@contextmanager
def _interruptible() -> Iterator[list]:
    """While active, Ctrl-C stops the series at once (a page of partial results would be
    a lie, so training is not allowed to finish quietly); the list yielded is non-empty
    once it was pressed. Only in the main thread (elsewhere signals cannot be handled)."""
    pressed: list = []
    if threading.current_thread() is not threading.main_thread():
        yield pressed
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        pressed.append(signum)
        raise RunInterrupted(_INTERRUPTED)

    def unraisable(info: sys.UnraisableHookArgs) -> None:
        # The exception raised where Python cannot propagate it (a weakref callback, a
        # __del__): Python would print it with a traceback; ``pressed`` already says it
        # happened, and ``run`` raises it again.
        if not isinstance(info.exc_value, RunInterrupted):
            previous_hook(info)

    previous, previous_hook = signal.signal(signal.SIGINT, handler), sys.unraisablehook
    sys.unraisablehook = unraisable
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("report", help=HELP, description=HELP)
    parser.add_argument(
        "--out",
        metavar="DIR",
        type=Path,
        required=True,
        help="write DIR/index.html (DIR is created if missing)",
    )
    parser.add_argument(
        "--format",
        choices=("png", "svg"),
        default="png",
        help="format of the figures embedded in the page (default: png)",
    )
    parser.add_argument(
        "--dpi",
        type=positive_float,
        default=100,
        help="pixels per inch of PNG figures (default: %(default)s)",
    )
    parser.set_defaults(json=False)
    return parser


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> tuple[None, None]:
    # ``main`` has checked --out before this runs (cli._feedback.check_out_dir).
    with _interruptible() as interrupted:
        sections = run_series(fmt=args.format, dpi=args.dpi)
    if interrupted:  # the exception was swallowed on the way: still no page
        raise RunInterrupted(_INTERRUPTED)
    path = write_report(sections, args.out)
    n_figures = sum(len(section.figures) for section in sections)
    out.write(f"wrote {path} ({len(sections)} parts, {n_figures} figures)\n")
    return None, None
