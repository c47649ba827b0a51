"""The exercises: every solution passes and equals the engine; planted mistakes fail with the
message that names them; ``check`` never raises, whatever the function does."""

from __future__ import annotations

import dataclasses
import inspect
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exercise_engine
from scratchnn.exercises import EXERCISES, PARTS, Exercise
from scratchnn.exercises import solutions as solutions_module

NAMES = list(EXERCISES)
SEEDS = st.integers(0, 2**32 - 1)


def _sigma(z):
    return 1 / (1 + np.exp(-z))


def _solution(name):
    return EXERCISES[name].solution


# -- the catalogue ---------------------------------------------------------------------------


def test_at_least_twelve_exercises_covering_every_part_in_series_order():
    assert len(EXERCISES) >= 12
    parts = [exercise.part for exercise in EXERCISES.values()]
    assert set(parts) == set(PARTS) == {
        "logistic", "part1", "part2", "part3", "softmax", "part4", "part5"
    }  # fmt: skip
    assert parts == sorted(parts, key=PARTS.index), "not in series order"


@pytest.mark.parametrize("name", NAMES)
def test_exercise_record(name):
    exercise = EXERCISES[name]
    assert isinstance(exercise, Exercise) and exercise.name == name
    part, task = name.split(".")
    assert exercise.part == part and re.fullmatch(r"[a-z0-9_]+", task)
    assert exercise.function_name == f"{part}_{task}" == exercise.solution.__name__
    assert exercise.title and "\n" not in exercise.title
    assert "input" in exercise.prompt and "output" in exercise.prompt
    assert f"`{exercise.function_name}(" in exercise.prompt
    with pytest.raises(dataclasses.FrozenInstanceError):
        exercise.title = "changed"  # type: ignore[misc]


def test_the_mapping_is_read_only():
    with pytest.raises(TypeError):
        EXERCISES["x.y"] = EXERCISES["part1.gradient"]  # type: ignore[index]


@pytest.mark.parametrize("name", NAMES)
def test_solution_source_is_self_contained_and_passes(name):
    """What ``--solution`` shows and the notebook test runs: it needs nothing but ``np``."""
    exercise = EXERCISES[name]
    source = exercise.solution_source
    assert source.startswith(f"def {exercise.function_name}(")
    namespace = {"np": np}
    exec(compile(source, "<solution>", "exec"), namespace)
    assert exercise.check(namespace[exercise.function_name], seed=5).passed


@pytest.mark.parametrize("name", NAMES)
def test_stub_is_not_attempted_yet(name):
    exercise = EXERCISES[name]
    namespace = {"np": np}
    exec(compile(exercise.stub, "<stub>", "exec"), namespace)
    stub = namespace[exercise.function_name]
    assert inspect.signature(stub) == inspect.signature(exercise.solution)
    verdict = exercise.check(stub)
    assert not verdict.passed and not verdict.attempted
    assert verdict.status == "not attempted"
    assert str(verdict) == (
        f"{name}: not attempted yet (the function still raises NotImplementedError): write "
        "your code in its place"
    )


# -- the solutions ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=15, deadline=None)
@given(seed=SEEDS)
def test_every_solution_passes_exactly(name, seed):
    verdict = EXERCISES[name].check(_solution(name), seed=seed)
    assert verdict.passed and verdict.attempted and verdict.status == "exact", str(verdict)
    assert str(verdict).startswith(f"{name}: passed, exact: all {verdict.n_cases} cases")


def _assert_same(expected, got, where):
    if isinstance(expected, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(expected), where
        for i, (e, g) in enumerate(zip(expected, got)):
            _assert_same(e, g, f"{where}[{i}]")
    elif isinstance(expected, (bool, np.bool_)):
        assert bool(got) == bool(expected), where
    else:
        expected, got = np.asarray(expected), np.asarray(got)
        assert got.shape == expected.shape, (where, got.shape, expected.shape)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14, err_msg=where)


