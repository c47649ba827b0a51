"""``scratchnn part5``: a 64-20-20-10 digits classifier trained by mini-batch gradient descent."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..tutorial import part5
from ._common import non_negative_int, positive_float, positive_int, write_result
from ._options import Option, add_part_parser, derive_options, option_values

HELP = "Part 5: 64-20-20-10 digits classifier, mini-batch gradient descent, early stopping"

OPTIONS = derive_options(
    part5.run,
    Option("seed", non_negative_int),
    Option("learning_rate", positive_float),
    Option("batch_size", positive_int, "mini-batch size"),
    Option(
        "max_epochs",
        positive_int,
        "maximum number of epochs; early stopping may end training sooner",
        flag="--epochs",
    ),
    Option(
        "shuffle", help="re-draw the mini-batches every epoch (the tutorial's batches are fixed)"
    ),
)


def register(subparsers) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "part5", HELP, OPTIONS)


def run(args: argparse.Namespace, out: TextIO, err: TextIO):
    result = part5.run(**option_values(OPTIONS, args))
    if result.cost_increased:
        err.write(
            f"warning: training diverged: the training cost rose from "
            f"{result.initial_train_cost:.4f} to {result.train_cost[-1]:.4f} "
            f"(learning rate {result.learning_rate:g} may be too high)\n"
        )
    write_result(result, args.json, out)
    return part5.figures, result
