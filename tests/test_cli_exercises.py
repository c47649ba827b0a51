"""``scratchnn exercises`` and ``scratchnn check``: listing, prompts, solutions, grading a
learner's file, and one error line (exit code 2) for bad input."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scratchnn.cli import main
from scratchnn.exercises import EXERCISES

SRC = Path(__file__).resolve().parents[1] / "src"


def _main(argv: list[str]) -> tuple[int, str, str]:
    """``main(argv)`` with stdout and stderr captured in StringIO streams."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith("scratchnn: error: "), lines[0]
    return lines[0]


def _write(tmp_path: Path, source: str, name: str = "mine.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


# -- scratchnn exercises --------------------------------------------------------------------


def test_exercises_lists_name_part_and_title_in_series_order():
    code, out, err = _main(["exercises"])
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "PART", "TITLE"]
    rows = lines[1 : 1 + len(EXERCISES)]
    for line, exercise in zip(rows, EXERCISES.values()):
        name, part, title = line.split(maxsplit=2)
        assert (name, part, title) == (exercise.name, exercise.part, exercise.title)
    assert "scratchnn check FILE.py" in out


@pytest.mark.parametrize("name", ["part1.gradient", "softmax.jacobian", "part5.should_stop"])
def test_exercises_name_prints_the_prompt_and_the_stub_not_the_solution(name):
    exercise = EXERCISES[name]
    code, out, err = _main(["exercises", name])
    assert code == 0 and err == ""
    assert out.startswith(f"{name} ({exercise.part}): {exercise.title}\n")
    assert exercise.prompt in out and exercise.stub in out
    body = exercise.solution_source.splitlines()[1:]  # the solution's body is not shown
    assert not any(line.strip() and line in out.splitlines() for line in body)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_exercises_name_solution_prints_the_source_that_passes(name):
    code, out, err = _main(["exercises", name, "--solution"])
    assert code == 0 and err == ""
    assert out == EXERCISES[name].solution_source
    namespace: dict = {"np": __import__("numpy")}
    exec(out, namespace)
    assert EXERCISES[name].check(namespace[EXERCISES[name].function_name]).passed


@pytest.mark.parametrize(
    "argv, words",
    [
        (["exercises", "part1.gradnt"], "no exercise named 'part1.gradnt' (did you mean"),
        (["exercises", "nothing", "--solution"], "no exercise named 'nothing'"),
        (["exercises", "--solution"], "--solution needs an exercise NAME"),
        (["exercises", "a", "b"], "unrecognized arguments: b"),
    ],
)
def test_exercises_bad_input_is_one_error_line(argv, words):
    code, out, err = _main(argv)
    assert code == 2 and out == ""
    assert words in _error_line(err)


# -- scratchnn check ------------------------------------------------------------------------

GOOD = textwrap.dedent("""
    import numpy as np

    def part1_gradient(w, x, t):
        return np.mean(2 * x * (x * w - t))

    def part5_should_stop(validation_costs):
        v = validation_costs
        return len(v) > 3 and v[-1] >= v[-2] >= v[-3]

    def helper():  # not an exercise: ignored
        return 1
""")


def test_check_all_passing_exits_0(tmp_path):
    code, out, err = _main(["check", str(_write(tmp_path, GOOD))])
    assert code == 0 and err == "", err
    lines = out.splitlines()
    assert lines[0].startswith("part1.gradient: passed, exact")
    assert lines[1].startswith("part5.should_stop: passed, exact")
    assert lines[-1] == "2 of 2 passed"


