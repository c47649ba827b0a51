"""The ``scratchnn`` command line.

Every subcommand prints its results (text, or one JSON object with ``--json``) and, with
``--out DIR``, writes its figures. Bad input gives one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

__all__ = ["main", "COMMANDS"]

#: Subcommand modules of this package, one per part, in series order (`all` runs them).
COMMANDS = ["logistic", "part1", "part2", "part3", "softmax", "part4", "part5"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        raise _UsageError(f"{self.prog}: error: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    from .._version import __version__

    parser = _Parser(
        prog="scratchnn",
        description="Neural networks from scratch in NumPy: Peter Roelants' series, part by part.",
    )
    parser.add_argument("--version", action="version", version=f"scratchnn {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in [*COMMANDS, "all"]:  # `all` runs the COMMANDS in order
        module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
        module.register(subparsers)
        modules[name] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    from ._common import write_figures

    out, err = sys.stdout, sys.stderr
    try:
        parser, modules = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_usage(err)
            err.write("scratchnn: error: a COMMAND is required (see scratchnn --help)\n")
            return 2
        make_figures, result = modules[args.command].run(args, out, err)
        if args.out is not None and make_figures is not None:
            paths = write_figures(make_figures(result), args.out, args.format)
            (err if args.json else out).write(
                f"wrote {len(paths)} figures to {args.out}/\n"
            )
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return 2
    except (ValueError, TypeError, OSError, FloatingPointError) as exc:
        message = str(exc).replace("\n", " ")
        err.write(f"scratchnn: error: {message}\n")
        return 2
    except KeyboardInterrupt:
        err.write("scratchnn: interrupted\n")
        return 130
    return 0
