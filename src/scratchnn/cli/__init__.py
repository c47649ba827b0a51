"""The ``scratchnn`` command line.

Every subcommand prints its results (text, or one JSON object with ``--json``); with
``--out DIR`` it writes its figures and says which files it wrote, with ``--show`` it opens
them; without either it says once how to get them. Bad input gives one line on stderr,
``scratchnn: error: …``, and exit code 2, before anything runs (``--out`` included). A
closed pipe (``scratchnn all | head -1``) ends quietly with exit code 0. Ctrl-C stops a
run at the end of the current update: the results so far are printed, marked as
interrupted (``"interrupted": true`` in the JSON), no figure is written, exit code 130.
Ctrl-C before there are results (start-up, loading data, Part 5's gradient check) ends
with one line, ``scratchnn: interrupted (Ctrl-C)``, and exit code 130 too.
``--iterations`` and ``--epochs`` have upper limits (see ``--help``). What else the
command says is described in ``scratchnn.cli._feedback``.

The subcommands are the parts of ``scratchnn.cli._registry``, in series order, then
``all`` (``scratchnn.cli.all_parts``), which runs them, ``report``, and the exercises:
``exercises`` lists them and prints one (``scratchnn.cli.exercises``), ``check FILE.py``
grades the learner's functions (``scratchnn.cli.check``; exit code 1 when one did not pass).

A subcommand module has ``HELP``, ``register(subparsers)`` and ``run(args, out, err)``, which
returns ``(make_figures, result)``: ``make_figures`` None when there are no figures to
deliver, and the command's exit code is ``result.exit_code`` when the result has one (else 0).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from functools import partial
from types import ModuleType
from typing import Sequence, TextIO

from .._ctrl_c import ctrl_c_redelivered
from .._version import __version__
from . import all_parts, check, exercises
from . import report as _report
from ._common import INTERRUPTED, Parser, RunInterrupted, UsageError
from ._feedback import ERROR, check_out_dir, deliver_figures, finish
from ._registry import COMMANDS, PARTS

__all__ = ["main", "build_parser", "COMMANDS"]


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The ``scratchnn`` parser and the module of each of its subcommands, by name.

    Returns
    -------
    parser : argparse.ArgumentParser
        Its errors raise ``UsageError`` instead of exiting.
    modules : dict of str to module
        Every part of ``PARTS`` in series order, then ``all``, ``report``, ``exercises``
        and ``check``.
    """
    parser = Parser(
        prog="scratchnn",
        description="Neural networks from scratch in NumPy: Peter Roelants' series, part by part.",
    )
    parser.add_argument("--version", action="version", version=f"scratchnn {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {**PARTS, "all": all_parts, "report": _report}
    modules.update({"exercises": exercises, "check": check})
    for module in modules.values():
        module.register(subparsers)
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    While it runs, warnings from the libraries it uses (matplotlib, NumPy …) are written as
    one ``scratchnn: warning: …`` line each, without their source paths.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 on success (also when the reader of stdout goes away), 1 when ``scratchnn check``
        graded a function that did not pass, 2 for bad input (one line
        on stderr; ``scratchnn`` alone first prints its usage), 130 when interrupted
        (Ctrl-C: what was computed so far is printed, marked as interrupted, and no figure
        is written; before there is anything to print, one line says so).
    """
    out, err = sys.stdout, sys.stderr
    # a Ctrl-C the garbage collector would swallow is delivered again (see .._ctrl_c)
    with ctrl_c_redelivered(), warnings.catch_warnings():
        warnings.showwarning = partial(_show_warning, err)
        try:
            status = _run(argv, out, err)
        except BrokenPipeError:
            _discard_stdout()
            return 0
        except UsageError as exc:
            err.write(f"{exc}\n")
            return 2
        except (ValueError, TypeError, OSError, FloatingPointError) as exc:
            message = str(exc).replace("\n", " ")
            err.write(f"{ERROR}{message}\n")
            return 2
        except (KeyboardInterrupt, RunInterrupted) as exc:
            _flush(out)  # a bare KeyboardInterrupt: before any result (loading data …)
            err.write(f"scratchnn: {str(exc) or INTERRUPTED}\n")
            return 130
    return status


def _run(argv: Sequence[str] | None, out: TextIO, err: TextIO) -> int:
    """Parse ``argv``, run the command, deliver its figures (unless it was interrupted);
    return the command's exit code (``result.exit_code``, 0 when the result has none)."""
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        err.write(parser.format_usage())
        raise UsageError(
            f"{ERROR}a COMMAND is required: one of {', '.join(modules)} (see 'scratchnn --help')"
        )
    if getattr(args, "out", None) is not None:  # not every command writes files
        check_out_dir(args.out)
    make_figures, result = modules[args.command].run(args, out, err)
    if getattr(result, "interrupted", False):
        raise RunInterrupted("interrupted (Ctrl-C); no figures written")
    if make_figures is not None:  # ``all`` delivers its parts' figures itself
        finish(args, deliver_figures(make_figures, result, args, out, err), out, err)
    out.flush()
    return int(getattr(result, "exit_code", 0))


def _show_warning(
    err: TextIO,
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` for the command line: one ``scratchnn: warning:`` line."""
    text = " ".join(str(message).split())
    err.write(f"scratchnn: warning: {text} ({category.__name__})\n")


def _flush(stream: TextIO) -> None:
    """Flush ``stream``, ignoring a reader that went away."""
    try:
        stream.flush()
    except (BrokenPipeError, OSError, ValueError):
        pass


def _discard_stdout() -> None:
    """After the reader of stdout went away: point stdout at devnull, so that the flush at
    exit does not fail again (Python's documented way, see the ``signal`` module's notes on
    SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no real file behind stdout
        pass
