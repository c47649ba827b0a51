"""The interleaved rounds every workload runs in, and the cases they run."""

from __future__ import annotations

import gc
import importlib
import os
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .common import Unavailable, summarize


@dataclass(frozen=True)
class Case:
    id: str
    framework: str
    label: str
    module: str
    factory: str
    description: str

    def make(self, *args) -> Any:
        try:
            module = importlib.import_module(f"benchmarks.{self.module}")
        except ImportError as exc:  # the framework itself is missing
            raise Unavailable(f"{self.framework} is not installed ({exc})") from None
        return getattr(module, self.factory)(*args)


_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f} s] {msg}", file=sys.stderr, flush=True)


#: Seed of the per-round random orders.
ORDER_SEED = 5


def select(cases: list[Case], frameworks: set[str]) -> list[Case]:
    return [c for c in cases if c.framework in frameworks]


def prepare_and_run(runner: Any) -> None:
    """One untimed repetition: the runner's ``prepare()`` (when it has one), then ``run()``."""
    prepare = getattr(runner, "prepare", None)
    if prepare is not None:
        prepare()
    runner.run()


def run_interleaved(
    cases: list[Case],
    make: Callable[[Case], Any],
    warm: Callable[[Case], None],
    repeats: int,
    to_unit: Callable[[float], float],
    settle_s: float = 0.0,
    probes: dict[str, Callable[[], Any]] | None = None,
) -> tuple[dict, dict[str, Any]]:
    """Warm every case up once, then time ``repeats`` rounds; within a round every case runs
    once, in a random order drawn for the round (a fixed seed: the same orders every run), each
    after a pause of ``settle_s`` seconds: BLAS and OpenMP worker threads busy-wait for a
    while after their last call and would otherwise take a core from the next repetition.

    A runner's ``prepare()``, when it has one, runs before each repetition, untimed (B's
    runners restore the warm-start state there). Each of ``probes`` also runs once a round at
    a random place in the order; what it returns is kept per round in ``results[name]`` (B's
    GEMM rate and the matrix products of its training step, measured under the same machine
    conditions as the round's epochs). Returns (results, runners).

    A rotated fixed order would make every case follow the same predecessor in most rounds,
    so one library's lingering busy-waiting threads would always slow the same successor.
    """
    probes = probes or {}
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    runners: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for case in cases:
        try:
            warm(case)
            runners[case.id] = make(case)
        except Unavailable as exc:
            skipped[case.id] = str(exc)
            log(f"    skip {case.id}: {exc}")
    seconds: dict[str, list[float]] = {cid: [] for cid in runners}
    probed: dict[str, list] = {name: [] for name in probes}
    order = [("case", cid) for cid in runners] + [("probe", name) for name in probes]
    shuffle = np.random.default_rng(ORDER_SEED)
    for _ in range(repeats):
        for i in shuffle.permutation(len(order)):
            kind, name = order[i]
            gc.collect()
            time.sleep(settle_s)
            if kind == "probe":
                probed[name].append(probes[name]())
                continue
            runner = runners[name]
            prepare = getattr(runner, "prepare", None)
            if prepare is not None:
                prepare()
            t0 = time.perf_counter()
            runner.run()
            seconds[name].append(time.perf_counter() - t0)
    results: dict = {"cases": {}, "skipped": skipped, "load_average_at_start": load, **probed}
    for case in cases:
        if case.id in runners:
            entry = {
                "label": case.label,
                "framework": case.framework,
                "description": case.description,
                "seconds": seconds[case.id],
                **summarize([to_unit(t) for t in seconds[case.id]]),
            }
            note = getattr(runners[case.id], "note", None)
            if note:
                entry["note"] = note
            results["cases"][case.id] = entry
    return results, runners


def max_param_diff(runners: dict[str, Any], reference: str) -> dict[str, float]:
    """Largest absolute difference of every runner's parameters from the reference's."""
    if reference not in runners:
        return {}
    ref = runners[reference].params()
    out = {}
    for cid, runner in runners.items():
        if cid == reference or cid == "sklearn":
            continue
        params = runner.params()
        out[cid] = float(
            max(
                np.max(np.abs(np.asarray(p, float) - np.asarray(q, float)))
                for p, q in zip(params, ref)
            )
        )
    return out
