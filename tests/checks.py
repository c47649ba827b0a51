"""Assertions shared by the tests of every part's command line and figures."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib.image as mpimg


def single_error_line(capsys) -> str:
    """The one line a failed command wrote to stderr (no traceback, nothing else)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def assert_figure_file(path: Path, min_std: float = 0.05) -> None:
    """A written figure is a real image: a PNG whose colours vary (not blank) or an SVG
    document with drawn paths."""
    path = Path(path)
    if path.suffix == ".svg":
        text = path.read_text()
        assert text.startswith("<?xml") and "</svg>" in text and "<path" in text, path
    else:
        image = mpimg.imread(path)
        assert image.ndim == 3 and image[..., :3].std() > min_std, path


SRC = Path(__file__).resolve().parents[1] / "src"


def _as_in_a_terminal() -> None:
    """In the child before it starts: SIGINT's default action, as a command started from a
    terminal has it, even when these tests run in the background of a shell without job
    control (which starts them with SIGINT ignored, and a child inherits that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_child(
    code: str, argv: list[str], ready: str, delay: float = 0.0, timeout: float = 120
) -> tuple[int, str, str]:
    """Run ``python -c code argv`` on this checkout's ``src``; once the child writes the line
    ``ready`` on stderr (and ``delay`` seconds later, while it still runs), send it SIGINT.
    Return its exit code, stdout and the rest of its stderr."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "MPLBACKEND": "Agg"}
    process = subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_as_in_a_terminal,
    )
    try:
        first = process.stderr.readline()
        assert first == ready + "\n", first + process.stderr.read()
        time.sleep(delay)
        assert process.poll() is None, "the child ended before it could be interrupted"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, out, err