def test_every_exercise_has_an_engine_counterpart():
    for name in NAMES:
        assert hasattr(exercise_engine, EXERCISES[name].function_name), name
    assert set(solutions_module.__all__) == {e.function_name for e in EXERCISES.values()}


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=10, deadline=None)
@given(seed=SEEDS)
def test_solution_equals_the_engine(name, seed):
    exercise = EXERCISES[name]
    engine = getattr(exercise_engine, exercise.function_name)
    for case in exercise.cases(np.random.default_rng(seed)):
        expected = engine(*case.args)
        _assert_same(expected, exercise.solution(*case.args), f"{name}, {case.label}")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.5, 0.6, 0.7, 0.8]), min_size=1, max_size=9))
def test_the_early_stopping_rule_is_the_engines_after_every_epoch(costs):
    """Ties are frequent here (four values): ≥ against > matters."""
    stops = exercise_engine.part5_stops(costs)
    assert stops == [_solution("part5.should_stop")(costs[:e]) for e in range(1, len(costs) + 1)]


def test_the_series_numbers():
    """Hand-computed values of the formulas, independent of the code."""
    assert _solution("logistic.derivative")(np.array([0.0]))[0] == 0.25
    # ξ'(w) = mean(2x(xw − t)): x = [1, 2], t = [2, 4], w = 1 → mean(2·(−1), 4·(−2)) = −5
    assert _solution("part1.gradient")(1.0, np.array([1.0, 2.0]), np.array([2.0, 4.0])) == -5.0
    assert _solution("part1.update")(1.0, np.array([1.0, 2.0]), np.array([2.0, 4.0]), 0.1) == 1.5
    assert _solution("part3.rbf_derivative")(np.array([1.0]))[0] == pytest.approx(-2 / np.e)
    np.testing.assert_allclose(
        _solution("softmax.jacobian")(np.zeros(2)), [[0.25, -0.25], [-0.25, 0.25]]
    )
    batches = _solution("part5.batches")(np.zeros((1078, 64)), np.zeros((1078, 10)), 25)
    assert [len(x) for x, _ in batches] == [26] * 3 + [25] * 40
    stop = _solution("part5.should_stop")
    assert stop([1.0, 0.9, 0.9, 0.9]) and not stop([0.9, 0.9, 0.9])
    assert not stop([1.0, 0.9, 1.0, 0.8])


# -- planted mistakes -------------------------------------------------------------------------


def _negated(name):
    def fn(*args):
        answer = _solution(name)(*args)
        return tuple(-a for a in answer) if isinstance(answer, tuple) else -answer

    return fn


