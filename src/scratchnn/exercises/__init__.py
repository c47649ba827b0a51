"""Exercises: learners do the math of the series themselves, and a check grades it.

:data:`EXERCISES` maps a name ``"<part>.<task>"`` (the part as its ``scratchnn``
subcommand: ``logistic``, ``part1``, ``part2``, ``part3``, ``softmax``, ``part4``,
``part5``), in series order, to an :class:`Exercise`: a ``title``, a ``prompt`` (what to
write, its inputs and output with their shapes, the formula to start from), a ``solution``
(plain NumPy; its source with :attr:`Exercise.solution_source`) and
:meth:`Exercise.check`.

The learner's function is named as the exercise with ``_`` for ``.`` (``part1_gradient``
for ``part1.gradient``). :attr:`Exercise.stub` is the function to start from: the
solution's signature and a body that raises ``NotImplementedError``. That is the
convention for an untouched stub: a function that raises ``NotImplementedError`` gets the
verdict "not attempted yet" (``passed`` and ``attempted`` both False).

``check(fn)`` calls ``fn`` on several cases, drawn afresh from ``np.random.default_rng``
(edge cases included: one sample, large and small magnitudes, other shapes), and compares
each answer with the solution's. The :class:`Verdict` says whether it passed (``exact``, or
``close`` with the largest difference), or where it is wrong, expected against got, with a
hint for the usual mistakes (a flipped sign, a missing or extra 1/N or another constant
factor, a transposed matrix, a wrong shape, a missing ``return``). An error raised by ``fn``
is reported with its type and message, and a call still running after :data:`TIME_LIMIT`
seconds (an endless loop) is stopped and reported as too slow (in the main thread on POSIX
systems, where a timer signal can stop it): ``check`` itself never raises.

>>> from scratchnn.exercises import EXERCISES
>>> def part1_gradient(w, x, t):
...     return np.mean(2 * x * (x * w - t))
>>> EXERCISES["part1.gradient"].check(part1_gradient).passed
True
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

import numpy as np  # noqa: F401 - the doctest above uses np

from ._early import EARLY
from ._exercise import TIME_LIMIT, Case, Exercise, Verdict
from ._late import LATE

__all__ = ["EXERCISES", "Exercise", "Verdict", "Case", "PARTS", "TIME_LIMIT"]

#: The parts of the series, in order, as named by the ``scratchnn`` subcommands.
PARTS = ("logistic", "part1", "part2", "part3", "softmax", "part4", "part5")

#: Every exercise by name, in series order (read-only).
EXERCISES: Mapping[str, Exercise] = MappingProxyType(
    {
        exercise.name: exercise
        for exercise in sorted(EARLY + LATE, key=lambda e: PARTS.index(e.part))
    }
)
