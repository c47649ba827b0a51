"""Training settings on the command line: a divergence warning in every part, and Part 5's
``--patience`` / ``--no-early-stopping`` with the reason training stopped."""

import dataclasses
import json
import re

import pytest

from scratchnn.cli import main
from scratchnn.tutorial import part2, part3, part5

HINT = "scratchnn: note: no figures drawn"

# The README's line for the tutorial's run (early stopping after 98 epochs).
TUTORIAL_STOP_LINE = (
    "training stopped after 98 epochs (early stopping: the validation cost did not decrease "
    "for two epochs in a row)"
)


def _run(argv, capsys):
    assert main(argv) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if not line.startswith(HINT)]
    return captured.out, warnings


def _numbers(line):
    return [float(x) for x in re.findall(r"-?\d+\.\d+", line)]


# --- divergence warnings: one rule for every part ------------------------------------------


def _start_end(name, data):
    """The loss before training and at the end, from a part's JSON."""
    if name == "part5":
        return data["initial_train_cost"], data["train_cost"][-1]
    return data["loss"][0], data["loss"][-1]


@pytest.mark.parametrize(
    "argv",
    [
        ["part1"],
        ["part1", "--learning-rate", "2.8"],  # just below the critical learning rate
        ["part1", "--learning-rate", "3"],  # just above it
        ["part2"],
        ["part2", "--learning-rate", "10"],
        ["part2", "--learning-rate", "100"],
        ["part3"],
        ["part3", "--learning-rate", "10"],  # overshoots, then ends below its start
        ["part3", "--learning-rate", "100"],
        ["part4"],
        ["part4", "--momentum", "0"],
        ["part4", "--learning-rate", "1"],
        ["part5", "--epochs", "3", "--batch-size", "200", "--learning-rate", "5"],
        ["part5", "--learning-rate", "20", "--epochs", "3", "--batch-size", "200"],
    ],
)
def test_every_part_warns_exactly_when_the_loss_ends_above_its_start(argv, capsys):
    """The rule, checked from the printed numbers: a warning iff end > start, quoting both."""
    out, warnings = _run([*argv, "--json"], capsys)
    start, end = _start_end(argv[0], json.loads(out))
    if end > start:
        (line,) = warnings
        assert line.startswith("scratchnn: warning: training diverged: ")
        assert _numbers(line)[:2] == [round(start, 4), round(end, 4)]
    else:
        assert warnings == []


def test_part1_says_the_learning_rate_is_above_the_critical_one(capsys):
    out, (line,) = _run(["part1", "--learning-rate", "3", "--json"], capsys)
    critical = json.loads(out)["critical_learning_rate"]
    assert 3 > critical and f"above the critical learning rate {critical:.4f}" in line


def test_overshooting_runs_that_recover_are_not_divergence():
    """Part 3 at learning rate 10 overshoots its start and recovers: the rule stays quiet."""
    result = part3.run(learning_rate=10.0)
    assert result.loss.max() > result.loss[0] > result.loss[-1]
    assert result.divergence is None
    wild = part2.run(learning_rate=10.0)
    assert wild.divergence is not None
    assert (wild.divergence.start, wild.divergence.end) == (wild.loss[0], wild.loss[-1])


# --- Part 5: early stopping from the command line --------------------------------------------


def _stop_epoch(validation_cost, patience):
    """The rule, written out: the first epoch e > patience + 1 after ``patience`` epochs in a
    row whose validation cost is not below the previous epoch's (None: never)."""
    v = validation_cost
    for e in range(patience + 2, len(v) + 1):  # e is 1-based: v[e - 1] is epoch e's cost
        if all(v[e - 1 - k] >= v[e - 2 - k] for k in range(patience)):
            return e
    return None


FAST = ["--batch-size", "100", "--learning-rate", "0.5", "--json"]


