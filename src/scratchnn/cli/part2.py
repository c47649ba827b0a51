"""``scratchnn part2``: logistic regression on two Gaussian classes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, TextIO

from ..tutorial import part2
from ..tutorial._trace import FULL, HEAD
from ._common import MAX_ITERATIONS, Parser, at_most, non_negative_int, positive_float, write_result
from ._feedback import warn_divergence
from ._options import Option, add_part_parser, derive_options, option_values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELP = "Part 2: logistic regression (two inputs, no bias) by gradient descent"

OPTIONS = derive_options(
    part2.run,
    Option("seed", non_negative_int),
    Option("learning_rate", positive_float, "step size on the summed gradient"),
    Option(
        "iterations",
        at_most(MAX_ITERATIONS),
        f"0 to {MAX_ITERATIONS} (default: %(default)s); of a run over {FULL} iterations "
        f"the table shows the first {HEAD} and then evenly spaced ones",
    ),
)


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "part2", HELP, OPTIONS)


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO
) -> tuple[Callable[[part2.Part2Result], dict[str, Figure]], part2.Part2Result]:
    result = part2.run(**option_values(OPTIONS, args))
    warn_divergence(err, result)
    write_result(result, args.json, out)
    return part2.figures, result
