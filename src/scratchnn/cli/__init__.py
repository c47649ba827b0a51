"""The ``scratchnn`` command line.

Every subcommand prints its results (text, or one JSON object with ``--json``) and, with
``--out DIR``, writes its figures. Bad input gives one line on stderr and exit code 2.

The subcommands are the parts of :mod:`scratchnn.cli._registry`, in series order, then
``all`` (:mod:`scratchnn.cli.all`), which runs them.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import Sequence

from .._version import __version__
from . import all as _all
from ._common import Parser, UsageError, write_figures
from ._registry import COMMANDS, PARTS

__all__ = ["main", "build_parser", "COMMANDS"]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The ``scratchnn`` parser and the module of each of its subcommands, by name.

    Returns
    -------
    parser : argparse.ArgumentParser
        Its errors raise :class:`~scratchnn.cli._common.UsageError` instead of exiting.
    modules : dict of str to module
        Every part of :data:`~scratchnn.cli._registry.PARTS` in series order, then ``all``.
    """
    parser = Parser(
        prog="scratchnn",
        description="Neural networks from scratch in NumPy: Peter Roelants' series, part by part.",
    )
    parser.add_argument("--version", action="version", version=f"scratchnn {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {**PARTS, "all": _all}
    for module in modules.values():
        module.register(subparsers)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success, 2 for bad input (one line on stderr), 130 when interrupted.
    """
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
            paths = write_figures(make_figures(result), args.out, args.format, args.dpi)
            (err if args.json else out).write(f"wrote {len(paths)} figures to {args.out}/\n")
    except UsageError as exc:
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
