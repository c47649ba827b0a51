"""``scratchnn part3``: one hidden RBF neuron trained by backpropagation."""

from __future__ import annotations

import argparse

from ..tutorial import part3
from ._common import add_output_options, non_negative_int, positive_float, write_result

HELP = "Part 3: one hidden RBF neuron trained by backpropagation"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("part3", help=HELP, description=HELP)
    parser.add_argument("--seed", type=non_negative_int, default=4, help="default: 4")
    parser.add_argument(
        "--learning-rate", type=positive_float, default=2.0, help="default: 2.0"
    )
    parser.add_argument(
        "--iterations",
        type=non_negative_int,
        default=20,
        help="default: 20 (the tutorial's code; its text says 50)",
    )
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = part3.run(
        seed=args.seed, learning_rate=args.learning_rate, iterations=args.iterations
    )
    write_result(result, args.json, out)
    return part3.figures, result
