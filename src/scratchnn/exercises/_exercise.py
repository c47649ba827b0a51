"""An exercise, its cases and the verdict of a check.

An untouched stub **raises** ``NotImplementedError`` (the stubs of the notebooks and of
:attr:`Exercise.stub` do): a function that raises it on the first case is "not attempted
yet". Anything else a function does (raise another error, return None, a list, a string,
NaN …) is graded, and :meth:`Exercise.check` itself never raises.
"""

from __future__ import annotations

import copy
import inspect
import textwrap
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .._validation import check_real
from ._compare import Outcome, compare
from ._time_limit import TimeLimitExceeded, limited_to

__all__ = ["Case", "Verdict", "Exercise", "TIME_LIMIT"]

#: Seconds one call of the learner's function may run before it is stopped (see
#: :mod:`._time_limit` for where the limit can be enforced).
TIME_LIMIT = 10.0

#: The longest time limit :meth:`Exercise.check` accepts, in seconds (a timer's range).
MAX_TIME_LIMIT = 1e6

#: The statuses of a :class:`Verdict`, those that pass first.
STATUSES = ("exact", "close", "wrong", "error", "timed out", "not attempted")


@dataclass(frozen=True)
class Case:
    """One set of inputs a function is checked on.

    Attributes
    ----------
    label : str
        What is special about it ("one sample", "large logits" …).
    args : tuple
        The positional arguments; every call gets its own deep copy.
    n : int, optional
        The number of samples (lets the check recognise a missing or an extra 1/N).
    """

    label: str
    args: tuple
    n: int | None = None


@dataclass(frozen=True)
class Verdict:
    """The result of :meth:`Exercise.check`; ``str(verdict)`` explains it.

    Attributes
    ----------
    exercise : str
        The exercise's name.
    status : {"exact", "close", "wrong", "error", "timed out", "not attempted"}
    passed : bool
        Whether every case matched the solution (``"exact"`` or ``"close"``).
    attempted : bool
        False for an untouched stub (it raises ``NotImplementedError`` on the first case).
    n_cases : int
        The number of cases checked.
    case : str
        The first case that failed: its number and label (empty when passed).
    difference : float
        The largest absolute difference from the solution's answer (``"close"``), else 0 or
        NaN.
    where, hint : str
        What was wrong and the likely mistake (``"wrong"``); the error (``"error"``); the
        time limit that stopped the call (``"timed out"``).
    seed : int
        The seed the cases were drawn from: ``check(fn, seed=seed)`` draws the same ones.
    """

    exercise: str
    status: str
    n_cases: int
    seed: int
    case: str = ""
    difference: float = 0.0
    where: str = ""
    hint: str = ""

    @property
    def passed(self) -> bool:
        return self.status in ("exact", "close")

    @property
    def attempted(self) -> bool:
        return self.status != "not attempted"

    def __str__(self) -> str:
        head = f"{self.exercise}: "
        if self.status == "exact":
            return f"{head}passed, exact: all {self.n_cases} cases equal the solution's answers"
        if self.status == "close":
            return (
                f"{head}passed, close: all {self.n_cases} cases agree with the solution's "
                f"answers (largest difference {self.difference:.2g})"
            )
        if self.status == "not attempted":
            return (
                f"{head}not attempted yet (the function still raises NotImplementedError): "
                "write your code in its place"
            )
        verb = {"wrong": "wrong", "timed out": "too slow"}.get(self.status, "raised an error")
        lines = [f"{head}{verb} in {self.case}", f"  {self.where}"]
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        lines.append(f"  (the same cases again: check(fn, seed={self.seed}))")
        return "\n".join(lines)


def _call(
    fn: Callable, args: tuple, seconds: float | None = None
) -> tuple[Any, BaseException | None]:
    """``fn(*deep copy of args)`` with NumPy's warnings silenced and at most ``seconds`` to
    run: (value, None) or (None, the exception it raised, ``TimeLimitExceeded`` included)."""
    copied = copy.deepcopy(args)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            with limited_to(seconds):
                return fn(*copied), None
    except (Exception, SystemExit, TimeLimitExceeded) as exc:  # the learner's code: anything
        return None, exc


def _too_slow(seconds: float | None) -> str:
    """The ``where`` of a call stopped by its time limit."""
    return (
        f"still running after {seconds:g} s, so it was stopped: an endless loop (a while "
        "loop whose condition never changes)? a loop over every sample where one array "
        "expression would do?"
    )


def _error_text(exc: BaseException, fn: Callable) -> str:
    """``Type: message``, and the line of ``fn``'s file where it was raised, if it was."""
    message = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    code = getattr(fn, "__code__", None)
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if code is not None and frame.filename == code.co_filename
    ]
    if frames:
        line = (frames[-1].line or "").strip()
        text += f" (line {frames[-1].lineno}{': ' + line if line else ''})"
    return text


