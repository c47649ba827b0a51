"""Temporary files left by a save killed outright are removed by the next save to the path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scratchnn._io import STALE_AFTER, atomic_write, remove_stale_temporaries

SRC = Path(__file__).resolve().parents[1] / "src"


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _touch(path: Path, age: float = 0.0) -> Path:
    path.write_bytes(b"partial")
    if age:
        then = time.time() - age
        os.utime(path, (then, then))
    return path


def test_a_save_killed_by_sigkill_leaves_a_temporary_file_the_next_save_removes(tmp_path):
    target = tmp_path / "model.npz"
    code = (
        "import sys, time; from scratchnn._io import atomic_write\n"
        "def write(handle):\n"
        "    handle.write(b'half'); handle.flush(); print('writing', flush=True); time.sleep(60)\n"
        f"atomic_write({str(target)!r}, write)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env)
    try:
        assert process.stdout.readline() == b"writing\n"
        left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(left) == 1 and left[0].name.startswith(".model.npz.")
        assert f".{process.pid}." in left[0].name  # the writer's pid is in the name
        assert remove_stale_temporaries(target) == []  # its writer is alive: kept
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert left[0].exists()  # nothing could remove it
    atomic_write(target, lambda handle: handle.write(b"whole"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]
    assert target.read_bytes() == b"whole"


def test_only_stale_temporaries_of_the_same_target_are_removed(tmp_path):
    target = tmp_path / "m.npz"
    dead, alive = _dead_pid(), os.getpid()
    stale = [
        _touch(tmp_path / f".m.npz.{dead}.abc123.tmp"),
        _touch(tmp_path / ".m.npz.old_one.tmp", age=2 * STALE_AFTER),  # no pid, old
    ]
    kept = [
        _touch(tmp_path / f".m.npz.{alive}.abc123.tmp"),  # a live writer (this process)
        _touch(tmp_path / ".m.npz.recent.tmp"),  # no pid, recent
        _touch(tmp_path / f".m.npz.x.{dead}.abc.tmp"),  # the temporary of "m.npz.x"
        _touch(tmp_path / f".m.npz.{dead}.abc123.txt"),  # not a temporary file
        _touch(tmp_path / f".m.{dead}.abc123.tmp"),  # another target's ("m")
        _touch(tmp_path / "m.npz.backup"),
    ]
    os.symlink(tmp_path / "m.npz.backup", tmp_path / f".m.npz.{dead}.link00.tmp")
    kept.append(tmp_path / f".m.npz.{dead}.link00.tmp")  # a symlink is not ours
    assert sorted(remove_stale_temporaries(target)) == sorted(stale)
    assert all(path.is_symlink() or path.exists() for path in kept)
    assert not any(path.exists() for path in stale)


def test_a_live_process_of_another_program_keeps_its_file(tmp_path):
    target = tmp_path / "f.png"
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        mine = _touch(tmp_path / f".f.png.{process.pid}.zz9.tmp", age=10 * STALE_AFTER)
        atomic_write(target, lambda handle: handle.write(b"x"))
        assert mine.exists()
    finally:
        process.kill()
        process.wait()
    atomic_write(target, lambda handle: handle.write(b"y"))
    assert not mine.exists()
