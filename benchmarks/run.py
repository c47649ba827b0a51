"""The harness: run workloads A, B and C, interleaved, and write results.json and RESULTS.md."""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import gemm, workloads
from .common import Unavailable, machine_info, summarize
from .report import evaluate_targets, write_markdown

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("numpy", "scratchnn", "sklearn", "torch")


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


CASES_A = [
    Case(
        "numpy",
        "numpy",
        "hand-written NumPy",
        "numpy_baselines",
        "workload_a",
        "logistic/softmax layers written out, fused gradient (Y - T)/N, in-place SGD",
    ),
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.train",
        "scratchnn_runners",
        "workload_a_train",
        "scratchnn.train(net, CategoricalCrossEntropy(), GradientDescent(0.1), X, T, "
        "epochs=E, batch_size=25)",
    ),
    Case(
        "scratchnn-api",
        "scratchnn",
        "scratchnn API loop",
        "scratchnn_runners",
        "workload_a_loop",
        "user loop: step = TrainingStep(net, loss, optimizer); step(x, t) per batch",
    ),
    Case(
        "sklearn",
        "sklearn",
        "scikit-learn MLPClassifier",
        "sklearn_runners",
        "workload_a",
        "partial_fit per epoch; solver='sgd', momentum=0, alpha=0, batch_size=25, "
        "shuffle=False (44 batches: 43 of 25 and one of 3)",
    ),
    Case(
        "torch",
        "torch",
        "PyTorch CPU",
        "torch_runners",
        "workload_a",
        "nn.Sequential(Linear, Sigmoid, ...), CrossEntropyLoss, optim.SGD; loss.item() "
        "per batch, training loss under no_grad per epoch",
    ),
]

CASES_B = [
    Case(
        "numpy",
        "numpy",
        "hand-written NumPy",
        "numpy_baselines",
        "workload_b",
        "ReLU/softmax written out, buffers for gradients and Adam moments, no input "
        "gradient for the first layer",
    ),
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.train",
        "scratchnn_runners",
        "workload_b_train",
        "scratchnn.train(net, CategoricalCrossEntropy(), Adam(1e-3), X, T, epochs=1, "
        "batch_size=b, epoch_loss='batches'): the epoch's loss is the mean of its batch "
        "losses (no extra pass over the 60,000 samples)",
    ),
    Case(
        "scratchnn-api",
        "scratchnn",
        "scratchnn API loop",
        "scratchnn_runners",
        "workload_b_loop",
        "user loop: step = TrainingStep(net, loss, optimizer); step(x, t) per batch",
    ),
    Case(
        "sklearn",
        "sklearn",
        "scikit-learn MLPClassifier",
        "sklearn_runners",
        "workload_b",
        "one partial_fit; solver='adam', alpha=0, shuffle=False",
    ),
    Case(
        "torch",
        "torch",
        "PyTorch CPU",
        "torch_runners",
        "workload_b",
        "nn.Sequential(Linear, ReLU, ...), CrossEntropyLoss, optim.Adam (defaults)",
    ),
]

CASES_C = [
    Case(
        "numpy",
        "numpy",
        "hand-written NumPy, 1-D arrays",
        "numpy_baselines",
        "workload_c_vector",
        "err = x*w - t; loss = err@err/N; w -= lr*2*(x@err)/N",
    ),
    Case(
        "numpy-matrix",
        "numpy",
        "hand-written NumPy, (N,1)@(1,1)",
        "numpy_baselines",
        "workload_c_matrix",
        "err = X@W - T; loss = err.T@err/N; W -= lr*2*X.T@err/N",
    ),
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.train",
        "scratchnn_runners",
        "workload_c_train",
        "scratchnn.train(Sequential([Linear(1, 1, bias=False)]), MSE(), "
        "GradientDescent(0.9), X, T, epochs=100)",
    ),
    Case(
        "torch",
        "torch",
        "PyTorch CPU autograd",
        "torch_runners",
        "workload_c",
        "nn.Linear(1, 1, bias=False), MSELoss, optim.SGD, loss.item() per iteration",
    ),
]


_T0 = time.perf_counter()


def _log(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f} s] {msg}", file=sys.stderr, flush=True)


#: Name of the probe in a round's order (no case has it).
_PROBE = "<probe>"
#: Seed of the per-round random orders.
ORDER_SEED = 5


