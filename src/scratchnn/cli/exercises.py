"""``scratchnn exercises``: list the exercises, print one's prompt, or its solution."""

from __future__ import annotations

import argparse
import difflib
from typing import TextIO

from ..exercises import EXERCISES, Exercise
from ._common import Parser, UsageError
from ._feedback import ERROR

HELP = "the exercises: list them, print one's prompt (NAME) or its answer (NAME --solution)"

_DESCRIPTION = (
    "Without NAME: list the exercises (name, part, title). With NAME: print what to write, "
    "and the function to start from; with --solution, the answer instead. "
    "'scratchnn check FILE.py' grades your functions."
)


def register(subparsers: argparse._SubParsersAction[Parser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("exercises", help=HELP, description=_DESCRIPTION)
    parser.add_argument("name", nargs="?", metavar="NAME", help="an exercise, e.g. part1.gradient")
    parser.add_argument(
        "--solution", action="store_true", help="print the exercise's answer (its source code)"
    )
    return parser


def find(name: str) -> Exercise:
    """The exercise ``name``; a UsageError naming the closest ones when there is none."""
    if name in EXERCISES:
        return EXERCISES[name]
    close = difflib.get_close_matches(name, list(EXERCISES), n=3, cutoff=0.5)
    maybe = f" (did you mean {', '.join(close)}?)" if close else ""
    raise UsageError(f"{ERROR}no exercise named {name!r}{maybe}; 'scratchnn exercises' lists them")


def listing() -> list[str]:
    """One line per exercise: name, part, title, in columns."""
    rows = [("NAME", "PART", "TITLE")]
    rows += [(e.name, e.part, e.title) for e in EXERCISES.values()]
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    return [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]


def prompt(exercise: Exercise) -> list[str]:
    """The exercise's title, prompt, the function to start from and how to check it."""
    return [
        f"{exercise.name} ({exercise.part}): {exercise.title}",
        "",
        exercise.prompt,
        "",
        "Start from:",
        "",
        exercise.stub.rstrip("\n"),
        "",
        f"Check it: 'scratchnn check FILE.py' with the function in FILE.py, or in Python "
        f'EXERCISES["{exercise.name}"].check({exercise.function_name}) '
        "(from scratchnn.exercises import EXERCISES).",
    ]


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> tuple[None, None]:
    if args.name is None:
        if args.solution:
            raise UsageError(
                f"{ERROR}--solution needs an exercise NAME (see 'scratchnn exercises')"
            )
        lines = listing()
        lines += [
            "",
            "'scratchnn exercises NAME' prints one; 'scratchnn check FILE.py' grades yours.",
        ]
    else:
        exercise = find(args.name)
        lines = (
            exercise.solution_source.rstrip("\n").splitlines()
            if args.solution
            else prompt(exercise)
        )
    out.write("\n".join(lines) + "\n")
    return None, None
