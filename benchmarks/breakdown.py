"""Where the time of one training step of workload B goes, for scratchnn and for the
hand-written loop: the split that shows what is left to gain.

Both implementations start from B's warm-start state and run the same batch size on the
learnable labels. Measured, per step (each the median over blocks of calls, per call):

* ``T``: the user's loop, shuffled: the batch gathered and the step run (scratchnn: its
  ``EpochBatches`` and ``TrainingStep``; the hand-written loop: its own ``X[idx]`` and
  gradients and Adam);
* ``gather``: the batch generator alone (the permutation's rows gathered, no step);
* ``FB``: forward, loss and backward alone on gathered batches (scratchnn:
  ``step.loss_and_gradients``);
* ``update``: the optimiser alone (scratchnn: ``step.update()``);
* ``products``: the step's eight matrix products alone at this batch size
  (:class:`limit.StepProducts`, the median of blocks, not the best);
* ``FBs − productss``: forward and backward of a batch of ``SMALL_ROWS`` rows, less its
  products: the fixed cost of the calls (Python, NumPy's dispatch), which does not grow with
  the batch (at one row the weight-gradient products are outer products that NumPy does not
  hand to the BLAS: unrepresentative).

Reported: gather; matrix products; elementwise forward and backward = ``FB − products −
(FBs − productss)``; optimiser update; Python and call overhead = ``(FBs − productss) + (T −
gather − FB − update)`` (the calls' fixed cost plus the loop's own). They add up to ``T``.
"""

from __future__ import annotations

import itertools
import statistics
import time
from typing import Callable

import numpy as np

from .limit import StepProducts
from .workloads import B_LAYERS

#: Seconds each measurement runs for (at least), and its smallest number of blocks.
MIN_SECONDS, MIN_BLOCKS = 0.25, 5
#: Rows of the small batch whose forward and backward pass measure the calls' fixed cost.
SMALL_ROWS = 4
#: Distinct gathered batches the forward/backward timing cycles through.
BATCHES_KEPT = 16


def per_call(fn: Callable[[], object], min_seconds: float = MIN_SECONDS) -> float:
    """Seconds per call of ``fn``: blocks of calls sized to about 20 ms, run until
    ``min_seconds`` have passed (at least ``MIN_BLOCKS`` blocks); the median block, per call."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    block = max(1, int(0.02 / max(first, 1e-7)))
    times, spent = [], 0.0
    while len(times) < MIN_BLOCKS or spent < min_seconds:
        t0 = time.perf_counter()
        for _ in range(block):
            fn()
        dt = time.perf_counter() - t0
        times.append(dt / block)
        spent += dt
    return statistics.median(times)


class _Cycle:
    """Call ``fn`` on the next of a few batches, round and round."""

    def __init__(self, fn: Callable, batches: list[tuple]) -> None:
        self.fn, self.batches = fn, itertools.cycle(batches)

    def __call__(self) -> object:
        return self.fn(*next(self.batches))


class _Epochs:
    """The next batch of a batch generator, a new epoch when one ends."""

    def __init__(self, epoch: Callable[[], object]) -> None:
        self.epoch, self.it = epoch, iter(epoch())

    def __call__(self) -> tuple:
        try:
            return next(self.it)
        except StopIteration:
            self.it = iter(self.epoch())
            return next(self.it)


def _scratchnn(data: dict, b: int):
    from .scratchnn_runners import MLPLoop

    runner = MLPLoop(data, b)
    step, source = runner.step, runner.batches
    return {
        "epoch": source.epoch,
        "gradients": step.loss_and_gradients,
        "update": step.update,
        "small": (data["X"][:SMALL_ROWS].copy(), data["T"][:SMALL_ROWS].copy()),
    }


def _numpy(data: dict, b: int):
    from .numpy_baselines import MLPAdam

    runner = MLPAdam(data, b)
    return {
        "epoch": runner._batches,
        "gradients": runner.gradients,
        "update": runner._adam,
        "small": (data["X"][:SMALL_ROWS].copy(), data["labels"][:SMALL_ROWS].copy()),
    }


def _split(parts: dict, products: float, products_small: float) -> dict:
    """Every component of one implementation's step, seconds."""
    batch = _Epochs(parts["epoch"])
    gradients, update = parts["gradients"], parts["update"]

    def loop_step() -> None:
        gradients(*batch())
        update()

    total = per_call(loop_step)
    gather = per_call(batch)
    kept = [tuple(np.array(a, copy=True) for a in batch()) for _ in range(BATCHES_KEPT)]
    fb = per_call(_Cycle(gradients, kept))
    fb_small = per_call(_Cycle(gradients, [parts["small"]]))
    fixed = fb_small - products_small
    upd = per_call(update)
    return {
        "step": total,
        "gather": gather,
        "products": products,
        "elementwise": fb - products - fixed,
        "update": upd,
        "python": fixed + (total - gather - fb - upd),
        "forward_backward": fb,
        "forward_backward_small": fb_small,
    }


def measure(data: dict, batch_sizes: tuple[int, ...]) -> dict:
    """The split of one step at each batch size, for scratchnn and the hand-written loop
    (``{batch: {implementation: {component: seconds}}}``)."""
    out: dict = {}
    products_small = StepProducts(B_LAYERS, SMALL_ROWS)
    for b in batch_sizes:
        n_batches = max(1, round(data["X"].shape[0] / b))
        rows = round(data["X"].shape[0] / n_batches)
        products = StepProducts(B_LAYERS, rows)
        p, p1 = per_call(products._step), per_call(products_small._step)
        out[str(b)] = {
            "rows": rows,
            "products_small": p1,
            "scratchnn": _split(_scratchnn(data, b), p, p1),
            "numpy": _split(_numpy(data, b), p, p1),
        }
    return out
