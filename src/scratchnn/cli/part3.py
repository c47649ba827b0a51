"""``scratchnn part3``: one hidden RBF neuron trained by backpropagation."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, TextIO

from ..tutorial import part3
from ..tutorial._trace import FULL, HEAD
from ._common import MAX_ITERATIONS, Parser, at_most, non_negative_int, positive_float, write_result
from ._feedback import warn_divergence
from ._options import Option, add_part_parser, derive_options, option_values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELP = "Part 3: one hidden RBF neuron trained by backpropagation"

OPTIONS = derive_options(
    part3.run,
    Option("seed", non_negative_int),
    Option("learning_rate", positive_float),
    Option(
        "iterations",
        at_most(MAX_ITERATIONS),
        f"0 to {MAX_ITERATIONS} (default: %(default)s, the tutorial's code; its text says "
        f"50); of a run over {FULL} iterations the table shows the first {HEAD} and then "
        "evenly spaced ones",
    ),
)


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "part3", HELP, OPTIONS)


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO
) -> tuple[Callable[[part3.Part3Result], dict[str, Figure]], part3.Part3Result]:
    result = part3.run(**option_values(OPTIONS, args))
    warn_divergence(err, result)
    write_result(result, args.json, out)
    return part3.figures, result
