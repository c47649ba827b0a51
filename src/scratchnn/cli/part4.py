"""``scratchnn part4``: a vectorised 2-3-2 network with momentum on the circles data."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, TextIO

from ..tutorial import part4
from ._common import (
    MAX_ITERATIONS,
    Parser,
    at_most,
    fraction,
    non_negative_int,
    positive_float,
    write_result,
)
from ._feedback import warn_divergence
from ._options import Option, add_part_parser, derive_options, option_values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELP = "Part 4: vectorised 2-3-2 network (logistic hidden, softmax output) with momentum"

OPTIONS = derive_options(
    part4.run,
    Option("seed", non_negative_int),
    Option("learning_rate", positive_float),
    Option("momentum", fraction, "in [0, 1)"),
    Option(
        "iterations",
        at_most(MAX_ITERATIONS),
        f"0 to {MAX_ITERATIONS} (default: %(default)s)",
    ),
)


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "part4", HELP, OPTIONS)


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO
) -> tuple[Callable[[part4.Part4Result], dict[str, Figure]], part4.Part4Result]:
    result = part4.run(**option_values(OPTIONS, args))
    warn_divergence(err, result)
    write_result(result, args.json, out)
    return part4.figures, result
