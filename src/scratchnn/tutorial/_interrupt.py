"""How a part says that Ctrl-C ended its training early (the results are those of the last
complete update: :func:`scratchnn.training.train` finishes the update in progress)."""

from __future__ import annotations

__all__ = ["interrupted_line", "interruption"]


def interrupted_line(done: int, noun: str = "iteration") -> str:
    """``"interrupted (Ctrl-C) after 5 iterations: the results above are partial"``."""
    plural = noun if done == 1 else noun + "s"
    return f"interrupted (Ctrl-C) after {done} {plural}: the results above are partial"


def interruption(interrupted: bool, done: int, noun: str = "iterations") -> dict:
    """The JSON fields of a run that may have been interrupted: ``{"interrupted": bool,
    "<noun>_run": done}``."""
    return {"interrupted": bool(interrupted), f"{noun}_run": int(done)}
