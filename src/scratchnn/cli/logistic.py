"""``scratchnn logistic``: Intermezzo 1, the logistic function and its derivative."""

from __future__ import annotations

import argparse

from ..tutorial import logistic
from ._common import add_output_options, print_json

HELP = "Intermezzo 1: the logistic function and its derivative"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("logistic", help=HELP, description=HELP)
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = logistic.run()
    if args.json:
        print_json(result.to_dict(), out)
    else:
        out.write("\n".join(result.lines()) + "\n")
    return logistic.figures, result