@dataclass(frozen=True)
class Exercise:
    """One exercise: a function to write, the solution, and the check.

    Attributes
    ----------
    name : str
        ``"<part>.<task>"``; the learner's function is named ``<part>_<task>``.
    part : str
        The part of the series (``"logistic"``, ``"part1"`` … ``"part5"``).
    title : str
        One line.
    prompt : str
        What to write: the inputs and the output with their shapes, the formula to start from.
    solution : callable
        The answer, in plain NumPy (its source: :attr:`solution_source`).
    cases : callable
        ``cases(rng) -> list of Case``: the inputs to check on, drawn from ``rng``.
    returns : tuple of str
        The names of the items of a tuple answer (for the messages).
    mistakes : tuple of (callable, str)
        Known wrong answers: when a function agrees with one of them on every case, its
        message is the hint.
    """

    name: str
    part: str
    title: str
    prompt: str
    solution: Callable[..., Any]
    cases: Callable[[np.random.Generator], list[Case]] = field(repr=False)
    returns: tuple[str, ...] = ()
    mistakes: tuple[tuple[Callable[..., Any], str], ...] = field(default=(), repr=False)

    @property
    def function_name(self) -> str:
        """The name of the learner's function: the exercise's with ``_`` for ``.``."""
        return self.name.replace(".", "_")

    @property
    def solution_source(self) -> str:
        """The solution's source code."""
        return textwrap.dedent(inspect.getsource(self.solution))

    @property
    def stub(self) -> str:
        """The function to start from: the solution's signature, raising NotImplementedError."""
        signature = inspect.signature(self.solution)
        return (
            f"def {self.function_name}{signature}:\n"
            f"    # your code here: {self.title[0].lower()}{self.title[1:]}\n"
            "    raise NotImplementedError\n"
        )

    def check(
        self, fn: Callable[..., Any], seed: int | None = None, time_limit: float | None = TIME_LIMIT
    ) -> Verdict:
        """Grade ``fn`` against the solution on cases drawn afresh.

        Parameters
        ----------
        fn : callable
            The learner's function, called as ``fn(*case.args)`` for every case.
        seed : int, optional
            Seeds the ``np.random.default_rng`` the cases are drawn from; a fresh seed when
            omitted (the verdict names it).
        time_limit : float or None, default 10
            Seconds each call of ``fn`` may run; a call still running then is stopped and
            the verdict is ``"timed out"`` (an endless loop does not hang the check).
            Enforced in the main thread on POSIX systems only; None: no limit.

        Returns
        -------
        Verdict
            Errors of ``fn`` are part of the verdict: whatever ``fn`` does, ``check`` does
            not raise.

        Raises
        ------
        TypeError, ValueError
            If ``time_limit`` is not None or a number of seconds in (0, 1e6].
        """
        if time_limit is not None:
            time_limit = check_real(time_limit, "time_limit", f"(0, {MAX_TIME_LIMIT:g}]")
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        cases = self.cases(np.random.default_rng(seed))
        verdict = _VerdictMaker(self.name, len(cases), seed)
        if not callable(fn):
            return verdict.make("error", 0, cases[0], where=f"{fn!r} is not a function")
        worst = Outcome("exact")
        for i, case in enumerate(cases):
            got, error = _call(fn, case.args, time_limit)
            if isinstance(error, NotImplementedError) and i == 0:
                return verdict.make("not attempted", i, case)
            if isinstance(error, TimeLimitExceeded):
                return verdict.make("timed out", i, case, where=_too_slow(time_limit))
            if error is not None:
                return verdict.make("error", i, case, where=_error_text(error, fn))
            outcome = compare(
                self.solution(*copy.deepcopy(case.args)), got, case.n, "", self.returns
            )
            if outcome.status == "wrong":
                hint = self._known_mistake(fn, cases, time_limit) or outcome.hint
                return verdict.make("wrong", i, case, outcome.where, hint, outcome.difference)
            if outcome.status == "close" and outcome.difference >= worst.difference:
                worst = outcome
        return verdict.make(worst.status, 0, None, difference=worst.difference)

    def _known_mistake(
        self, fn: Callable[..., Any], cases: list[Case], seconds: float | None
    ) -> str:
        """The message of the known mistake ``fn`` agrees with on every case, if any."""
        for mistake, message in self.mistakes:
            agrees = True
            for case in cases:
                got, error = _call(fn, case.args, seconds)
                wrong, _ = _call(mistake, case.args)
                if error is not None or compare(wrong, got, case.n).status == "wrong":
                    agrees = False
                    break
            if agrees:
                return message
        return ""


@dataclass(frozen=True)
class _VerdictMaker:
    name: str
    n_cases: int
    seed: int

    def make(
        self,
        status: str,
        index: int,
        case: Case | None,
        where: str = "",
        hint: str = "",
        difference: float = 0.0,
    ) -> Verdict:
        label = "" if case is None else f"case {index + 1} of {self.n_cases} ({case.label})"
        return Verdict(self.name, status, self.n_cases, self.seed, label, difference, where, hint)
