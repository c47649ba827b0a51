"""``scratchnn part4``: a vectorised 2-3-2 network with momentum on the circles data."""

from __future__ import annotations

import argparse

from ..tutorial import part4
from ._common import add_output_options, fraction, non_negative_int, positive_float, write_result

HELP = "Part 4: vectorised 2-3-2 network (logistic hidden, softmax output) with momentum"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("part4", help=HELP, description=HELP)
    parser.add_argument("--seed", type=non_negative_int, default=1, help="default: 1")
    parser.add_argument(
        "--learning-rate", type=positive_float, default=0.02, help="default: 0.02"
    )
    parser.add_argument(
        "--momentum", type=fraction, default=0.9, help="in [0, 1) (default: 0.9)"
    )
    parser.add_argument(
        "--iterations", type=non_negative_int, default=300, help="default: 300"
    )
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = part4.run(
        seed=args.seed,
        learning_rate=args.learning_rate,
        momentum=args.momentum,
        iterations=args.iterations,
    )
    if result.loss_increased:
        err.write(
            f"warning: training diverged: the loss rose from {result.loss[0]:.4f} to "
            f"{result.loss[-1]:.4f} (learning rate {result.learning_rate:g} may be too high)\n"
        )
    write_result(result, args.json, out)
    return part4.figures, result
