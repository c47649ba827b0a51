"""The subnormal line: what one optimiser update of B's network costs before and after the
Adam moments of dead units decay into the subnormal range.

A ReLU unit that no longer fires gets exactly zero gradients, and its moments decay
geometrically (``m ← β1 m``) until they are subnormal, where arithmetic is many times slower.
Measured on ``scratchnn.executor.TrainingStep(net, CategoricalCrossEntropy(), Adam(1e-3))``,
float32: one step on a batch creates the state; the gradients of most first-layer units are
then set to zero (as a dead unit's), and ``step.update()`` alone (no forward or backward) is
timed over many updates, first with the moments as they are (normal values), then after
those units' moments are set to ``finfo(float32).tiny / 8`` (subnormal) directly in
``optimizer.first_moments`` / ``second_moments`` (views of the step's flat buffers); three
such pairs, the normal moments restored before each. With the engine's periodic flush
(``TrainingStep.flush_every``, where it exists) measured on and off.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

#: Fraction of the first layer's units made dead (their gradients zero, moments subnormal).
DEAD_FRACTION = 0.9
#: Before/after pairs per setting (the reported ratio is the median over the pairs).
PAIRS = 3


def _time_updates(step, updates: int, block: int) -> dict:
    """Seconds per update: the median over blocks of ``block`` updates, and the mean."""
    per_update = []
    total = 0.0
    for _ in range(max(1, updates // block)):
        t0 = time.perf_counter()
        for _ in range(block):
            step.update()
        dt = time.perf_counter() - t0
        total += dt
        per_update.append(dt / block)
    return {
        "median_s": statistics.median(per_update),
        "mean_s": total / (len(per_update) * block),
        "blocks_s": per_update,
    }


def _subnormal_fraction(arrays: list[np.ndarray]) -> float:
    tiny = np.finfo(np.float32).tiny
    count = sum(int(np.count_nonzero((a != 0) & (np.abs(a) < tiny))) for a in arrays)
    return count / sum(a.size for a in arrays)


def _set(buffers: list[np.ndarray], values: list[np.ndarray]) -> None:
    for dst, src in zip(buffers, values):
        dst[...] = src


def measure_one(
    data: dict, updates: int, block: int, flush_interval: int | None, pairs: int = PAIRS
) -> dict:
    """Before and after decay for one flush setting (``None``: the engine's default).

    ``pairs`` times: the normal moments restored, ``updates`` updates timed (before), the
    dead units' moments set subnormal, ``updates`` updates timed (after). The ratio is the
    median over the pairs of after ÷ before (each phase: the median of its blocks), so that
    both phases of a pair run seconds apart, under the same machine conditions.
    """
    from scratchnn import CategoricalCrossEntropy, ReLU, Softmax
    from scratchnn.executor import TrainingStep

    from .scratchnn_runners import _adam, _mlp
    from .workloads import B_LAYERS, B_LEARNING_RATE

    net = _mlp(B_LAYERS, ReLU, Softmax, data["init"], np.float32)
    opt = _adam(B_LEARNING_RATE)
    step = TrainingStep(net, CategoricalCrossEntropy(), opt)
    if flush_interval is not None:
        step.flush_every = flush_interval
    n = min(256, data["X"].shape[0])
    step(data["X"][:n], data["T"][:n])  # creates the state: normal moments
    dead = slice(0, int(DEAD_FRACTION * B_LAYERS[1]))
    step.grad_views[0][:, dead] = 0.0  # W1's columns and b1's entries of the dead units
    step.grad_views[1][dead] = 0.0
    names = ("first_moments", "second_moments")
    normal = {name: [a.copy() for a in getattr(opt, name)] for name in names}
    _time_updates(step, block, block)  # warm-up
    sub = np.float32(np.finfo(np.float32).tiny / 8)
    befores, afters, set_fraction, left = [], [], 0.0, 0.0
    for _ in range(pairs):
        for name in names:
            _set(getattr(opt, name), normal[name])
        befores.append(_time_updates(step, updates, block))
        for name in names:
            buffers = getattr(opt, name)
            buffers[0][:, dead] = sub
            buffers[1][dead] = sub
        set_fraction = _subnormal_fraction([a for name in names for a in getattr(opt, name)])
        afters.append(_time_updates(step, updates, block))
        left = _subnormal_fraction([a for name in names for a in getattr(opt, name)])

    def pooled(phases: list[dict]) -> dict:
        blocks = [x for phase in phases for x in phase["blocks_s"]]
        return {
            "median_s": statistics.median(blocks),
            "mean_s": statistics.fmean(phase["mean_s"] for phase in phases),
            "blocks_s": blocks,
        }

    return {
        "flush_interval": getattr(step, "flush_every", None),
        "pairs": pairs,
        "before": pooled(befores),
        "after": pooled(afters),
        "ratio": statistics.median(a["median_s"] / b["median_s"] for a, b in zip(afters, befores)),
        "ratio_of_means": statistics.median(
            a["mean_s"] / b["mean_s"] for a, b in zip(afters, befores)
        ),
        "subnormal_fraction_set": set_fraction,
        "subnormal_fraction_left": left,
    }


def measure(data: dict, updates: int, block: int) -> dict:
    """The line with the engine's default and, when ``TrainingStep.flush_every`` exists,
    with the flush off (``flush_every = 0`` on the step)."""
    from scratchnn.executor import TrainingStep

    out: dict = {
        "updates": updates,
        "block": block,
        "pairs": PAIRS,
        "dead_fraction_of_first_layer": DEAD_FRACTION,
        "settings": {},
    }
    has_flush = hasattr(TrainingStep, "flush_every")
    out["has_flush_interval"] = has_flush
    out["settings"]["default"] = measure_one(data, updates, block, None)
    if has_flush:
        out["settings"]["flush off"] = measure_one(data, updates, block, 0)
    return out
