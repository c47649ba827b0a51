"""``scratchnn softmax``: Intermezzo 2, the softmax probability surface."""

from __future__ import annotations

import argparse

from ..tutorial import softmax
from ._common import add_output_options, positive_float, positive_int, write_result

HELP = "Intermezzo 2: the softmax function and its cross-entropy"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("softmax", help=HELP, description=HELP)
    parser.add_argument(
        "--grid-size",
        type=positive_int,
        default=33,
        help=f"points per axis, 2 to {softmax.MAX_GRID_SIZE} (default: 33)",
    )
    parser.add_argument(
        "--limit",
        type=positive_float,
        default=10.0,
        help=f"grid over [-LIMIT, LIMIT]^2, at most {softmax.MAX_LIMIT:g} (default: 10)",
    )
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = softmax.run(grid_size=args.grid_size, limit=args.limit)
    write_result(result, args.json, out)
    return softmax.figures, result
