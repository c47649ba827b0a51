"""``scratchnn softmax``: Intermezzo 2, the softmax probability surface."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, TextIO

from ..tutorial import softmax
from ._common import Parser, positive_float, positive_int, write_result
from ._options import Option, add_part_parser, derive_options, option_values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELP = "Intermezzo 2: the softmax function and its cross-entropy"

OPTIONS = derive_options(
    softmax.run,
    Option("grid_size", positive_int, f"points per axis, 2 to {softmax.MAX_GRID_SIZE}"),
    Option(
        "limit",
        positive_float,
        f"grid over [-LIMIT, LIMIT]^2, at most {softmax.MAX_LIMIT:g} (default: %(default)g)",
    ),
)


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "softmax", HELP, OPTIONS)


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO
) -> tuple[Callable[[softmax.SoftmaxResult], dict[str, Figure]], softmax.SoftmaxResult]:
    result = softmax.run(**option_values(OPTIONS, args))
    write_result(result, args.json, out)
    return softmax.figures, result
