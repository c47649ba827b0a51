"""``scratchnn part1``: gradient descent on 1-D linear regression."""

from __future__ import annotations

import argparse

from ..tutorial import part1
from ._common import add_output_options, non_negative_int, positive_float, write_result

HELP = "Part 1: gradient descent on 1-D linear regression"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("part1", help=HELP, description=HELP)
    parser.add_argument("--seed", type=non_negative_int, default=13, help="default: 13")
    parser.add_argument(
        "--learning-rate", type=positive_float, default=0.9, help="default: 0.9"
    )
    parser.add_argument(
        "--iterations", type=non_negative_int, default=4, help="default: 4"
    )
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = part1.run(
        seed=args.seed, learning_rate=args.learning_rate, iterations=args.iterations
    )
    if result.above_critical:
        err.write(
            f"warning: learning rate {result.learning_rate:g} is above the critical learning "
            f"rate {result.critical_learning_rate:.4f} of this data: gradient descent diverges\n"
        )
    write_result(result, args.json, out)
    return part1.figures, result
