"""``scratchnn all``: every part of the series in order, with its default settings."""

from __future__ import annotations

import argparse
import io
import json
from types import ModuleType
from typing import TextIO

from ._common import Parser, add_output_options, print_json, write_figures
from ._registry import PARTS

HELP = "the whole series in order, each part with the tutorial's settings"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("all", help=HELP, description=HELP)
    add_output_options(parser)
    return parser


def _defaults(module: ModuleType) -> argparse.Namespace:
    """The part's arguments with every option at its default."""
    holder = Parser(prog="scratchnn").add_subparsers()
    return module.register(holder).parse_args([])


def run(args: argparse.Namespace, out: TextIO, err: TextIO):
    collected = {}
    for name, module in PARTS.items():
        part_args = _defaults(module)
        part_args.json = args.json
        buffer = io.StringIO()
        make_figures, result = module.run(part_args, buffer, err)
        if args.json:
            collected[name] = json.loads(buffer.getvalue())
        else:
            out.write(f"== scratchnn {name}: {module.HELP} ==\n{buffer.getvalue()}\n")
        if args.out is not None and make_figures is not None:
            paths = write_figures(make_figures(result), args.out, args.format, args.dpi)
            if not args.json:
                out.write(f"wrote {len(paths)} figures to {args.out}/\n\n")
    if args.json:
        print_json(collected, out)
    return None, None