#: For every exercise, typical wrong answers and what the verdict must say about them.
PLANTED = {
    "logistic.derivative": [
        (lambda z: _sigma(z), "that is σ(z) itself"),
        (lambda z: -_sigma(z) * (1 - _sigma(z)), "the sign is flipped"),
    ],
    "logistic.input_gradient": [
        (lambda z, t: t - _sigma(z), "the sign is flipped"),
        (lambda z, t: (_sigma(z) - t) / len(z), "an extra 1/N"),
        (lambda z, t: _sigma(z) * (1 - _sigma(z)) * (_sigma(z) - t), "σ'(z) once too often"),
    ],
    "part1.gradient": [
        (lambda w, x, t: np.sum(2 * x * (x * w - t)), "a missing 1/N"),
        (lambda w, x, t: np.mean(x * (x * w - t)), "half the answer"),
        (lambda w, x, t: 2 * x * (x * w - t), "average them over the samples"),
        (lambda w, x, t: None, "did you forget the `return`"),
        (lambda w, x, t: np.mean(2 * x * (x * w - t)) / 0 * w, "NaN or inf"),
    ],
    "part1.update": [
        (lambda w, x, t, mu: w + mu * np.mean(2 * x * (x * w - t)), "uphill"),
    ],
    "part2.loss": [
        (lambda w, X, t: _solution("part2.loss")(w, X, t) * len(X), "a missing 1/N"),
    ],
    "part2.gradient": [
        (lambda w, X, t: X.T @ (_sigma(X @ w.T) - t), "transposed"),
        (lambda w, X, t: (_sigma(X @ w.T) - t).T @ X / len(X), "an extra 1/N"),
        (lambda w, X, t: (_sigma(X @ w.T) - t) * X, "add them up over the samples"),
    ],
    "part3.rbf_derivative": [
        (lambda z: 2 * z * np.exp(-(z**2)), "the sign is flipped"),
        (lambda z: -z * np.exp(-(z**2)), "half the answer"),
    ],
    "part3.gradients": [
        (_negated("part3.gradients"), "dxi_dw_h: "),
        (lambda *a: _solution("part3.gradients")(*a)[0], "expected a tuple of 2"),
    ],
    "softmax.rows": [
        (lambda Z: np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True), "overflow"),
        (lambda Z: np.exp(Z) / np.sum(np.exp(Z)), "normalises over the whole array"),
    ],
    "softmax.jacobian": [
        (lambda z: -_solution("softmax.jacobian")(z), "the sign is flipped"),
        (lambda z: np.outer(*(2 * [_solution("softmax.rows")(z[None])[0]])), "index ("),
    ],
    "part4.gradients": [
        (lambda *a: tuple(g.T for g in _solution("part4.gradients")(*a)), "J_Wh: expected an"),
        (lambda *a: tuple(g / len(a[0]) for g in _solution("part4.gradients")(*a)), "1/N"),
        (lambda *a: _solution("part4.gradients")(*a)[::-1], "J_Wh: expected an array of shape"),
    ],
    "part4.momentum": [
        (lambda th, g, v, mu, lam: (th + v, lam * v - mu * g), "the old velocity"),
        (lambda th, g, v, mu, lam: (th - (lam * v - mu * g), lam * v - mu * g), "theta: "),
    ],
    "part5.output_gradient": [
        (lambda Y, T: Y - T, "a missing 1/N"),
        (lambda Y, T: (T - Y) / len(Y), "the sign is flipped"),
    ],
    "part5.batches": [
        (
            lambda X, T, b: zip(np.array_split(X, len(X) // b), np.array_split(T, len(X) // b)),
            "list(zip(...))",
        ),  # fmt: skip
        (
            lambda X, T, b: [(X[i : i + b], T[i : i + b]) for i in range(0, len(X), b)],
            "np.array_split",
        ),  # fmt: skip
        (
            lambda X, T, b: list(
                zip(np.array_split(X, len(X) // b), np.array_split(T, len(X) // b))
            ),
            "ValueError: ",
        ),  # fmt: skip
    ],
    "part5.should_stop": [
        (lambda v: len(v) > 3 and v[-1] > v[-2] > v[-3], "strict inequalities"),
        (lambda v: len(v) >= 3 and v[-1] >= v[-2] >= v[-3], "more than three"),
        (lambda v: int(len(v) > 3), "expected True or False, got 1 (int)"),
    ],
}


def test_every_exercise_has_planted_mistakes():
    assert set(PLANTED) == set(NAMES)


@pytest.mark.parametrize(
    "name, index",
    [(name, i) for name, plants in PLANTED.items() for i in range(len(plants))],
)
def test_planted_mistake_fails_with_its_message(name, index):
    fn, message = PLANTED[name][index]
    verdict = EXERCISES[name].check(fn, seed=index)
    text = str(verdict)
    assert not verdict.passed and verdict.attempted, text
    assert verdict.status in ("wrong", "error"), text
    assert message in text, text
    assert re.search(rf"in case \d+ of {verdict.n_cases} \(", text), text
    assert f"check(fn, seed={index})" in text


@pytest.mark.parametrize(
    "name", [n for n in NAMES if n not in ("part5.batches", "part5.should_stop")]
)
@settings(max_examples=5, deadline=None)
@given(seed=SEEDS)
def test_a_flipped_sign_is_named_whatever_the_cases(name, seed):
    verdict = EXERCISES[name].check(_negated(name), seed=seed)
    assert verdict.status == "wrong" and "the sign is flipped" in str(verdict), str(verdict)


@pytest.mark.parametrize("name", ["part1.gradient", "part2.gradient", "part5.output_gradient"])
@settings(max_examples=5, deadline=None)
@given(seed=SEEDS, factor=st.sampled_from([3.0, 0.1, -7.5]))
def test_a_constant_factor_is_named(name, seed, factor):
    verdict = EXERCISES[name].check(lambda *a: factor * _solution(name)(*a), seed=seed)
    assert verdict.status == "wrong", str(verdict)
    if factor == -7.5:
        assert f"a constant factor {factor:g} times the answer" in str(verdict)
