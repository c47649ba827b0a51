"""What every subcommand shares: the parser class, argument types, output options, writing
figures and results."""

from __future__ import annotations

import argparse
import json
from functools import partial
from pathlib import Path
from typing import Any, Callable, Mapping, NoReturn, TextIO, TypeVar

from matplotlib.figure import Figure

from .._io import atomic_write

__all__ = [
    "Parser",
    "UsageError",
    "RunInterrupted",
    "INTERRUPTED",
    "MAX_ITERATIONS",
    "MAX_EPOCHS",
    "at_most",
    "positive_float",
    "non_negative_float",
    "non_negative_int",
    "positive_int",
    "fraction",
    "add_output_options",
    "write_figures",
    "print_json",
]


class UsageError(Exception):
    """Bad command-line input; its message is the one line the command prints."""


class RunInterrupted(Exception):
    """Ctrl-C ended a run early; its partial results have been printed (exit code 130)."""


#: What the command says (``scratchnn: interrupted (Ctrl-C)``, exit code 130) when Ctrl-C
#: comes before there is anything to print: start-up, loading data, Part 5's gradient check.
INTERRUPTED = "interrupted (Ctrl-C)"


#: The most ``--iterations`` a part accepts: every iteration is kept for the tables and
#: figures, so this bounds a run's memory (about 100 MB) and time (seconds).
MAX_ITERATIONS = 100_000

#: The most ``--epochs`` Part 5 accepts (with its default mini-batches, a few minutes).
MAX_EPOCHS = 10_000

#: The kind of number an argparse type parses.
_Number = TypeVar("_Number", int, float)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError`: one line, exit code 2,
    ``scratchnn: error: <what> (see 'scratchnn part1 --help')``."""

    def error(self, message: str) -> NoReturn:  # noqa: D401 - argparse API
        raise UsageError(f"scratchnn: error: {message} (see '{self.prog} --help')")


def _number(text: str, kind: type[_Number], name: str) -> _Number:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {name}, got {text!r}") from None
    if kind is float and value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    value = _number(text, float, "a number")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def non_negative_float(text: str) -> float:
    value = _number(text, float, "a number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def fraction(text: str) -> float:
    """A number in [0, 1)."""
    value = _number(text, float, "a number")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {text}")
    return value


def non_negative_int(text: str) -> int:
    value = _number(text, int, "an integer")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


def positive_int(text: str) -> int:
    value = _number(text, int, "an integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return value


def at_most(limit: int, low: int = 0) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``limit`` (a run's documented bound)."""

    def bounded(text: str) -> int:
        value = _number(text, int, "an integer")
        if not low <= value <= limit:
            raise argparse.ArgumentTypeError(f"must be from {low} to {limit}, got {text}")
        return value

    return bounded


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """``--out DIR``, ``--format png|svg``, ``--dpi N`` and ``--json``."""
    max_dpi = 1200

    def dpi(text: str) -> int:
        value = positive_int(text)
        if value > max_dpi:
            raise argparse.ArgumentTypeError(f"must be <= {max_dpi}, got {text}")
        return value

    parser.add_argument(
        "--out", metavar="DIR", type=Path, help="write the figures into DIR (created if missing)"
    )
    parser.add_argument(
        "--format", choices=("png", "svg"), default="png", help="figure format (default: png)"
    )
    parser.add_argument(
        "--dpi",
        metavar="N",
        type=dpi,
        default=100,
        help="resolution of PNG figures in dots per inch, 1 to 1200 (default: 100)",
    )
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object")


def write_figures(figures: Mapping[str, Figure], out: Path, fmt: str, dpi: int = 100) -> list[Path]:
    """Save every figure as ``out/<name>.<fmt>``; return the paths.

    ``out`` is created if missing. Each file is written atomically
    (``scratchnn._io.atomic_write``), so an interrupted run never leaves a half-written
    figure (nor destroys an older one), with the permissions of a new file (the umask
    applies). ``dpi`` sets the resolution of PNG files; SVG is vector and ignores it.
    """
    out.mkdir(parents=True, exist_ok=True)
    resolution = dpi if fmt == "png" else None
    return [
        atomic_write(out / f"{name}.{fmt}", partial(fig.savefig, format=fmt, dpi=resolution))
        for name, fig in figures.items()
    ]


def print_json(data: Mapping[str, Any], stream: TextIO) -> None:
    """One JSON object on one line (floats at full precision)."""
    stream.write(json.dumps(data, allow_nan=False) + "\n")


def write_result(result: Any, as_json: bool, stream: TextIO) -> None:
    """A part's result: its ``to_dict()`` as one JSON line, or its ``lines()`` as text."""
    if as_json:
        print_json(result.to_dict(), stream)
    else:
        stream.write("\n".join(result.lines()) + "\n")
