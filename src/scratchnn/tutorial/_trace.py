"""Which iterates the gradient-descent parts (1–3) keep: every one of a short run, a bounded
sample of a long one.

The tutorial prints and plots every iterate of runs of 4 to 20 iterations. A learner who asks
for 100,000 iterations wants the same table and figures, not 100,000 rows: a run of more than
:data:`FULL` iterations keeps the first :data:`HEAD` iterations, then every ``stride``-th
(``stride`` chosen so at most about :data:`ROWS` rows are kept), and always the last iteration
run. Memory is then bounded by the number of rows, whatever the iteration count.
"""

from __future__ import annotations

import math

import numpy as np

from ..training import Callback, TrainingContext
from ._divergence import Divergence, divergence

__all__ = ["FULL", "HEAD", "ROWS", "IterateTrace", "TracedRun", "stride_for", "thinned_note"]

#: Runs of up to this many iterations keep every iterate.
FULL = 1000
#: Longer runs keep their first HEAD iterations …
HEAD = 100
#: … and then every ``stride``-th, about this many rows in all.
ROWS = 1000


def stride_for(iterations: int) -> int:
    """1 for a run of at most :data:`FULL` iterations, else the smallest stride that keeps
    at most :data:`ROWS` evenly spaced iterates (a round number: 1, 2 or 5 × 10^k)."""
    if iterations <= FULL:
        return 1
    least = iterations / ROWS
    power = 10 ** math.floor(math.log10(least))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= least)


def thinned_note(iteration: np.ndarray, iterations: int) -> list[str]:
    """The line printed under a table of the kept ``iteration`` s of a run asked for
    ``iterations`` when some were left out (none otherwise): ``(of 100000 iterations, rows
    are shown for 0 to 100, then one every 100)``."""
    last = int(iteration[-1])
    if len(iteration) == last + 1:
        return []
    return [
        f"(of {last} iterations, rows are shown for 0 to {HEAD}, then one every "
        f"{stride_for(iterations)})"
    ]


class IterateTrace(Callback):
    """Records the network's parameters and the training loss at the kept iterations.

    Parameters
    ----------
    iterations : int
        The iterations the run was asked for (they fix the stride).
    scale : float, default 1
        The recorded loss is ``history.train_loss[k] * scale`` (e.g. ``1 / n`` for a sum).
    thin : bool, default True
        False: keep every iterate (stride 1), whatever the iteration count.

    Attributes
    ----------
    stride : int
    iteration : list of int
        The kept iterations, 0 first; the last is the last iteration completed.
    params : list of dict of str to ndarray
        The parameters (copies) at each kept iteration.
    loss : list of float
    nonfinite_at : int or None
        The first iteration whose parameters were not finite (training stops there).
    """

    def __init__(self, iterations: int, scale: float = 1.0, thin: bool = True) -> None:
        self.stride = stride_for(iterations) if thin else 1
        self.scale = scale
        self.iteration: list[int] = []
        self.params: list[dict[str, np.ndarray]] = []
        self.loss: list[float] = []
        self.nonfinite_at: int | None = None
        self._named: list[tuple[str, np.ndarray]] = []
        self._last: tuple[int, list[np.ndarray], float] | None = None

    def on_train_begin(self, context: TrainingContext) -> None:
        self._named = list(context.network.named_parameters())  # updated in place
        self._see(0, context.history.train_loss[-1])

    def on_epoch_end(self, context: TrainingContext) -> bool:
        self._see(context.epoch, context.history.train_loss[-1])
        return self.nonfinite_at is not None

    def on_train_end(self, context: TrainingContext) -> None:
        """Keep the last iterate completed (Ctrl-C or a stop may end between kept ones)."""
        if self._last is not None and self.iteration[-1] != self._last[0]:
            self._keep(*self._last)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The kept iterations and losses as arrays."""
        return np.asarray(self.iteration, dtype=np.int64), np.asarray(self.loss)

    def _see(self, k: int, loss: float) -> None:
        values = [p.copy() for _, p in self._named]
        self._last = (k, values, float(loss) * self.scale)
        finite = all(np.isfinite(v).all() for v in values)
        if not finite:
            self.nonfinite_at = k
        if k <= HEAD or k % self.stride == 0 or not finite:
            self._keep(*self._last)

    def _keep(self, k: int, values: list[np.ndarray], loss: float) -> None:
        self.iteration.append(k)
        self.params.append({name: v for (name, _), v in zip(self._named, values)})
        self.loss.append(loss)


class TracedRun:
    """What the results of parts 1–3 share, from their fields ``iteration`` (the kept
    iterations), ``loss`` (at those iterations) and ``learning_rate``."""

    iteration: np.ndarray
    loss: np.ndarray
    learning_rate: float

    @property
    def iterations_run(self) -> int:
        """Iterations completed (fewer than ``iterations`` when Ctrl-C ended the run)."""
        return int(self.iteration[-1])

    @property
    def divergence(self) -> Divergence | None:
        """Set when the loss ended higher than it started (the rule of every part)."""
        return divergence(self.loss[0], self.loss[-1], self.learning_rate)
