"""``scratchnn part5``: a 64-20-20-10 digits classifier trained by mini-batch gradient descent."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, TextIO

from ..training import split_batches
from ..tutorial import part5
from ._common import (
    MAX_EPOCHS,
    Parser,
    UsageError,
    at_most,
    non_negative_int,
    positive_float,
    positive_int,
    write_result,
)
from ._feedback import ERROR, warn_divergence
from ._options import Option, add_part_parser, derive_options, option_values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELP = "Part 5: 64-20-20-10 digits classifier, mini-batch gradient descent, early stopping"

#: Samples in Part 5's training split (:func:`scratchnn.datasets.digits_splits`).
N_TRAIN = 1078

#: The most mini-batch updates a run may make (``--epochs`` times the mini-batches of an
#: epoch): the cost of every one is kept for the cost figure.
MAX_UPDATES = 1_000_000


OPTIONS = derive_options(
    part5.run,
    Option("seed", non_negative_int),
    Option("learning_rate", positive_float),
    Option("batch_size", positive_int, "mini-batch size"),
    Option(
        "max_epochs",
        at_most(MAX_EPOCHS, low=1),
        f"maximum number of epochs, 1 to {MAX_EPOCHS} (and at most {MAX_UPDATES} mini-batch "
        "updates in all); early stopping may end training sooner",
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


def check_updates(max_epochs: int, batch_size: int) -> None:
    """Refuse (:class:`UsageError`) more than :data:`MAX_UPDATES` updates."""
    n_batches = len(split_batches(N_TRAIN, batch_size))
    if max_epochs * n_batches > MAX_UPDATES:
        raise UsageError(
            f"{ERROR}--epochs {max_epochs} with --batch-size {batch_size} makes "
            f"{max_epochs * n_batches} mini-batch updates, more than the limit of "
            f"{MAX_UPDATES} (at most {MAX_UPDATES // n_batches} epochs at this batch size)"
        )


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "part5", HELP, OPTIONS)


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO
) -> tuple[Callable[[part5.Part5Result], dict[str, Figure]], part5.Part5Result]:
    values = option_values(OPTIONS, args)
    check_updates(values["max_epochs"], values["batch_size"])
    result = part5.run(**values)
    warn_divergence(err, result)
    write_result(result, args.json, out)
    return part5.figures, result
