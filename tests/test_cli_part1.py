"""The command line for Part 1: text, JSON, figures, bad input."""

import json
import subprocess
import sys

import numpy as np
import pytest

from checks import assert_figure_file, single_error_line
from scratchnn.cli import main

TUTORIAL_LINES = [
    "w(0): 0.1380 \t loss: 1.3710",
    "w(1): 1.3722 \t loss: 0.2174",
    "w(2): 1.8205 \t loss: 0.0651",
    "w(3): 1.9834 \t loss: 0.0451",
    "w(4): 2.0426 \t loss: 0.0424",
]


def _critical_rate_of_the_tutorial_data():
    """1 / mean(x²) for the tutorial's x: ``seed(13)`` then ``uniform(0, 1, 20)``."""
    x = np.random.RandomState(13).uniform(0, 1, 20)
    return 1 / np.mean(x**2)


def test_text_output_contains_the_tutorial_table(capsys):
    assert main(["part1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == TUTORIAL_LINES
    assert out[5].startswith("least-squares w: 2.0763")  # docs/tutorial-notes.md, Part 1: 2.07631
    critical = _critical_rate_of_the_tutorial_data()
    assert out[6].startswith(f"critical learning rate: {critical:.4f}")


def test_json_output(capsys):
    assert main(["part1", "--json", "--seed", "3", "--iterations", "6"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["w"]) == len(data["loss"]) == 7
    x, t = np.array(data["x"]), np.array(data["t"])
    assert data["least_squares_w"] == pytest.approx(np.sum(x * t) / np.sum(x * x))
    assert data["critical_learning_rate"] == pytest.approx(1 / np.mean(x**2))
    w = data["w"][0]
    assert data["loss"][0] == pytest.approx(np.mean((x * w - t) ** 2))


def test_warns_above_the_critical_rate(capsys):
    assert main(["part1", "--learning-rate", "3"]) == 0
    critical = _critical_rate_of_the_tutorial_data()
    assert f"above the critical learning rate {critical:.4f}" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_figures_are_written(tmp_path, capsys, fmt):
    out = tmp_path / "new" / "dir"
    assert main(["part1", "--out", str(out), "--format", fmt]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(
        f"part1_{n}.{fmt}"
        for n in ("samples", "loss", "gradient_descent", "fitted_line", "network")
    )
    assert f"wrote 5 figures to {out}" in capsys.readouterr().out
    for path in out.iterdir():
        assert_figure_file(path)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["part1", "--learning-rate", "0"], "--learning-rate"),
        (["part1", "--learning-rate", "-1"], "--learning-rate"),
        (["part1", "--learning-rate", "abc"], "--learning-rate"),
        (["part1", "--learning-rate", "nan"], "--learning-rate"),
        (["part1", "--iterations", "-2"], "--iterations"),
        (["part1", "--bogus"], "unrecognized arguments"),
        (["partX"], "invalid choice"),
        (["part1", "--format", "gif"], "--format"),
        ([], "COMMAND"),
        (["part1", "--learning-rate", "1000", "--iterations", "500"], "critical learning rate"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert fragment in err[-1]
    assert not any("Traceback" in line for line in err)
    if argv:
        assert len(err) == 1


def test_out_dir_that_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["part1", "--out", str(blocker / "sub")]) == 2
    assert "scratchnn: error:" in single_error_line(capsys)
    assert blocker.read_text() == "not a directory"


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "scratchnn", "part1", "--iterations", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == TUTORIAL_LINES[:3]
