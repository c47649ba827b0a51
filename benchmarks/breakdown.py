"""Where the time of one training step of workload B goes, for scratchnn and for the
hand-written loop: the split that shows what is left to gain.

Both implementations start from B's warm-start state and run the same batch size on the
learnable labels. Measured, per step (each the median over blocks of calls, per call; every
measurement once a round, in a random order per round, the median over the rounds):

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

#: Seconds each component is measured for over all rounds (at least), the smallest number of
#: blocks of one measurement, the rounds and the seed of their random orders.
MIN_SECONDS, MIN_BLOCKS, ROUNDS, ORDER_SEED = 0.5, 3, 5, 17
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
        "prepare": runner.prepare,
        "small": (data["X"][:SMALL_ROWS].copy(), data["T"][:SMALL_ROWS].copy()),
    }


def _numpy(data: dict, b: int):
    from .numpy_baselines import MLPAdam

    runner = MLPAdam(data, b)
    return {
        "epoch": runner._batches,
        "gradients": runner.gradients,
        "update": runner._adam,
        "prepare": runner.prepare,
        "small": (data["X"][:SMALL_ROWS].copy(), data["labels"][:SMALL_ROWS].copy()),
    }


class _Parts:
    """One implementation's step taken apart: each component as a function of no arguments
    (``step``: the loop's; ``gather``; ``fb``: forward and backward on kept batches;
    ``fb_small``: on the small batch; ``update``)."""

    def __init__(self, parts: dict) -> None:
        batch = _Epochs(parts["epoch"])
        gradients, update = parts["gradients"], parts["update"]

        def loop_step() -> None:
            gradients(*batch())
            update()

        kept = [tuple(np.array(a, copy=True) for a in batch()) for _ in range(BATCHES_KEPT)]
        self.prepare = parts["prepare"]  # the warm-start state again (untimed)
        self.components = {
            "step": loop_step,
            "gather": batch,
            "fb": _Cycle(gradients, kept),
            "fb_small": _Cycle(gradients, [parts["small"]]),
            "update": update,
        }


def _split(t: dict) -> dict:
    """The reported components from the medians ``t`` of one implementation's measurements
    (and of the products'), seconds."""
    fixed = t["fb_small"] - t["products_small"]
    return {
        "step": t["step"],
        "gather": t["gather"],
        "products": t["products"],
        "elementwise": t["fb"] - t["products"] - fixed,
        "update": t["update"],
        "python": fixed + (t["step"] - t["gather"] - t["fb"] - t["update"]),
        "forward_backward": t["fb"],
        "forward_backward_small": t["fb_small"],
    }


def measure(data: dict, batch_sizes: tuple[int, ...], rounds: int = ROUNDS) -> dict:
    """The split of one step at each batch size, for scratchnn and the hand-written loop
    (``{batch: {implementation: {component: seconds}}}``): every component of both and the
    products measured once a round, in a random order drawn for the round, ``rounds`` rounds;
    the median over rounds of each (the VM's speed drifts: measurements of one round are
    made under the same conditions)."""
    out: dict = {}
    small = StepProducts(B_LAYERS, SMALL_ROWS)
    order = np.random.default_rng(ORDER_SEED)
    for b in batch_sizes:
        n_batches = max(1, round(data["X"].shape[0] / b))
        rows = round(data["X"].shape[0] / n_batches)
        products = StepProducts(B_LAYERS, rows)
        impls = {"scratchnn": _Parts(_scratchnn(data, b)), "numpy": _Parts(_numpy(data, b))}
        tasks = [("", "products", products._step, None), ("", "products_small", small._step, None)]
        tasks += [(i, c, f, p.prepare) for i, p in impls.items() for c, f in p.components.items()]
        times: dict = {(i, c): [] for i, c, _, _ in tasks}
        # the update alone repeats one gradient, and a quick run's tiny data set overfits:
        # values may overflow in a measurement (the warm start comes back before the next)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            for _ in range(rounds):
                for k in order.permutation(len(tasks)):
                    impl, component, fn, prepare = tasks[k]
                    if prepare is not None:
                        prepare()
                    times[impl, component].append(per_call(fn, MIN_SECONDS / rounds))
        med = {key: statistics.median(v) for key, v in times.items()}
        shared = {"products": med["", "products"], "products_small": med["", "products_small"]}
        out[str(b)] = {"rows": rows, "rounds": rounds, **shared}
        for impl in impls:
            mine = {c: med[impl, c] for _, c, _, _ in tasks if (impl, c) in med}
            out[str(b)][impl] = _split({**mine, **shared})
    return out
