"""Ctrl-C before there are results: one line, ``scratchnn: interrupted (Ctrl-C)``, exit 130.

The command is run in a subprocess by a small script that makes one step slow (an import of
the command line, Part 5's data loading, its gradient check): the step says so on stderr,
and SIGINT is sent while the child waits inside it. So the signal lands in that step every
time, as a user's Ctrl-C would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import scratchnn.__main__ as entry
from checks import interrupt_child
from scratchnn._ctrl_c import ctrl_c_redelivered, redeliver_ctrl_c
from scratchnn.cli import logistic as cli_logistic
from scratchnn.cli import main
from scratchnn.cli._common import INTERRUPTED

# slow: each test interrupts the CLI starting in a child process
pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = SRC.parent
LINE = "scratchnn: interrupted (Ctrl-C)"

# WAITING: the scripts wait for the signal in short sleeps, not one long one. A signal that
# lands after Python's last check for signals and before the sleep's system call starts (the
# test sends it the moment the child says "inside": it often lands just then) does not cut that
# call short: Python would raise it only when a 60 s sleep ends.

# Wraps the function NAME of module MODULE so that it says "inside" on stderr and waits for
# the signal, then runs the command through its console entry point.
SLOW_STEP = """
import importlib, sys, time
module = importlib.import_module({module!r})
original = getattr(module, {name!r})
def slow(*args, **kwargs):
    sys.stderr.write("inside\\n"); sys.stderr.flush()
    for _ in range(6000):  # SIGINT arrives here (short sleeps: see WAITING)
        time.sleep(0.01)
    return original(*args, **kwargs)
setattr(module, {name!r}, slow)
from scratchnn.__main__ import main
sys.exit(main())
"""

# Makes the import of MODULE slow (a meta path finder that waits in find_spec), then starts
# the command through its console entry point: the signal lands inside an import.
SLOW_IMPORT = """
import sys, time
class Slow:
    def find_spec(self, fullname, path=None, target=None):
        if fullname == {module!r}:
            sys.meta_path.remove(self)
            sys.stderr.write("inside\\n"); sys.stderr.flush()
            for _ in range(6000):  # SIGINT arrives here (short sleeps: see WAITING)
                time.sleep(0.01)
        return None
sys.meta_path.insert(0, Slow())
from scratchnn.__main__ import main
sys.exit(main())
"""


def _interrupt_inside(script: str, argv: list[str]) -> tuple[int, str, str]:
    """Run ``script`` with ``argv``; send SIGINT once it says it is inside the slow step."""
    return interrupt_child(textwrap.dedent(script), argv, "inside", timeout=60)


def _check_one_line(code: int, out: str, err: str) -> None:
    assert code == 130
    assert out == ""
    assert err == LINE + "\n", err  # no traceback, no empty "scratchnn: " line


@pytest.mark.parametrize(
    "module, name",
    [
        ("scratchnn.datasets", "digits_splits"),  # Part 5's data loading
        ("scratchnn.tutorial.part5", "check_gradients"),  # Part 5's gradient check
    ],
)
def test_ctrl_c_before_part5_trains_says_interrupted(module, name, tmp_path):
    script = SLOW_STEP.format(module=module, name=name)
    code, out, err = _interrupt_inside(script, ["part5", "--out", str(tmp_path)])
    _check_one_line(code, out, err)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_before_part5_trains_in_json_mode_prints_nothing(tmp_path):
    script = SLOW_STEP.format(module="scratchnn.tutorial.part5", name="check_gradients")
    code, out, err = _interrupt_inside(script, ["part5", "--json"])
    _check_one_line(code, out, err)


@pytest.mark.parametrize("module", ["numpy", "scratchnn.cli", "matplotlib.figure"])
def test_ctrl_c_during_start_up_says_interrupted(module):
    code, out, err = _interrupt_inside(SLOW_IMPORT.format(module=module), ["logistic"])
    _check_one_line(code, out, err)


def test_a_keyboard_interrupt_before_any_result_is_one_line(monkeypatch, capsys):
    def interrupted(args, out, err):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_logistic, "run", interrupted)
    assert main(["logistic"]) == 130
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == LINE + "\n"


def test_the_entry_point_says_what_the_command_line_says():
    assert entry.INTERRUPTED == f"scratchnn: {INTERRUPTED}" == LINE


def test_importing_the_package_imports_nothing_heavy():
    """The package root loads its names on first use, so the entry point's ``try`` covers
    NumPy's import too."""
    code = "import sys, scratchnn; print(sorted({'numpy', 'matplotlib'} & set(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_console_script_is_the_entry_point():
    """``scratchnn`` (pyproject's console script) starts through ``scratchnn.__main__.main``,
    which imports the command line itself (so it can catch Ctrl-C during the import)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '\nscratchnn = "scratchnn.__main__:main"\n' in text
    assert callable(entry.main)


def test_python_dash_m_runs_the_command(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "scratchnn", "--version"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("scratchnn ")


def test_a_ctrl_c_python_could_not_raise_is_delivered_again():
    """A KeyboardInterrupt raised inside a weakref callback is "unraisable": Python would
    print it and carry on. The command's hook delivers it to the main thread again."""
    import gc
    import weakref

    class Thing:
        pass

    def pressed(ref):
        raise KeyboardInterrupt

    # Ctrl-C's default handler, as in a terminal (a background shell may have it ignored)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with ctrl_c_redelivered():
            thing = Thing()
            ref = weakref.ref(thing, pressed)
            with pytest.raises(KeyboardInterrupt):
                del thing
                gc.collect()
                end = time.monotonic() + 10
                while time.monotonic() < end:  # the interrupt arrives within a thread switch
                    pass
    finally:
        signal.signal(signal.SIGINT, previous)
    assert ref() is None


def test_the_command_line_redelivers_while_it_runs_and_restores_the_hook_after(monkeypatch):
    """``scratchnn.cli.main`` itself (not only the console script) installs the hook: the
    command sees Ctrl-C however it was started; the caller's hook is back afterwards."""
    seen = []

    def caller_hook(info):
        pass

    def spy(args, out, err):
        seen.append(sys.unraisablehook)
        return None, None

    monkeypatch.setattr(sys, "unraisablehook", caller_hook)
    monkeypatch.setattr(cli_logistic, "run", spy)
    assert main(["logistic"]) == 0
    assert seen == [redeliver_ctrl_c] and sys.unraisablehook is caller_hook
