"""``scratchnn part2``: logistic regression on two Gaussian classes."""

from __future__ import annotations

import argparse

from ..tutorial import part2
from ._common import add_output_options, non_negative_int, positive_float, write_result

HELP = "Part 2: logistic regression (two inputs, no bias) by gradient descent"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("part2", help=HELP, description=HELP)
    parser.add_argument("--seed", type=non_negative_int, default=1, help="default: 1")
    parser.add_argument(
        "--learning-rate",
        type=positive_float,
        default=0.05,
        help="step size on the summed gradient (default: 0.05)",
    )
    parser.add_argument("--iterations", type=non_negative_int, default=10, help="default: 10")
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = part2.run(
        seed=args.seed, learning_rate=args.learning_rate, iterations=args.iterations
    )
    write_result(result, args.json, out)
    return part2.figures, result
