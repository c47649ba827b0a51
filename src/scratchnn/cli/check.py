"""``scratchnn check FILE.py``: grade the learner's exercise functions.

The file is run as a Python module (it is the learner's own code: it runs with the user's
rights); every function in it named as an exercise (``part1_gradient`` for
``part1.gradient``) is checked, in series order, and its verdict printed. Exit code 0 when
every one passed, 1 otherwise; 2 for a file that is missing, fails to import or defines no
exercise function.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..exercises import EXERCISES, TIME_LIMIT, Verdict
from ..exercises._exercise import MAX_TIME_LIMIT
from ._common import Parser, UsageError, non_negative_int, positive_float
from ._feedback import ERROR

HELP = "grade your exercise functions in FILE.py (runs your own code)"

_DESCRIPTION = (
    "Run FILE.py, a Python file of your own (this runs your code, with your rights), and "
    "grade every function in it named as an exercise, with '_' for '.' (part1_gradient for "
    "part1.gradient; 'scratchnn exercises' lists them): each is called on fresh random cases "
    "and compared with the solution. Prints a verdict per function; the exit code is 0 when "
    "all passed, 1 otherwise."
)


@dataclass(frozen=True)
class Grades:
    """The verdicts of one ``scratchnn check``; ``exit_code`` 0 when all passed, else 1."""

    verdicts: list[Verdict]

    @property
    def exit_code(self) -> int:
        return 0 if all(v.passed for v in self.verdicts) else 1


def _seconds(text: str) -> float:
    """A ``--time-limit``: a number of seconds in (0, MAX_TIME_LIMIT]."""
    value = positive_float(text)
    if value > MAX_TIME_LIMIT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_TIME_LIMIT:g} seconds, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("check", help=HELP, description=_DESCRIPTION)
    parser.add_argument("file", metavar="FILE.py", type=Path, help="your Python file")
    parser.add_argument(
        "--seed",
        type=non_negative_int,
        default=None,
        help="draw the cases from this seed (a verdict names the seed of its cases); "
        "fresh ones when omitted",
    )
    parser.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=_seconds,
        default=TIME_LIMIT,
        help="stop a call of your function still running after SECONDS and report it as "
        f"too slow (default {TIME_LIMIT:g}; an endless loop then does not hang the check)",
    )
    return parser


def load(path: Path) -> dict[str, Any]:
    """Run the file ``path`` (its folder first on ``sys.path``, as ``python FILE.py`` has
    it; ``__name__`` is not ``"__main__"``) and return its globals."""
    if not path.exists():
        raise UsageError(f"{ERROR}no such file: '{path}'")
    if not path.is_file():
        raise UsageError(f"{ERROR}not a file: '{path}'")
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)
    try:
        return runpy.run_path(str(path), run_name="__scratchnn_check__")
    except (Exception, SystemExit) as exc:  # the learner's file may raise anything
        message = " ".join(str(exc).split())
        detail = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
        raise UsageError(f"{ERROR}cannot import '{path}': {detail}") from None
    finally:
        if folder in sys.path:
            sys.path.remove(folder)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> tuple[None, Grades]:
    namespace = load(args.file)
    graded = [
        (exercise, namespace[exercise.function_name])
        for exercise in EXERCISES.values()
        if callable(namespace.get(exercise.function_name))
    ]
    if not graded:
        raise UsageError(
            f"{ERROR}'{args.file}' defines no exercise function (e.g. part1_gradient for "
            "part1.gradient; 'scratchnn exercises' lists them)"
        )
    verdicts = [
        exercise.check(fn, seed=args.seed, time_limit=args.time_limit) for exercise, fn in graded
    ]
    for verdict in verdicts:
        out.write(f"{verdict}\n")
    passed = sum(v.passed for v in verdicts)
    untried = sum(not v.attempted for v in verdicts)
    note = f" ({untried} not attempted yet)" if untried else ""
    out.write(f"{passed} of {len(verdicts)} passed{note}\n")
    return None, Grades(verdicts)
