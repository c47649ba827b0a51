"""The subcommand of every part of the series, in series order.

``scratchnn`` offers one subcommand per entry (plus ``all``) and ``scratchnn all`` runs them
in this order. Each module has ``HELP`` (one line), ``register(subparsers)`` (adds its
subparser and returns it) and ``run(args, out, err)`` (prints the result and returns the
part's figure function and result).
"""

from __future__ import annotations

from types import ModuleType

from . import logistic, part1, part2, part3, part4, part5, softmax

__all__ = ["PARTS", "COMMANDS"]

#: Subcommand name -> its module, in series order.
PARTS: dict[str, ModuleType] = {
    "logistic": logistic,
    "part1": part1,
    "part2": part2,
    "part3": part3,
    "softmax": softmax,
    "part4": part4,
    "part5": part5,
}

#: The subcommand names, in series order.
COMMANDS: list[str] = list(PARTS)
