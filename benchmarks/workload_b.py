"""Workload B as users meet it: shuffled mini-batches from a warm start, on two data sets,
with the limit of the machine measured in the same rounds.

* Data sets: ``teacher`` (learnable labels, :func:`workloads.teacher_labels`; the primary
  one, in ``B["batch_sizes"]``) and ``random`` (uniform random labels, issue 5's, in
  ``B["random_labels"]["batch_sizes"]``), the same pixels.
* Warm start: before the timed epochs scratchnn trains each data set untimed
  (``sizes.b_warm_start_epochs`` epochs at batch ``sizes.b_warm_start_batch``, shuffled,
  Adam 1e-3, float32), long enough for the moments of units that died to decay; every
  implementation starts every repetition from a copy of that state (weights, biases, Adam's
  moments and step count).
* Limit: in every round at each batch size the eight matrix products of the training step
  (:class:`limit.StepProducts`) and the memory bandwidth (:class:`limit.Triad`); with the
  step's least memory traffic (:func:`limit.minimal_bytes`), the honest limit of an epoch.
* Breakdown: after the rounds, where one step's time goes (:mod:`breakdown`), scratchnn
  beside the hand-written loop.
"""

from __future__ import annotations

import gc
import statistics
import time

import numpy as np

from . import breakdown, gemm, limit, subnormal
from .cases import CASES_B
from .common import summarize
from .harness import log, max_param_diff, prepare_and_run, run_interleaved, select
from .memory import memory_child
from .workloads import (
    B_LAYERS,
    B_LEARNING_RATE,
    Sizes,
    _one_hot,
    array_split_slices,
    data_b,
    n_parameters,
    teacher_labels,
)

#: Seed of the warm start's shuffling.
WARM_START_SEED = 13


def _dead_units(net, X: np.ndarray) -> list[float]:
    """Fraction of each hidden layer's units that fire on none of the samples ``X``."""
    from scratchnn import ReLU

    out, h = [], X
    for layer in net.layers:
        h = layer.forward(h)
        if isinstance(layer, ReLU):
            out.append(float(np.mean(h.max(axis=0) <= 0)))
    return out


def warm_start(data: dict, epochs: int, batch_size: int) -> tuple[dict, dict]:
    """``(start state, what it is)``: scratchnn trained on ``data`` untimed, its parameters,
    Adam moments and step count copied out."""
    import scratchnn
    from scratchnn import CategoricalCrossEntropy, ReLU, Softmax

    from .scratchnn_runners import _adam, _mlp

    net = _mlp(B_LAYERS, ReLU, Softmax, data["init"], np.float32)
    opt = _adam(B_LEARNING_RATE)
    t0 = time.perf_counter()
    history = scratchnn.train(
        net,
        CategoricalCrossEntropy(),
        opt,
        data["X"],
        data["T"],
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        rng=WARM_START_SEED,
        epoch_loss="batches",
    )
    seconds = time.perf_counter() - t0
    moments = [a.copy() for a in opt.first_moments], [a.copy() for a in opt.second_moments]
    start = {
        "params": [p.copy() for p in net.parameters()],
        "first_moments": moments[0],
        "second_moments": moments[1],
        "count": int(opt.step_count),
    }
    flat = np.concatenate([a.ravel() for a in moments[0] + moments[1]])
    tiny = np.finfo(np.float32).tiny
    sample = data["X"][:4096]
    info = {
        "epochs": epochs,
        "batch_size": batch_size,
        "steps": start["count"],
        "seconds": round(seconds, 2),
        "train_loss": [float(x) for x in history.train_loss],
        "accuracy_samples": int(sample.shape[0]),
        "accuracy": float(
            np.mean(net.predict(sample).argmax(axis=1) == data["labels"][: sample.shape[0]])
        ),
        "dead_units": _dead_units(net, sample),
        "moments_zero": float(np.mean(flat == 0)),
        "moments_subnormal": float(np.mean((flat != 0) & (np.abs(flat) < tiny))),
    }
    return start, info


def _datasets(n: int) -> dict[str, dict]:
    random = data_b(n, labels="random")
    labels = teacher_labels(random["X"])
    teacher = {
        **random,
        "labels": labels,
        "T": _one_hot(labels, B_LAYERS[-1], np.float32),
        "label_kind": "teacher",
    }
    return {"teacher": teacher, "random": random}


def _limit(entry: dict, n: int, n_batches: int, traffic: dict) -> None:
    """The honest limit of each round and every case's fraction of it (paired: the limit time
    of the round ÷ the case's epoch time in that round, median over rounds)."""
    products, bandwidths = entry["limit"], entry["triad"]
    step = limit.step_limit(products, traffic["total"], bandwidths)
    epoch = [n_batches * t for t in step]
    entry["limit_traffic_bytes"] = traffic
    entry["limit_products_s"] = summarize(products)
    entry["limit_bandwidth"] = summarize(bandwidths)
    entry["limit_step_s"] = summarize(step)
    entry["limit_epoch_s"] = summarize(epoch)
    entry["limit_samples_per_s"] = summarize([n / t for t in epoch])
    entry["limit_fraction"] = {
        cid: statistics.median(t * v / n for t, v in zip(epoch, e["values"]))
        for cid, e in entry["cases"].items()
    }


