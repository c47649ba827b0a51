"""``scratchnn part5``: a 64-20-20-10 digits classifier trained by mini-batch gradient descent."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..tutorial import part5
from ._common import (
    MAX_EPOCHS,
    at_most,
    non_negative_int,
    positive_float,
    positive_int,
    write_result,
)
from ._feedback import warn_diverged
from ._options import Option, add_part_parser, derive_options, option_values

HELP = "Part 5: 64-20-20-10 digits classifier, mini-batch gradient descent, early stopping"

OPTIONS = derive_options(
    part5.run,
    Option("seed", non_negative_int),
    Option("learning_rate", positive_float),
    Option("batch_size", positive_int, "mini-batch size"),
    Option(
        "max_epochs",
        at_most(MAX_EPOCHS, low=1),
        f"maximum number of epochs, 1 to {MAX_EPOCHS}; early stopping may end training sooner",
        flag="--epochs",
    ),
    Option(
        "shuffle", help="re-draw the mini-batches every epoch (the tutorial's batches are fixed)"
    ),
    Option(
        "patience",
        positive_int,
        "early stopping: stop after this many epochs in a row whose validation cost does "
        "not decrease (default: %(default)s, the tutorial's rule)",
        flag="--patience",
    ),
    Option(
        "early_stopping",
        help="train all --epochs (the tutorial stops early)",
        flag="--no-early-stopping",
    ),
)


def register(subparsers) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "part5", HELP, OPTIONS)


def run(args: argparse.Namespace, out: TextIO, err: TextIO):
    result = part5.run(**option_values(OPTIONS, args))
    if result.cost_increased:
        warn_diverged(
            err,
            "the training cost",
            result.initial_train_cost,
            result.train_cost[-1],
            result.learning_rate,
        )
    write_result(result, args.json, out)
    return part5.figures, result
