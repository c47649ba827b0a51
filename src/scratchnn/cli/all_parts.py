"""``scratchnn all``: every part of the series in order, with its default settings."""

from __future__ import annotations

import argparse
import io
import json
from types import ModuleType
from typing import Any, TextIO

from ._common import Parser, RunInterrupted, add_output_options, print_json
from ._feedback import add_show_option, deliver_figures, finish
from ._registry import PARTS

HELP = "the whole series in order, each part with the tutorial's settings"


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("all", help=HELP, description=HELP)
    add_output_options(parser)
    add_show_option(parser)
    return parser


def _defaults(module: ModuleType) -> argparse.Namespace:
    """The part's arguments with every option at its default."""
    holder = Parser(prog="scratchnn").add_subparsers()
    return module.register(holder).parse_args([])


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> tuple[None, None]:
    """Run every part; write (and show) their figures; return ``(None, None)``: nothing is
    left for the caller to deliver.

    Ctrl-C stops the series in the part it interrupts: the parts done so far and that
    part's partial results are printed (with ``--json``, the object gets ``"interrupted":
    true``), no figure of it is written, and :class:`RunInterrupted` is raised."""
    collected: dict[str, Any] = {}
    figures: dict[str, Any] = {}
    name = None
    try:
        for name, module in PARTS.items():
            _run_part(name, module, args, out, err, collected, figures)
    except (KeyboardInterrupt, RunInterrupted):
        if args.json:
            print_json({**collected, "interrupted": True}, out)
        raise RunInterrupted(
            f"interrupted (Ctrl-C) in {name}; no figures of {name} or later parts written"
        ) from None
    if args.json:
        print_json(collected, out)
    finish(args, figures, out, err)
    return None, None


def _run_part(
    name: str,
    module: ModuleType,
    args: argparse.Namespace,
    out: TextIO,
    err: TextIO,
    collected: dict,
    figures: dict,
) -> None:
    """Run one part: print (or collect) its results, write its figures."""
    part_args = _defaults(module)
    part_args.json = args.json
    buffer = io.StringIO()
    make_figures, result = module.run(part_args, buffer, err)
    if args.json:
        collected[name] = json.loads(buffer.getvalue())
    else:
        out.write(f"== scratchnn {name}: {module.HELP} ==\n{buffer.getvalue()}\n")
    if getattr(result, "interrupted", False):
        raise RunInterrupted
    delivered = deliver_figures(make_figures, result, args, out, err)
    if args.show:
        figures.update(delivered)
    if args.out is not None and not args.json:
        out.write("\n")
    out.flush()  # each part as it ends (a log shows the run as it goes)
