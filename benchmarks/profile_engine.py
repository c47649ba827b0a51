"""Profile scratchnn on the benchmark workloads: where does the engine's time go?

``python -m benchmarks.profile_engine [--workloads A,B,C] [--out DIR]`` writes, per workload,
a pyinstrument call tree of ``scratchnn.train`` (``profile_<case>.txt``) and prints a phase
breakdown of the network/optimiser API loop: forward, loss value, backward (with the fused
loss gradient) and optimiser step, in microseconds per mini-batch (best of ``--rounds``).

On a machine shared with other jobs, run it with one BLAS thread
(``OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1``): two threads on two busy cores wait for
each other and the numbers stop meaning anything.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from . import numpy_baselines, scratchnn_runners, workloads
from .common import Unavailable

ROOT = Path(__file__).resolve().parent.parent


def _pyinstrument(fn, path: Path, interval: float) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("  (pyinstrument not installed: no call tree)")
        return
    profiler = Profiler(interval=interval)
    profiler.start()
    fn()
    profiler.stop()
    path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"  call tree: {path}")


def _phases(net, loss, opt, X, T, slices, rounds: int) -> dict[str, float]:
    """Seconds per mini-batch spent in each phase of the API loop (best of the rounds: other
    load on the machine only adds time)."""
    params, grads = net.parameters(), net.gradients()
    acc = {"forward": [], "loss value": [], "backward": [], "optimizer step": []}
    for _ in range(rounds):
        t = dict.fromkeys(acc, 0.0)
        for s in slices:
            x, tb = X[s], T[s]
            t0 = time.perf_counter()
            y = net.forward(x)
            t1 = time.perf_counter()
            loss.value(y, tb)
            t2 = time.perf_counter()
            net.backward_loss(loss, y, tb)
            t3 = time.perf_counter()
            opt.step(params, grads)
            t4 = time.perf_counter()
            t["forward"] += t1 - t0
            t["loss value"] += t2 - t1
            t["backward"] += t3 - t2
            t["optimizer step"] += t4 - t3
        for k in acc:
            acc[k].append(t[k] / len(slices))
    return {k: float(np.min(v)) for k, v in acc.items()}


def _time(fn, rounds: int) -> float:
    fn()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.min(times))  # best of the rounds, as above


def _report_phases(title: str, phases: dict[str, float], per_batch_total: dict[str, float]):
    print(f"  {title}: µs per mini-batch")
    for k, v in phases.items():
        print(f"    {k:16s} {v * 1e6:9.1f}")
    print(f"    {'sum':16s} {sum(phases.values()) * 1e6:9.1f}")
    for k, v in per_batch_total.items():
        print(f"    {k:16s} {v * 1e6:9.1f}  (whole run ÷ batches)")


def profile_a(out: Path, rounds: int) -> None:
    print("A: Part 5 digits, scratchnn")
    data = workloads.data_a()
    n_batches = len(data["batches"])
    train = scratchnn_runners.workload_a_train(data, 50)
    _pyinstrument(train.run, out / "profile_A_train.txt", 0.0002)
    loop = scratchnn_runners.workload_a_loop(data, 1)
    phases = _phases(
        loop.net, loop.loss, loop.optimizer, data["X"], data["T"], data["batches"], rounds
    )
    epochs = 10
    totals = {
        "train()": _time(scratchnn_runners.workload_a_train(data, epochs).run, rounds)
        / (epochs * n_batches),
        "API loop": _time(scratchnn_runners.workload_a_loop(data, epochs).run, rounds)
        / (epochs * n_batches),
        "hand-written": _time(numpy_baselines.workload_a(data, epochs).run, rounds)
        / (epochs * n_batches),
    }
    _report_phases("A phases (API loop, no end-of-epoch loss)", phases, totals)


def profile_b(out: Path, rounds: int, samples: int) -> None:
    print(f"B: 784-256-256-10 Adam float32, {samples} samples, scratchnn")
    data = workloads.data_b(samples)
    for b in (32, 1024):
        try:
            train = scratchnn_runners.workload_b_train(data, b)
        except Unavailable as exc:
            print(f"  skipped: {exc}")
            return
        _pyinstrument(train.run, out / f"profile_B{b}_train.txt", 0.0005)
        loop = scratchnn_runners.workload_b_loop(data, b)
        slices = workloads.array_split_slices(samples, b)
        phases = _phases(loop.net, loop.loss, loop.optimizer, data["X"], data["T"], slices, rounds)
        n = len(slices)
        totals = {
            "train()": _time(scratchnn_runners.workload_b_train(data, b).run, rounds) / n,
            "API loop": _time(scratchnn_runners.workload_b_loop(data, b).run, rounds) / n,
            "hand-written": _time(numpy_baselines.workload_b(data, b).run, rounds) / n,
        }
        _report_phases(f"B batch {b} phases (API loop)", phases, totals)


def profile_c(out: Path, rounds: int, samples: int) -> None:
    print(f"C: Part 1 at {samples} samples, scratchnn.train")
    data = workloads.data_c(samples)
    it = 100
    train = scratchnn_runners.workload_c_train(data, it)
    _pyinstrument(train.run, out / "profile_C_train.txt", 0.0002)
    totals = {
        "train()": _time(scratchnn_runners.workload_c_train(data, it).run, rounds) / it,
        "hand-written 1-D": _time(numpy_baselines.workload_c_vector(data, it).run, rounds) / it,
        "hand-written (N,1)": _time(numpy_baselines.workload_c_matrix(data, it).run, rounds) / it,
    }
    for k, v in totals.items():
        print(f"    {k:20s} {v * 1e3:8.3f} ms per iteration")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_engine")
    parser.add_argument("--workloads", default="A,B,C")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "profile")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--b-samples", type=int, default=16384)
    parser.add_argument("--c-samples", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chosen = {w.strip().upper() for w in args.workloads.split(",")}
    if "A" in chosen:
        profile_a(args.out, args.rounds)
    if "B" in chosen:
        profile_b(args.out, args.rounds, args.b_samples)
    if "C" in chosen:
        profile_c(args.out, args.rounds, args.c_samples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
