"""``scratchnn logistic``: Intermezzo 1, the logistic function and its derivative."""

from __future__ import annotations

import argparse

from ..tutorial import logistic
from ._common import add_output_options, write_result

HELP = "Intermezzo 1: the logistic function and its derivative"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("logistic", help=HELP, description=HELP)
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = logistic.run()
    write_result(result, args.json, out)
    return logistic.figures, result