def _rounds(cases, data, b, sizes, repeats, probes) -> tuple[dict, dict]:
    m = sizes.b_warmup_samples
    warm_data = {
        **data,
        "X": data["X"][:m],
        "labels": data["labels"][:m],
        "T": data["T"][:m],
    }
    n = data["X"].shape[0]
    return run_interleaved(
        cases,
        make=lambda c: c.make(data, b),
        warm=lambda c: prepare_and_run(c.make(warm_data, b)),
        repeats=repeats,
        settle_s=sizes.settle_s,
        to_unit=lambda t: n / t,
        probes=probes,
    )


def workload_b(sizes: Sizes, frameworks: set[str], repeats: int | None, memory: bool) -> dict:
    n = sizes.b_samples
    n_params = n_parameters(B_LAYERS)
    triad = limit.Triad(sizes.bandwidth_mib)
    sets = _datasets(n)
    warm = {}
    for name, data in sets.items():
        log(f"  B: warm start on the {name}-label data set")
        data["start"], warm[name] = warm_start(
            data, sizes.b_warm_start_epochs, sizes.b_warm_start_batch
        )
    out: dict = {
        "title": "B. 784-256-256-10 ReLU + softmax cross-entropy, Adam lr 1e-3, float32, "
        f"{n:,} synthetic samples, shuffled mini-batches from a warm start, one epoch",
        "unit": "samples/s",
        "better": "higher",
        "samples": n,
        "n_parameters": n_params,
        "flops_per_sample": 6 * n_params,
        "param_bytes": n_params * 4,
        "triad_mib": sizes.bandwidth_mib,
        "warm_start": warm,
        "repeats": {
            "teacher": repeats or sizes.b_repeats,
            "random": repeats or sizes.b_random_repeats,
        },
        "batch_sizes": {},
        "random_labels": {"batch_sizes": {}},
    }
    cases = select(CASES_B, frameworks)
    random_cases = [c for c in cases if c.id != "scratchnn-fixed"]
    largest = max(sizes.b_batch_sizes)
    probe_n = max(sizes.gemm_sizes)
    for b in sizes.b_batch_sizes:
        n_batches = len(array_split_slices(n, b))
        rows = round(n / n_batches)  # the epoch's mean batch size
        products = limit.StepProducts(B_LAYERS, rows, statistic="median")
        flops = products.flops
        probes = {"limit": products, "triad": triad}
        if b == largest:
            probes["probe"] = gemm.Probe(probe_n)
        log(f"  B: batch {b}, learnable labels")
        results, runners = _rounds(
            cases, sets["teacher"], b, sizes, out["repeats"]["teacher"], probes
        )
        diff = max_param_diff(runners, "numpy")
        diff.pop("scratchnn-fixed", None)
        results["max_param_diff_vs_numpy"] = diff
        del runners
        gc.collect()
        log(f"  B: batch {b}, random labels")
        probes.pop("probe", None)
        random, runners = _rounds(
            random_cases, sets["random"], b, sizes, out["repeats"]["random"], probes
        )
        del runners, probes, products
        gc.collect()
        for entry in (results, random):
            entry["n_batches"] = n_batches
            entry["limit_rows"] = rows
            entry["limit_flops_per_step"] = flops
            _limit(entry, n, n_batches, limit.minimal_bytes(B_LAYERS, rows))
        out["batch_sizes"][str(b)] = results
        out["random_labels"]["batch_sizes"][str(b)] = random
    del triad
    _after_rounds(out, sets, sizes, frameworks, random_cases if memory else None)
    return out


def _after_rounds(out: dict, sets: dict, sizes: Sizes, frameworks: set[str], memory) -> None:
    """The breakdown and the subnormal line (scratchnn's), then the peak memory of each case
    of ``memory`` (None: not measured) in its own process."""
    if "scratchnn" in frameworks:
        log("  B: where the time of a step goes")
        out["breakdown"] = breakdown.measure(sets["teacher"], sizes.b_batch_sizes)
        log("  B: subnormal line")
        out["subnormal"] = subnormal.measure(
            sets["teacher"], sizes.subnormal_updates, sizes.subnormal_block
        )
    sets.clear()
    gc.collect()
    if memory is not None:
        largest = max(sizes.b_batch_sizes)
        out["memory"] = {"batch_size": largest, "cases": {}}
        for case in memory:
            if case.id in out["batch_sizes"][str(largest)]["skipped"]:
                continue
            log(f"  B: memory of {case.id} (own process)")
            out["memory"]["cases"][case.id] = memory_child(case.id, out["samples"], largest)


def gemm_fraction(B: dict, gemm_result: dict) -> None:
    """Achieved fraction of the GEMM peak at B's largest batch (learnable labels):
    samples/s × FLOPs/sample.

    ``gemm_fraction``: the median throughput against the run's peak (the fastest single
    product, at the start or the end of the run). ``gemm_fraction_paired``: in each round,
    the epoch's FLOP rate against the GEMM rate probed in that same round, then the median
    over rounds (see ``targets.paired_ratio``).
    """
    b = str(max(int(k) for k in B["batch_sizes"]))
    peak = gemm_result["peak_gflops"] * 1e9
    entry_b = B["batch_sizes"][b]
    flops = B["flops_per_sample"]
    B["gemm_fraction_batch"] = int(b)
    B["gemm_fraction"] = {
        cid: entry["median"] * flops / peak for cid, entry in entry_b["cases"].items()
    }
    probe = entry_b.get("probe")
    if probe:
        B["gemm_probe_gflops"] = summarize(probe)
        B["gemm_fraction_paired"] = {
            cid: statistics.median(v * flops / (g * 1e9) for v, g in zip(entry["values"], probe))
            for cid, entry in entry_b["cases"].items()
        }
