"""Command-line options derived from the parameters of a tutorial's ``run``.

A part's subcommand writes, per option, only what ``run``'s signature cannot say: the
argparse type (one of the validators of :mod:`scratchnn.cli._common`), the help text and
the option name where it is not the parameter's. The default is read from
``inspect.signature(run)``, so it is written once, in the tutorial, and ``--help`` shows it.

Example
-------
>>> from scratchnn.cli._common import Parser, non_negative_int, positive_float
>>> def run(seed: int = 1, learning_rate: float = 0.5, max_epochs: int = 9, fast=False):
...     pass
>>> options = derive_options(
...     run,
...     Option("seed", non_negative_int),
...     Option("learning_rate", positive_float, "step size"),
...     Option("max_epochs", non_negative_int, flag="--epochs"),
...     Option("fast", help="skip the checks"),
... )
>>> parser = Parser(prog="demo")
>>> add_options(parser, options)
>>> option_values(options, parser.parse_args(["--epochs", "3"]))
{'seed': 1, 'learning_rate': 0.5, 'max_epochs': 3, 'fast': False}
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from typing import Any, Callable

from ._common import Parser, add_output_options
from ._feedback import add_show_option

__all__ = ["Option", "derive_options", "add_options", "option_values", "add_part_parser"]

_FROM_SIGNATURE: Any = object()  # the default of an Option not yet derived


@dataclasses.dataclass(frozen=True)
class Option:
    """One command-line option for one keyword parameter of a tutorial's ``run``.

    Parameters
    ----------
    param : str
        The parameter's name in the function's signature.
    type : callable, optional
        The argparse type, converting and validating the text (e.g.
        :func:`~scratchnn.cli._common.positive_float`). Omitted for a boolean parameter:
        it becomes a flag, ``store_true`` for a default ``False``, ``store_false`` for a
        default ``True`` (then ``flag`` must name it, e.g. ``"--no-early-stopping"``).
    help : str, optional
        The help text. It is given ``%``-formatting by argparse: ``%(default)s`` (or
        ``%(default)g`` …) places the default; without it, ``" (default: %(default)s)"`` is
        appended (or the help is just ``"default: %(default)s"`` when omitted). A flag's help
        shows no default.
    flag : str, optional
        The option's name when it is not ``--`` and the parameter's name with dashes for
        underscores (e.g. ``"--epochs"`` for ``max_epochs``).
    default : object
        Never written in a table: :func:`derive_options` fills it from the signature.
    """

    param: str
    type: Callable[[str], Any] | None = None
    help: str | None = None
    flag: str | None = None
    default: Any = _FROM_SIGNATURE

    @property
    def option_string(self) -> str:
        """The option as typed on the command line, e.g. ``"--learning-rate"``."""
        return self.flag or "--" + self.param.replace("_", "-")

    @property
    def dest(self) -> str:
        """The attribute of the parsed arguments (argparse's own choice for the option)."""
        return self.option_string.lstrip("-").replace("-", "_")

    def help_text(self) -> str:
        """The help given to argparse, with the default's placeholder where it belongs."""
        if self.type is None or (self.help is not None and "%(default)" in self.help):
            return self.help or ""
        if self.help is None:
            return "default: %(default)s"
        return f"{self.help} (default: %(default)s)"


def derive_options(function: Callable[..., Any], *table: Option) -> tuple[Option, ...]:
    """The options of ``table`` with their defaults read from ``function``'s signature.

    Parameters
    ----------
    function : callable
        The tutorial's ``run``.
    *table : Option
        One per parameter offered on the command line (the others keep their defaults).

    Returns
    -------
    tuple of Option
        In ``table``'s order, each with ``default`` set.

    Raises
    ------
    TypeError
        When an option names no keyword parameter with a default, sets ``default`` itself,
        lacks a ``type`` for a non-flag parameter, or is a flag whose default is not a bool
        (or is ``True`` without a ``flag`` name): mistakes in the table, caught when the
        subcommand module is imported.
    """
    parameters = inspect.signature(function).parameters
    name = getattr(function, "__qualname__", repr(function))
    derived = []
    for option in table:
        parameter = parameters.get(option.param)
        if (
            parameter is None
            or parameter.default is inspect.Parameter.empty
            or parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
        ):
            raise TypeError(f"{name}() has no keyword parameter {option.param!r} with a default")
        if option.default is not _FROM_SIGNATURE:
            raise TypeError(f"option {option.param!r}: the default comes from {name}()")
        negated = parameter.default is True and option.flag is not None
        if option.type is None and parameter.default is not False and not negated:
            raise TypeError(
                f"option {option.param!r} needs a type: only parameters defaulting to False "
                "(or to True, with a flag such as '--no-...') become flags"
            )
        derived.append(dataclasses.replace(option, default=parameter.default))
    return tuple(derived)


def add_options(parser: argparse.ArgumentParser, options: tuple[Option, ...]) -> None:
    """Add every option (from :func:`derive_options`) to ``parser``."""
    for option in options:
        if option.default is _FROM_SIGNATURE:
            raise TypeError(f"option {option.param!r} was not derived from a signature")
        if option.type is None:
            parser.add_argument(
                option.option_string,
                dest=option.dest,
                action="store_false" if option.default else "store_true",
                help=option.help_text() or None,
            )
        else:
            parser.add_argument(
                option.option_string,
                dest=option.dest,
                type=option.type,
                default=option.default,
                help=option.help_text(),
            )


def option_values(options: tuple[Option, ...], args: argparse.Namespace) -> dict[str, Any]:
    """The parsed value of every option, keyed by its parameter: ``run(**option_values(...))``."""
    return {option.param: getattr(args, option.dest) for option in options}


def add_part_parser(
    subparsers: argparse._SubParsersAction[Parser],
    name: str,
    help: str,
    options: tuple[Option, ...],
) -> argparse.ArgumentParser:
    """Add the subcommand ``name`` of one part: its options, then the output options and
    ``--show``.

    Parameters
    ----------
    subparsers
        What ``ArgumentParser.add_subparsers()`` returned.
    name : str
        The subcommand, e.g. ``"part1"``.
    help : str
        Its one-line description (``--help`` of both the program and the subcommand).
    options : tuple of Option
        From :func:`derive_options`.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser.
    """
    parser = subparsers.add_parser(name, help=help, description=help)
    add_options(parser, options)
    add_output_options(parser)
    add_show_option(parser)
    return parser
