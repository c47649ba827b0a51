"""``scratchnn all``: every part of the series in order, with its default settings."""

from __future__ import annotations

import argparse
import io
import json

from ._common import add_output_options, print_json, write_figures

HELP = "the whole series in order, each part with the tutorial's settings"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("all", help=HELP, description=HELP)
    add_output_options(parser)
    return parser


def _defaults(name: str, module) -> argparse.Namespace:
    """The part's arguments with every option at its default."""
    from . import _Parser

    holder = _Parser(prog="scratchnn").add_subparsers()
    return module.register(holder).parse_args([])


def run(args: argparse.Namespace, out, err):
    from . import COMMANDS, build_parser

    _, modules = build_parser()
    collected = {}
    for name in COMMANDS:
        module = modules[name]
        part_args = _defaults(name, module)
        part_args.json = args.json
        buffer = io.StringIO()
        make_figures, result = module.run(part_args, buffer, err)
        if args.json:
            collected[name] = json.loads(buffer.getvalue())
        else:
            out.write(f"== scratchnn {name}: {module.HELP} ==\n{buffer.getvalue()}\n")
        if args.out is not None and make_figures is not None:
            paths = write_figures(make_figures(result), args.out, args.format)
            if not args.json:
                out.write(f"wrote {len(paths)} figures to {args.out}/\n\n")
    if args.json:
        print_json(collected, out)
    return None, None