def run_interleaved(
    cases: list[Case],
    make: Callable[[Case], Any],
    warm: Callable[[Case], None],
    repeats: int,
    to_unit: Callable[[float], float],
    settle_s: float = 0.0,
    probe: Callable[[], float] | None = None,
) -> tuple[dict, dict[str, Any]]:
    """Warm every case up once, then time ``repeats`` rounds; within a round every case runs
    once, in a random order drawn for the round (a fixed seed: the same orders every run), each
    after a pause of ``settle_s`` seconds: BLAS and OpenMP worker threads busy-wait for a
    while after their last call and would otherwise take a core from the next repetition.
    ``probe``, when given, also runs once a round at a random place in the order; what it
    returns is kept per round in ``results["probe"]`` (B's GEMM rate, measured under the same
    machine conditions as the round's epochs). Returns (results, runners).

    A rotated fixed order would make every case follow the same predecessor in most rounds,
    so one library's lingering busy-waiting threads would always slow the same successor.
    """
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    runners: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for case in cases:
        try:
            warm(case)
            runners[case.id] = make(case)
        except Unavailable as exc:
            skipped[case.id] = str(exc)
            _log(f"    skip {case.id}: {exc}")
    seconds: dict[str, list[float]] = {cid: [] for cid in runners}
    order = list(runners) + ([_PROBE] if probe is not None else [])
    probed: list[float] = []
    shuffle = np.random.default_rng(ORDER_SEED)
    for _ in range(repeats):
        for cid in shuffle.permutation(order):
            gc.collect()
            time.sleep(settle_s)
            if cid == _PROBE:
                probed.append(probe())
                continue
            t0 = time.perf_counter()
            runners[cid].run()
            seconds[cid].append(time.perf_counter() - t0)
    results: dict = {"cases": {}, "skipped": skipped, "load_average_at_start": load}
    if probe is not None:
        results["probe"] = probed
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


def _max_param_diff(runners: dict[str, Any], reference: str) -> dict[str, float]:
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


def _select(cases: list[Case], frameworks: set[str]) -> list[Case]:
    return [c for c in cases if c.framework in frameworks]


def workload_a(sizes: workloads.Sizes, frameworks: set[str], repeats: int | None) -> dict:
    data = workloads.data_a()
    epochs = sizes.a_epochs_per_repeat
    results, runners = run_interleaved(
        _select(CASES_A, frameworks),
        make=lambda c: c.make(data, epochs),
        warm=lambda c: c.make(data, 1).run(),
        repeats=repeats or sizes.a_repeats,
        settle_s=sizes.settle_s,
        to_unit=lambda t: 1000.0 * t / epochs,
    )
    results.update(
        title="A. Part 5 digits: 64-20-20-10 logistic/logistic/softmax, SGD, batch 25, lr 0.1, "
        "float64",
        unit="ms per epoch",
        better="lower",
        samples=int(data["X"].shape[0]),
        batches=len(data["batches"]),
        epochs_per_repeat=epochs,
        max_param_diff_vs_numpy=_max_param_diff(runners, "numpy"),
    )
    return results


def workload_b(
    sizes: workloads.Sizes,
    frameworks: set[str],
    repeats: int | None,
    memory: bool,
) -> dict:
    n = sizes.b_samples
    data = workloads.data_b(n)
    m = sizes.b_warmup_samples
    warm_data = {**data, "X": data["X"][:m], "labels": data["labels"][:m], "T": data["T"][:m]}
    cases = _select(CASES_B, frameworks)
    n_params = workloads.n_parameters(workloads.B_LAYERS)
    out: dict = {
        "title": "B. 784-256-256-10 ReLU + softmax cross-entropy, Adam lr 1e-3, float32, "
        f"{n:,} synthetic samples, one epoch",
        "unit": "samples/s",
        "better": "higher",
        "samples": n,
        "n_parameters": n_params,
        "flops_per_sample": 6 * n_params,
        "batch_sizes": {},
    }
    largest = max(sizes.b_batch_sizes)
    probe_n = max(sizes.gemm_sizes)
    for b in sizes.b_batch_sizes:
        _log(f"  B: batch {b}")
        results, runners = run_interleaved(
            cases,
            make=lambda c: c.make(data, b),
            warm=lambda c: c.make(warm_data, b).run(),
            repeats=repeats or sizes.b_repeats,
            settle_s=sizes.settle_s,
            to_unit=lambda t: n / t,
            probe=gemm.Probe(probe_n) if b == largest else None,
        )
        del runners
        gc.collect()
        out["batch_sizes"][str(b)] = results
        skipped = results["skipped"]
    if memory:
        b = max(sizes.b_batch_sizes)
        out["memory"] = {"batch_size": b, "cases": {}}
        for case in cases:
            if case.id in skipped:
                continue
            _log(f"  B: memory of {case.id} (own process)")
            out["memory"]["cases"][case.id] = _memory_child(case.id, n, b)
    return out


