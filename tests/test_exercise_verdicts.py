"""``Exercise.check`` never raises, whatever the learner's function does, and its verdict says
exact, close (how close) or wrong (where, expected against got); the cases are drawn afresh
from the seed, edge cases included."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scratchnn.exercises import EXERCISES

NAMES = list(EXERCISES)


class _Weird:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array here")


def _raise(exc):
    def fn(*args):
        raise exc

    return fn


#: Whatever a learner's function may return or do; none of it is the answer.
WEIRD = {
    "None": lambda *a: None,
    "a string": lambda *a: "42",
    "a dict": lambda *a: {"w": 1.0},
    "a list of strings": lambda *a: ["a", "b"],
    "a ragged list": lambda *a: [[1.0], [1.0, 2.0]],
    "complex numbers": lambda *a: np.array([1 + 2j, 3j]),
    "NaN": lambda *a: float("nan"),
    "inf": lambda *a: np.full(3, np.inf),
    "an object NumPy refuses": lambda *a: _Weird(),
    "a generator": lambda *a: (x for x in range(3)),
    "a function": lambda *a: print,
    "an empty tuple": lambda *a: (),
    "an int": lambda *a: 7,
    "a huge array": lambda *a: np.ones((3, 4, 5)),
    "raises ValueError": _raise(ValueError("shapes (3,) and (4,) not aligned")),
    "raises KeyError": _raise(KeyError("w")),
    "raises SystemExit": _raise(SystemExit(3)),
    "raises ZeroDivisionError": lambda *a: 1 / 0,
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weird", list(WEIRD))
def test_check_never_raises_and_never_passes_nonsense(name, weird):
    verdict = EXERCISES[name].check(WEIRD[weird], seed=1)
    text = str(verdict)
    assert not verdict.passed and verdict.attempted, text
    assert verdict.status in ("wrong", "error"), text
    assert text.startswith(f"{name}: ") and "case 1 of" in text, text


@pytest.mark.parametrize(
    "weird, words",
    [
        ("None", "returned None"),
        ("raises ValueError", "ValueError: shapes (3,) and (4,) not aligned"),
        ("raises KeyError", "KeyError: 'w'"),
        ("raises SystemExit", "SystemExit: 3"),
        ("raises ZeroDivisionError", "ZeroDivisionError: division by zero"),
        ("complex numbers", "complex numbers"),
        ("a string", "expected an array of shape"),
        ("NaN", "expected an array of shape"),
    ],
)
def test_the_verdict_names_the_return_or_the_error(weird, words):
    verdict = EXERCISES["logistic.derivative"].check(WEIRD[weird], seed=0)
    assert words in str(verdict)
    assert verdict.status == ("error" if weird.startswith("raises") else "wrong")


def test_nan_where_a_number_is_expected_is_named():
    verdict = EXERCISES["part1.gradient"].check(WEIRD["NaN"], seed=0)
    assert "got nan" in str(verdict) and "NaN or inf" in str(verdict)


def test_not_callable():
    verdict = EXERCISES["part1.gradient"].check(3.0)  # type: ignore[arg-type]
    assert verdict.status == "error" and "3.0 is not a function" in str(verdict)


def test_not_implemented_after_the_first_case_is_an_error_not_a_stub():
    calls = []

    def partly(w, x, t):
        calls.append(1)
        if len(calls) > 1:
            raise NotImplementedError("the one-sample case")
        return np.mean(2 * x * (x * w - t))

    verdict = EXERCISES["part1.gradient"].check(partly, seed=0)
    assert verdict.attempted and verdict.status == "error"
    assert "NotImplementedError: the one-sample case" in str(verdict)


def test_returning_none_is_wrong_not_a_stub():
    verdict = EXERCISES["part1.gradient"].check(lambda w, x, t: None, seed=0)
    assert verdict.attempted and not verdict.passed
    assert "did you forget the `return`?" in str(verdict)


def test_close_reports_the_largest_difference():
    solution = EXERCISES["part4.gradients"].solution
    noise = 3e-13

    def nearly(*args):
        return tuple(g + noise for g in solution(*args))

    verdict = EXERCISES["part4.gradients"].check(nearly, seed=0)
    assert verdict.passed and verdict.status == "close"
    assert math.isclose(verdict.difference, noise, rel_tol=1e-2)
    assert re.search(
        r"passed, close: all 5 cases agree .*\(largest difference 3e-13\)", str(verdict)
    )


def test_a_differently_ordered_formula_passes():
    """The same maths computed otherwise: exact or close, never wrong."""

    def derivative(z):
        return np.exp(-z) / (1 + np.exp(-z)) ** 2

    verdict = EXERCISES["logistic.derivative"].check(derivative)
    assert verdict.passed, str(verdict)


def test_wrong_reports_the_case_index_expected_and_got():
    solution = EXERCISES["softmax.jacobian"].solution

    def off_by_one_entry(z):
        J = solution(z)
        J[-1, 0] += 0.5
        return J

    verdict = EXERCISES["softmax.jacobian"].check(off_by_one_entry, seed=3)
    case = EXERCISES["softmax.jacobian"].cases(np.random.default_rng(3))[0]
    expected = solution(*case.args)
    c = expected.shape[0]
    text = str(verdict)
    assert "wrong in case 1 of 4 (C classes)" in text
    assert f"at index ({c - 1}, 0): expected {expected[-1, 0]:.6g}, got " in text
    assert f"{expected[-1, 0] + 0.5:.6g}" in text


def test_the_learners_function_cannot_spoil_the_inputs():
    """Every call gets its own copy: a function that overwrites its inputs still gets the
    right expected answers."""

    def spoiling(w, x, t):
        answer = np.mean(2 * x * (x * w - t))
        x[...] = 0.0
        t[...] = 0.0
        return answer

    assert EXERCISES["part1.gradient"].check(spoiling, seed=0).status == "exact"


@pytest.mark.parametrize("name", NAMES)
def test_cases_are_fresh_per_seed_and_repeatable(name):
    cases = EXERCISES[name].cases

    def arrays(seed):
        found = []
        for case in cases(np.random.default_rng(seed)):
            for arg in case.args:
                found.append(np.asarray(arg, dtype=float).ravel())
        return np.concatenate(found)

    first, again = arrays(11), arrays(11)
    np.testing.assert_array_equal(first, again)
    other = arrays(12)
    assert first.shape != other.shape or not np.array_equal(first, other)


@pytest.mark.parametrize("name", NAMES)
def test_cases_include_edge_cases(name):
    labels = [case.label for case in EXERCISES[name].cases(np.random.default_rng(0))]
    assert len(labels) >= 4 and len(set(labels)) == len(labels)
    edge = re.compile(r"one |large|small|first|no |multiple|flat|only|confident|square|= 0")
    assert any(edge.search(label) for label in labels), labels


def test_a_check_without_a_seed_draws_a_new_one_each_time():
    check = EXERCISES["part1.gradient"].check
    seeds = {check(lambda w, x, t: None).seed for _ in range(5)}
    assert len(seeds) > 1


def test_the_same_seed_gives_the_same_verdict():
    def wrong(w, x, t):
        return np.sum(2 * x * (x * w - t))

    check = EXERCISES["part1.gradient"].check
    assert str(check(wrong, seed=99)) == str(check(wrong, seed=99))


def test_float32_is_named_and_the_digits_that_differ_are_shown():
    solution = EXERCISES["logistic.derivative"].solution

    def in_float32(z):
        return solution(z.astype(np.float32))

    verdict = EXERCISES["logistic.derivative"].check(in_float32, seed=0)
    assert verdict.status == "wrong"
    assert "computed in float32? Compute in float64" in str(verdict)
    expected_text, got_text = re.search(r"expected (\S+), got (\S+)", verdict.where).groups()
    assert expected_text != got_text  # shown to as many digits as they need to differ
    assert math.isclose(float(expected_text), float(got_text), rel_tol=1e-5)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.complex_numbers(allow_nan=True)
    | st.text(max_size=5)
)
_ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128, np.str_]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
)
ANYTHING = st.recursive(
    _SCALARS | _ARRAYS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None)
@given(value=ANYTHING)
def test_check_survives_any_return_value(name, value):
    verdict = EXERCISES[name].check(lambda *args: value, seed=2)
    assert verdict.status in ("wrong", "error"), str(verdict)
    assert not verdict.passed and verdict.attempted
    assert str(verdict).startswith(f"{name}: ")