@pytest.fixture(scope="module")
def free_run():
    """24 epochs without early stopping: the reference trajectory."""
    return part5.run(batch_size=100, learning_rate=0.5, max_epochs=24, early_stopping=False)


def test_no_early_stopping_trains_every_epoch(free_run, capsys):
    out, _ = _run(["part5", "--epochs", "24", "--no-early-stopping", *FAST], capsys)
    data = json.loads(out)
    assert data["epochs"] == 24 and data["early_stopping"] is False
    assert data["stop_reason"] == "max_epochs" and data["stopped_early"] is False
    assert data["validation_cost"] == free_run.validation_cost.tolist()
    assert free_run.stop_line() == "training ran the maximum of 24 epochs (early stopping off)"


@pytest.mark.parametrize("patience", [1, 2])
def test_patience_stops_where_the_rule_says(free_run, patience, capsys):
    expected = _stop_epoch(free_run.validation_cost, patience)
    argv = ["part5", "--epochs", "24", "--patience", str(patience), *FAST]
    data = json.loads(_run(argv, capsys)[0])
    assert data["patience"] == patience
    if expected is None:
        assert data["epochs"] == 24 and data["stop_reason"] == "max_epochs"
    else:
        assert data["epochs"] == expected and data["stop_reason"] == "early_stopping"
    assert data["validation_cost"] == free_run.validation_cost[: data["epochs"]].tolist()


def test_patience_one_stops_this_run_early(free_run):
    # the run has an epoch without a decrease: patience 1 must stop there, not at 24
    assert _stop_epoch(free_run.validation_cost, 1) is not None


def test_the_stop_line_says_why(free_run):
    base = dataclasses.replace(free_run, early_stopping=True)
    stopped = dataclasses.replace(base, stopped_early=True, epochs=98, patience=2)
    assert stopped.stop_line() == TUTORIAL_STOP_LINE
    assert stopped.lines()[2] == TUTORIAL_STOP_LINE
    assert (
        dataclasses.replace(stopped, patience=5, epochs=40)
        .stop_line()
        .endswith("did not decrease for five epochs in a row)")
    )
    assert dataclasses.replace(stopped, patience=1, epochs=7).stop_line() == (
        "training stopped after 7 epochs (early stopping: the validation cost did not "
        "decrease in the last epoch)"
    )
    assert dataclasses.replace(base, epochs=1).stop_line() == "training ran the maximum of 1 epoch"
    interrupted = dataclasses.replace(base, interrupted=True, epochs=3)
    assert interrupted.stop_reason == "interrupted"
    assert interrupted.stop_line() == "training interrupted (Ctrl-C) after 3 epochs"


def test_text_output_carries_the_stop_line(capsys):
    argv = ["part5", "--epochs", "3", "--batch-size", "200", "--no-early-stopping"]
    out, _ = _run(argv, capsys)
    assert out.splitlines()[2] == "training ran the maximum of 3 epochs (early stopping off)"


@pytest.mark.parametrize(
    "kwargs, error, fragment",
    [
        ({"patience": 0}, ValueError, "patience"),
        ({"patience": 1.5}, TypeError, "patience"),
        ({"early_stopping": "no"}, TypeError, "early_stopping"),
    ],
)
def test_run_checks_the_new_settings(kwargs, error, fragment):
    with pytest.raises(error, match=fragment):
        part5.run(max_epochs=1, **kwargs)


def test_a_true_default_becomes_a_negated_flag():
    from scratchnn.cli._common import Parser
    from scratchnn.cli._options import Option, add_options, derive_options, option_values

    def run(early_stopping: bool = True):
        return early_stopping

    (option,) = derive_options(run, Option("early_stopping", flag="--no-early-stopping"))
    parser = Parser(prog="demo")
    add_options(parser, (option,))
    assert option_values((option,), parser.parse_args([])) == {"early_stopping": True}
    assert option_values((option,), parser.parse_args(["--no-early-stopping"])) == {
        "early_stopping": False
    }
