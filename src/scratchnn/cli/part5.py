"""``scratchnn part5``: a 64-20-20-10 digits classifier trained by mini-batch gradient descent."""

from __future__ import annotations

import argparse

from ..tutorial import part5
from ._common import (
    add_output_options,
    non_negative_int,
    positive_float,
    positive_int,
    write_result,
)

HELP = "Part 5: 64-20-20-10 digits classifier, mini-batch gradient descent, early stopping"


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("part5", help=HELP, description=HELP)
    parser.add_argument("--seed", type=non_negative_int, default=1, help="default: 1")
    parser.add_argument(
        "--learning-rate", type=positive_float, default=0.1, help="default: 0.1"
    )
    parser.add_argument(
        "--batch-size", type=positive_int, default=25, help="mini-batch size (default: 25)"
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=300,
        help="maximum number of epochs; early stopping may end training sooner (default: 300)",
    )
    parser.add_argument(
        "--shuffle",
        action="store_true",
        help="re-draw the mini-batches every epoch (the tutorial's batches are fixed)",
    )
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, out, err):
    result = part5.run(
        seed=args.seed,
        learning_rate=args.learning_rate,
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        shuffle=args.shuffle,
    )
    if result.cost_increased:
        err.write(
            f"warning: training diverged: the training cost rose from "
            f"{result.initial_train_cost:.4f} to {result.train_cost[-1]:.4f} "
            f"(learning rate {result.learning_rate:g} may be too high)\n"
        )
    write_result(result, args.json, out)
    return part5.figures, result
