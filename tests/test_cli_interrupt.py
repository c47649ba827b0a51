"""Ctrl-C, bounded runs and library warnings on the command line.

Every part (and ``scratchnn all``) is run in a subprocess with a long run, sent SIGINT once
it has started, and must exit with 130 after printing honest partial results, with no
traceback and no figure written.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from checks import interrupt_child, single_error_line
from scratchnn import datasets
from scratchnn.cli import build_parser, main
from scratchnn.cli import logistic as cli_logistic
from scratchnn.cli import part5 as cli_part5
from scratchnn.cli._common import MAX_EPOCHS, MAX_ITERATIONS, UsageError

# slow: each test interrupts a child process running the CLI
pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"

# Imports the whole command line, says "ready" on stderr, then runs it: the signal sent
# after "ready" (and a delay) lands in the run, not in the imports.
RUNNER = (
    "import sys; from scratchnn.cli import main; "
    "sys.stderr.write('ready\\n'); sys.stderr.flush(); sys.exit(main(sys.argv[1:]))"
)

INTERRUPTED = "scratchnn: interrupted (Ctrl-C); no figures written"


def _interrupt(argv: list[str], delay: float) -> tuple[int, str, str]:
    """Run ``scratchnn argv``, send SIGINT ``delay`` seconds after it is ready; return the
    exit code, stdout and stderr."""
    return interrupt_child(RUNNER, argv, "ready", delay)


def _check_interrupted_stderr(err: str, last: str = INTERRUPTED) -> None:
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1].startswith(last), err


@pytest.mark.parametrize("name, series", [("part1", "w"), ("part2", "w"), ("part3", "w_h")])
def test_parts_1_to_3_interrupted_print_the_iterations_run(name, series, tmp_path):
    argv = [name, "--iterations", str(MAX_ITERATIONS), "--json", "--out", str(tmp_path)]
    code, out, err = _interrupt(argv, delay=1.0)
    assert code == 130
    _check_interrupted_stderr(err)
    result = json.loads(out)
    assert result["interrupted"] is True
    run = result["iterations_run"]
    assert 0 < run < MAX_ITERATIONS
    assert result["iterations"] == MAX_ITERATIONS  # the setting, told apart from the run
    kept = result["iteration"]
    assert kept[-1] == run  # the last iteration run is kept, whatever the stride
    assert len(result["loss"]) == len(result[series]) == len(kept)
    assert list(tmp_path.iterdir()) == []  # no figure, not even a temporary file


def test_part4_interrupted_prints_its_table_up_to_the_last_iteration(tmp_path):
    code, out, err = _interrupt(["part4", "--iterations", str(MAX_ITERATIONS)], delay=1.5)
    assert code == 130
    _check_interrupted_stderr(err)
    lines = out.strip().splitlines()
    last = lines[-1]
    assert last.startswith("interrupted (Ctrl-C) after ") and "iterations" in last
    run = int(last.split("after ")[1].split()[0])
    assert 0 < run < MAX_ITERATIONS
    rows = [line.split() for line in lines if line[:1] == " " and len(line.split()) == 2]
    assert int(rows[0][0]) == 0 and int(rows[-1][0]) == run  # the table ends where it stopped


def test_part4_interrupted_json(tmp_path):
    argv = ["part4", "--iterations", str(MAX_ITERATIONS), "--json", "--out", str(tmp_path)]
    code, out, err = _interrupt(argv, delay=1.5)
    assert code == 130
    _check_interrupted_stderr(err)
    result = json.loads(out)
    assert result["interrupted"] is True
    assert len(result["loss"]) == result["iterations_run"] + 1 < MAX_ITERATIONS + 1
    assert list(tmp_path.iterdir()) == []


def test_part5_interrupted_says_so_not_the_maximum_of_epochs(tmp_path):
    argv = ["part5", "--epochs", str(MAX_EPOCHS), "--no-early-stopping", "--out", str(tmp_path)]
    code, out, err = _interrupt(argv, delay=4.0)
    assert code == 130
    _check_interrupted_stderr(err)
    assert "training interrupted (Ctrl-C) after" in out
    assert "maximum" not in out
    assert list(tmp_path.iterdir()) == []


def test_all_interrupted_prints_the_parts_done_and_marks_the_json(tmp_path):
    code, out, err = _interrupt(["all", "--json", "--out", str(tmp_path)], delay=1.0)
    assert code == 130
    _check_interrupted_stderr(err, "scratchnn: interrupted (Ctrl-C) in ")
    result = json.loads(out.strip().splitlines()[-1])
    assert result.pop("interrupted") is True
    parts = list(result)
    assert parts and parts[0] == "logistic"  # the parts done so far, in series order
    written = {path.name for path in tmp_path.iterdir()}
    assert not any(name.endswith(".tmp") for name in written)
    # figures only of parts that completed (the interrupted one, if any, wrote none)
    interrupted_parts = {name for name, part in result.items() if part.get("interrupted")}
    for name in written:
        assert any(name.startswith(part) for part in parts), name
        assert not any(name.startswith(part + "_") for part in interrupted_parts), name


# --- bounded runs ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["part1", "part2", "part3", "part4"])
def test_iterations_beyond_the_limit_are_refused(name, capsys):
    assert main([name, "--iterations", str(MAX_ITERATIONS + 1)]) == 2
    line = single_error_line(capsys)
    assert line.startswith("scratchnn: error: argument --iterations: must be from 0 to")
    assert str(MAX_ITERATIONS) in line
    assert main([name, "--iterations", "100000000000000000000"]) == 2
    assert "--iterations" in single_error_line(capsys)


def test_epochs_beyond_the_limit_are_refused(capsys):
    assert main(["part5", "--epochs", str(MAX_EPOCHS + 1)]) == 2
    line = single_error_line(capsys)
    assert line.startswith("scratchnn: error: argument --epochs: must be from 1 to")


@pytest.mark.parametrize(
    "argv, dest, value",
    [
        (["part1", "--iterations", str(MAX_ITERATIONS)], "iterations", MAX_ITERATIONS),
        (["part3", "--iterations", "0"], "iterations", 0),
        (["part5", "--epochs", str(MAX_EPOCHS)], "epochs", MAX_EPOCHS),
    ],
)
def test_the_limits_themselves_are_accepted(argv, dest, value):
    parser, _ = build_parser()
    assert getattr(parser.parse_args(argv), dest) == value


@pytest.mark.parametrize("name, limit", [("part1", MAX_ITERATIONS), ("part5", MAX_EPOCHS)])
def test_help_documents_the_limit(name, limit, capsys):
    with pytest.raises(SystemExit):
        main([name, "--help"])
    assert f"to {limit}" in " ".join(capsys.readouterr().out.split())


# --- warnings from libraries -------------------------------------------------------------


@pytest.mark.filterwarnings("default")  # the suite turns warnings into errors
def test_library_warnings_become_one_line_without_source_paths(monkeypatch, capsys):
    original = cli_logistic.run

    def noisy(args, out, err):
        warnings.warn("something odd\n  happened in a library", RuntimeWarning)
        return original(args, out, err)

    monkeypatch.setattr(cli_logistic, "run", noisy)
    before = warnings.showwarning
    assert main(["logistic", "--json"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["scratchnn: warning: something odd happened in a library (RuntimeWarning)"]
    assert warnings.showwarning is before  # restored after the command


def test_part5_updates_are_bounded(capsys):
    assert main(["part5", "--epochs", "10000", "--batch-size", "1"]) == 2
    line = single_error_line(capsys)
    assert line.startswith("scratchnn: error: --epochs 10000 with --batch-size 1 makes ")
    assert f"limit of {cli_part5.MAX_UPDATES}" in line


def test_part5_training_split_size_is_the_one_the_bound_assumes():
    X_train, _ = datasets.digits_splits(np.random.RandomState(0))["train"]
    assert X_train.shape[0] == cli_part5.N_TRAIN


def test_default_part5_run_is_within_the_update_bound():
    parser, _ = build_parser()
    args = parser.parse_args(["part5", "--epochs", str(MAX_EPOCHS)])  # default batch size
    cli_part5.check_updates(args.epochs, args.batch_size)  # raises beyond the bound
    with pytest.raises(UsageError, match="at most 927 epochs"):
        cli_part5.check_updates(928, 1)  # 928 epochs of 1078 updates each


def test_report_interrupted_writes_no_page(tmp_path):
    code, out, err = _interrupt(["report", "--out", str(tmp_path)], delay=1.0)
    assert code == 130
    _check_interrupted_stderr(err, "scratchnn: interrupted (Ctrl-C); no report written")
    assert out == "" and list(tmp_path.iterdir()) == []


def test_an_interruption_python_cannot_propagate_is_not_printed(monkeypatch):
    """Ctrl-C during ``report`` raises wherever Python is, a weakref callback included, where
    Python prints the exception with a traceback (``sys.unraisablehook``) instead of
    propagating it: the report's hook keeps that one quiet (``run`` raises it again) and passes
    any other on."""
    import gc
    import sys
    import weakref

    from scratchnn.cli import report
    from scratchnn.cli._common import RunInterrupted

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: reported.append(info.exc_type))

    class Thing:
        pass

    def interrupted(ref):
        raise RunInterrupted("interrupted")

    def broken(ref):
        raise ValueError("something else")

    with report._interruptible():
        first, second = Thing(), Thing()
        refs = [weakref.ref(first, interrupted), weakref.ref(second, broken)]
        del first, second
        gc.collect()
    assert reported == [ValueError] and len(refs) == 2