def _gemm_fraction(B: dict, gemm_result: dict) -> None:
    """Achieved fraction of the GEMM peak at B's largest batch: samples/s × FLOPs/sample.

    ``gemm_fraction``: the median throughput against the run's peak (the fastest single
    product, at the start or the end of the run). ``gemm_fraction_paired``: in each round,
    the epoch's FLOP rate against the GEMM rate probed in that same round, then the median
    over rounds (see ``report.paired_ratio``).
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


def _memory_child(case_id: str, samples: int, batch_size: int) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.memory",
        case_id,
        "--samples",
        str(samples),
        "--batch-size",
        str(batch_size),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        return {"skipped": f"child failed ({proc.returncode}): {proc.stderr.strip()[-400:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def workload_c(sizes: workloads.Sizes, frameworks: set[str], repeats: int | None) -> dict:
    data = workloads.data_c(sizes.c_samples)
    iterations = sizes.c_iterations
    results, runners = run_interleaved(
        _select(CASES_C, frameworks),
        make=lambda c: c.make(data, iterations),
        warm=lambda c: c.make(data, iterations).run(),
        repeats=repeats or sizes.c_repeats,
        settle_s=sizes.settle_s,
        to_unit=lambda t: iterations / t,
    )
    results.update(
        title=f"C. Part 1 at {sizes.c_samples:,} samples: y = x*w, MSE, full-batch gradient "
        f"descent lr 0.9, float64, {iterations} iterations",
        unit="iterations/s",
        better="higher",
        samples=sizes.c_samples,
        iterations_per_repeat=iterations,
        max_param_diff_vs_numpy=_max_param_diff(runners, "numpy"),
    )
    return results


def _git_state() -> dict:
    """The commit measured, and whether the engine's sources differed from it."""

    def git(*cmd):
        proc = subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    status = git("status", "--porcelain", "--", "src")
    return {"git_commit": commit, "src_modified": bool(status) if status is not None else None}


def _import_available(frameworks: set[str]) -> None:
    """Import the libraries up front so that threadpoolctl sees their BLAS/OpenMP pools."""
    for name in ("sklearn", "torch"):
        if name in frameworks:
            try:
                importlib.import_module(name)
            except ImportError:
                pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark scratchnn against hand-written NumPy, scikit-learn and PyTorch.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes, few repeats: checks the code runs (no real numbers)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="directory for results.json and RESULTS.md "
        "(default: benchmarks/, or build/bench-quick with --quick)",
    )
    parser.add_argument("--workloads", default="A,B,C", help="comma-separated, default A,B,C")
    parser.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help=f"comma-separated subset of {','.join(FRAMEWORKS)}",
    )
    parser.add_argument("--repeats", type=int, default=None, help="override every repeat count")
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the per-framework peak-memory processes of B"
    )
    parser.add_argument("--note", default="", help="a remark printed at the top of RESULTS.md")
    args = parser.parse_args(argv)

    sizes = workloads.QUICK if args.quick else workloads.FULL
    out_dir = args.out or (ROOT / "build" / "bench-quick" if args.quick else ROOT / "benchmarks")
    chosen = {w.strip().upper() for w in args.workloads.split(",") if w.strip()}
    frameworks = {f.strip() for f in args.frameworks.split(",") if f.strip()}
    unknown = (chosen - {"A", "B", "C"}) | (frameworks - set(FRAMEWORKS))
    if unknown:
        parser.error(f"unknown workload or framework: {', '.join(sorted(unknown))}")
    frameworks.add("numpy")  # the baseline every ratio refers to

    _import_available(frameworks)
    started = _dt.datetime.now(_dt.timezone.utc)
    t_start = time.perf_counter()
    load_before = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    results: dict = {
        "meta": {
            "started_utc": started.isoformat(timespec="seconds"),
            "command": " ".join(
                ["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])]
            ),
            "quick": args.quick,
            "note": args.note,
            **_git_state(),
        },
        "machine": machine_info(),
        "workloads": {},
    }
    gemm_repeats = args.repeats or sizes.gemm_repeats
    _log("float32 GEMM peak (start of run)")
    results["gemm"] = gemm.measure(sizes.gemm_sizes, gemm_repeats)
    if "A" in chosen:
        _log("workload A")
        results["workloads"]["A"] = workload_a(sizes, frameworks, args.repeats)
    if "B" in chosen:
        _log("workload B")
        results["workloads"]["B"] = workload_b(sizes, frameworks, args.repeats, not args.no_memory)
    if "C" in chosen:
        _log("workload C")
        results["workloads"]["C"] = workload_c(sizes, frameworks, args.repeats)
    _log("float32 GEMM peak (end of run)")
    results["gemm"] = gemm.combine(results["gemm"], gemm.measure(sizes.gemm_sizes, gemm_repeats))
    if "B" in results["workloads"]:
        _gemm_fraction(results["workloads"]["B"], results["gemm"])
    results["meta"]["duration_s"] = round(time.perf_counter() - t_start, 1)
    results["meta"]["load_average_before"] = load_before
    results["meta"]["load_average_after"] = (
        list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    )
    results["targets"] = evaluate_targets(results)

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_markdown(results, out_dir / "RESULTS.md")
    _log(f"wrote {out_dir / 'results.json'} and {out_dir / 'RESULTS.md'}")
    return 0
