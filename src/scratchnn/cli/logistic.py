"""``scratchnn logistic``: Intermezzo 1, the logistic function and its derivative."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, TextIO

from ..tutorial import logistic
from ._common import Parser, write_result
from ._options import add_part_parser, derive_options, option_values

if TYPE_CHECKING:
    from matplotlib.figure import Figure

HELP = "Intermezzo 1: the logistic function and its derivative"

#: No options: the command line always draws the tutorial's grid.
OPTIONS = derive_options(logistic.run)


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    return add_part_parser(subparsers, "logistic", HELP, OPTIONS)


def run(
    args: argparse.Namespace, out: TextIO, err: TextIO
) -> tuple[Callable[[logistic.LogisticResult], dict[str, Figure]], logistic.LogisticResult]:
    result = logistic.run(**option_values(OPTIONS, args))
    write_result(result, args.json, out)
    return logistic.figures, result
