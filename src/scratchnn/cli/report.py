"""``scratchnn report``: one self-contained HTML page of the whole series, ``DIR/index.html``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..report import run_series, write_report
from ._common import positive_float

HELP = "one self-contained HTML page of the whole series: DIR/index.html"


def register(subparsers) -> argparse.ArgumentParser:
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


def run(args: argparse.Namespace, out: TextIO, err: TextIO):
    # ``main`` has checked --out before this runs (cli._feedback.check_out_dir).
    sections = run_series(fmt=args.format, dpi=args.dpi)
    path = write_report(sections, args.out)
    n_figures = sum(len(section.figures) for section in sections)
    out.write(f"wrote {path} ({len(sections)} parts, {n_figures} figures)\n")
    return None, None
