"""What the command line says besides the results: files written, how to get figures,
``--show``, ``--out`` checked before the run, one error prefix, a quiet closed pipe."""

import io
import json
import os
import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

import scratchnn.plotting._show
from checks import single_error_line
from scratchnn.cli import _feedback, all_parts, main
from scratchnn.cli._registry import PARTS
from scratchnn.tutorial import part1, softmax

HINT = "scratchnn: note: no figures drawn (add --out DIR to write them, or --show to open them)"
PART1_FIGURES = ["samples", "loss", "gradient_descent", "fitted_line", "network"]


@pytest.fixture
def cheap_all(monkeypatch):
    """``scratchnn all`` over the two parts without training (fast)."""
    monkeypatch.setattr(all_parts, "PARTS", {k: PARTS[k] for k in ("logistic", "softmax")})


# --- which files were written ---------------------------------------------------------


def test_says_which_files_it_wrote(tmp_path, capsys):
    assert main(["part1", "--iterations", "2", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    names = [f"part1_{n}.png" for n in PART1_FIGURES]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    line = f"wrote {len(names)} figures to {tmp_path}/: {', '.join(names)}"
    assert captured.out.splitlines()[-1] == line
    assert captured.err == ""  # no hint: figures were asked for


def test_one_figure_is_singular(tmp_path, capsys):
    assert main(["softmax", "--grid-size", "5", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote 1 figure to {tmp_path}/: softmax_surface.png\n" in out
    assert "1 figures" not in out
    assert [p.name for p in tmp_path.iterdir()] == ["softmax_surface.png"]


def test_with_json_the_files_are_named_on_stderr(tmp_path, capsys):
    assert main(["softmax", "--grid-size", "5", "--json", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["grid_size"] == 5  # stdout: only the JSON object
    assert captured.err == f"wrote 1 figure to {tmp_path}/: softmax_surface.png\n"


# --- how to get figures -----------------------------------------------------------------


def test_without_out_a_hint_says_how_to_get_figures(capsys):
    assert main(["part1", "--iterations", "2"]) == 0
    captured = capsys.readouterr()
    assert captured.err == HINT + "\n"
    assert "figure" not in captured.out


def test_no_hint_in_json_mode(capsys):
    assert main(["part1", "--iterations", "2", "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_all_gives_the_hint_once(cheap_all, capsys):
    assert main(["all"]) == 0
    captured = capsys.readouterr()
    assert captured.err == HINT + "\n"
    assert captured.out.count("== scratchnn ") == 2


def test_all_names_each_parts_files(cheap_all, tmp_path, capsys):
    assert main(["all", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote 2 figures to {tmp_path}/: logistic_function.png, logistic_derivative.png" in out
    assert f"wrote 1 figure to {tmp_path}/: softmax_surface.png" in out


# --- --show ---------------------------------------------------------------------------


def test_show_without_a_display_says_so_and_succeeds(tmp_path, capsys):
    # the tests run with the Agg backend: no window can open
    assert main(["part1", "--iterations", "2", "--show"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("scratchnn: note: --show: no display")
    assert "add --out DIR" in err[0]
    assert main(["part1", "--iterations", "2", "--show", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "no display" in err[0] and "add --out" not in err[0]
    assert len(list(tmp_path.iterdir())) == len(PART1_FIGURES)  # --out still wrote the files


@pytest.fixture
def fake_display(monkeypatch):
    """A display that records what ``plt.show()`` would have opened."""
    shown = []
    monkeypatch.setattr(_feedback, "display_available", lambda: (True, "fake"))
    monkeypatch.setattr(scratchnn.plotting._show, "can_show", lambda: True)
    monkeypatch.setattr(plt, "show", lambda *a, **k: shown.append(list(plt.get_fignums())))
    plt.close("all")
    yield shown
    plt.close("all")


def test_show_opens_every_figure_once(fake_display, capsys):
    assert main(["part1", "--iterations", "2", "--show"]) == 0
    assert capsys.readouterr().err == ""  # shown: no hint, no note
    assert len(fake_display) == 1 and len(fake_display[0]) == len(PART1_FIGURES)
    titles = [plt.figure(n).canvas.manager.get_window_title() for n in fake_display[0]]
    probe = plt.figure()
    probe.canvas.manager.set_window_title("probe")
    keeps_titles = probe.canvas.manager.get_window_title() == "probe"
    plt.close(probe)
    if keeps_titles:  # matplotlib 3.8's Agg manager keeps no title
        assert titles == [f"part1_{n}" for n in PART1_FIGURES]


def test_all_shows_every_parts_figures_together(fake_display, cheap_all, capsys):
    assert main(["all", "--show"]) == 0
    assert len(fake_display) == 1 and len(fake_display[0]) == 2 + 1


@pytest.mark.parametrize(
    "backend, interactive",
    [("agg", False), ("Agg", False), ("svg", False), ("TkAgg", True), ("module://x", True)],
)
def test_interactive_backends(backend, interactive):
    assert scratchnn.plotting.is_interactive(backend) is interactive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is an X11 matter")
def test_no_display_variable_means_no_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert _feedback.display_available()[0] is False


# --- --out checked before the run ----------------------------------------------------------


@pytest.fixture
def must_not_run(monkeypatch):
    def fail(**kwargs):
        raise AssertionError("the part ran although --out is bad")

    monkeypatch.setattr(part1, "run", fail)


def test_out_that_is_a_file(tmp_path, capsys, must_not_run):
    target = tmp_path / "x"
    target.write_text("keep me")
    assert main(["part1", "--out", str(target)]) == 2
    line = single_error_line(capsys)
    assert line == f"scratchnn: error: --out: '{target}' is a file, not a directory"
    assert target.read_text() == "keep me"


def test_out_under_a_file(tmp_path, capsys, must_not_run):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["part1", "--out", str(blocker / "a" / "b")]) == 2
    line = single_error_line(capsys)
    assert line.startswith("scratchnn: error: --out: cannot create ")
    assert f"'{blocker}' is a file, not a directory" in line


def test_out_not_writable(tmp_path, capsys, must_not_run, monkeypatch):
    # os.access is asked (a root user may write anywhere, so it cannot be set up for real)
    monkeypatch.setattr(_feedback.os, "access", lambda path, mode: False)
    assert main(["part1", "--out", str(tmp_path)]) == 2
    assert single_error_line(capsys) == f"scratchnn: error: --out: '{tmp_path}' is not writable"


def test_out_not_creatable(tmp_path, capsys, must_not_run, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(_feedback.Path, "mkdir", refuse)
    assert main(["part1", "--out", str(tmp_path / "new")]) == 2
    line = single_error_line(capsys)
    assert line == f"scratchnn: error: --out: cannot create '{tmp_path / 'new'}': Permission denied"


def test_out_is_created_before_the_run(tmp_path, monkeypatch, capsys):
    target = tmp_path / "a" / "b"
    seen = []
    original = softmax.run
    monkeypatch.setattr(softmax, "run", lambda **kw: seen.append(target.is_dir()) or original(**kw))
    assert main(["softmax", "--grid-size", "5", "--out", str(target)]) == 0
    assert seen == [True]


def test_a_failed_write_names_out(tmp_path, capsys, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_feedback, "write_figures", full)
    assert main(["softmax", "--grid-size", "5", "--out", str(tmp_path)]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith(f"scratchnn: error: --out: cannot write into '{tmp_path}'")
    assert "No space left on device" in line and "\n" not in line


# --- one error prefix ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["partX"], "invalid choice"),
        (["--bogus"], "unrecognized arguments"),
        (["part1", "--learning-rate", "0"], "argument --learning-rate: must be > 0"),
        (["part1", "--bogus"], "unrecognized arguments"),
        (["part5", "--patience", "0"], "argument --patience: must be >= 1"),
        (["part2", "--seed", str(2**32)], "seed"),  # the tutorial's own check
        (["part1", "--learning-rate", "1000", "--iterations", "500"], "diverge"),
    ],
)
def test_every_error_is_one_line_with_one_prefix(argv, fragment, capsys):
    assert main(argv) == 2
    line = single_error_line(capsys)
    assert line.startswith("scratchnn: error: ") and fragment in line


def test_usage_errors_point_at_the_commands_help(capsys):
    assert main(["part4", "--momentum", "1"]) == 2
    assert single_error_line(capsys).endswith("(see 'scratchnn part4 --help')")
    assert main([]) == 2  # the usage, then the one error line
    usage, line = capsys.readouterr().err.strip().splitlines()
    assert usage.startswith("usage: scratchnn ")
    assert line.startswith("scratchnn: error: a COMMAND is required: one of logistic, part1,")
    assert line.endswith("(see 'scratchnn --help')")


# --- a closed pipe -----------------------------------------------------------------------


class _ClosedPipe(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_ends_quietly(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["part1", "--iterations", "2"]) == 0
    assert capsys.readouterr().err == ""


def test_scratchnn_all_piped_into_head_exits_0_without_a_word():
    code = f'set -o pipefail; "{sys.executable}" -m scratchnn all | head -1'
    proc = subprocess.run(
        ["bash", "-c", code], capture_output=True, text=True, check=False, env=dict(os.environ)
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.startswith("== scratchnn logistic: ") and proc.stdout.count("\n") == 1