def test_check_a_failing_function_exits_1_and_says_why(tmp_path):
    source = GOOD + textwrap.dedent("""
        def part2_gradient(w, X, t):
            y = 1 / (1 + np.exp(-(X @ w.T)))
            return X.T @ (y - t)

        def softmax_rows(Z):
            raise NotImplementedError
    """)
    code, out, err = _main(["check", str(_write(tmp_path, source)), "--seed", "4"])
    assert code == 1 and err == ""
    assert "part2.gradient: wrong in case 1 of 4" in out
    assert "transposed" in out and "check(fn, seed=4)" in out
    assert "softmax.rows: not attempted yet" in out
    assert out.splitlines()[-1] == "2 of 4 passed (1 not attempted yet)"
    # series order: part1, part2, softmax, part5
    order = [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")][:-1]
    assert order == ["part1.gradient", "part2.gradient", "softmax.rows", "part5.should_stop"]


def test_check_an_error_in_the_learners_function_is_a_verdict(tmp_path):
    path = _write(tmp_path, "def part1_update(w, x, t, learning_rate):\n    return w / 0\n")
    code, out, err = _main(["check", str(path)])
    assert code == 1 and err == ""
    assert "part1.update: raised an error in case 1 of 5" in out
    assert "ZeroDivisionError: float division by zero (line 2: return w / 0)" in out


@pytest.mark.skipif(os.name != "posix", reason="the time limit needs a POSIX timer")
def test_check_stops_an_endless_loop_at_the_time_limit(tmp_path):
    path = _write(
        tmp_path, "def part1_update(w, x, t, learning_rate):\n    while True:\n        pass\n"
    )
    code, out, err = _main(["check", str(path), "--time-limit", "0.2"])
    assert code == 1 and err == ""
    assert "part1.update: too slow in case 1 of 5" in out
    assert "still running after 0.2 s, so it was stopped" in out
    assert out.splitlines()[-1] == "0 of 1 passed"


@pytest.mark.parametrize("value", ["0", "-1", "2e6", "nan", "soon"])
def test_check_bad_time_limit_is_one_error_line(tmp_path, value):
    path = _write(tmp_path, "def part1_update(w, x, t, learning_rate):\n    return w\n")
    code, out, err = _main(["check", str(path), "--time-limit", value])
    assert code == 2 and out == ""
    assert "--time-limit" in _error_line(err)


def test_check_finds_modules_beside_the_file(tmp_path):
    _write(tmp_path, "def gradient(w, x, t):\n    return (2 * x * (x * w - t)).mean()\n", "util.py")
    path = _write(tmp_path, "from util import gradient as part1_gradient\n")
    code, out, _ = _main(["check", str(path)])
    assert code == 0, out
    assert str(tmp_path) not in sys.path  # removed again


@pytest.mark.parametrize(
    "source, words",
    [
        ("x = (\n", "cannot import '{path}': SyntaxError: "),
        ("import no_such_module_here\n", "cannot import '{path}': ModuleNotFoundError: "),
        ("raise SystemExit(4)\n", "cannot import '{path}': SystemExit: 4"),
        ("1 / 0\n", "cannot import '{path}': ZeroDivisionError: division by zero"),
        ("x = 1\ndef part1_gradients(w, x, t):\n    pass\n", "'{path}' defines no exercise"),
        ("part1_gradient = 3\n", "'{path}' defines no exercise"),
    ],
)
def test_check_bad_files_are_one_error_line(tmp_path, source, words):
    path = _write(tmp_path, source)
    code, out, err = _main(["check", str(path)])
    assert code == 2 and out == ""
    assert words.format(path=path) in _error_line(err)


def test_check_missing_file_and_folder(tmp_path):
    code, _, err = _main(["check", str(tmp_path / "nope.py")])
    assert code == 2 and f"no such file: '{tmp_path / 'nope.py'}'" in _error_line(err)
    code, _, err = _main(["check", str(tmp_path)])
    assert code == 2 and "not a file" in _error_line(err)
    code, _, err = _main(["check"])
    assert code == 2 and "the following arguments are required: FILE.py" in _error_line(err)


def test_check_help_says_it_runs_the_learners_code():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["check", "--help"])
    text = " ".join(out.getvalue().split())
    assert "runs your code" in text and "exit code is 0 when all passed, 1 otherwise" in text


@pytest.mark.slow  # a child process
def test_python_m_scratchnn_check_in_a_child_process(tmp_path):
    path = _write(tmp_path, GOOD + "\ndef part1_update(w, x, t, learning_rate):\n    return w\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "scratchnn", "check", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert "part1.update: wrong in case 1 of 5" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "2 of 3 passed"
