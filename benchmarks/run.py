"""The harness: run workloads A, B, C and D, interleaved, and write results.json and
RESULTS.md."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import gemm, workloads
from .cases import CASES_A, CASES_C
from .common import machine_info
from .estimators import workload_d
from .harness import log, max_param_diff, run_interleaved, select
from .report import write_markdown
from .targets import evaluate_targets
from .workload_b import gemm_fraction, workload_b

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("numpy", "scratchnn", "sklearn", "torch")
WORKLOADS = ("A", "B", "C", "D")


def workload_a(sizes: workloads.Sizes, frameworks: set[str], repeats: int | None) -> dict:
    data = workloads.data_a()
    epochs = sizes.a_epochs_per_repeat
    results, runners = run_interleaved(
        select(CASES_A, frameworks),
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
        max_param_diff_vs_numpy=max_param_diff(runners, "numpy"),
    )
    return results


def workload_c(sizes: workloads.Sizes, frameworks: set[str], repeats: int | None) -> dict:
    data = workloads.data_c(sizes.c_samples)
    iterations = sizes.c_iterations
    results, runners = run_interleaved(
        select(CASES_C, frameworks),
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
        max_param_diff_vs_numpy=max_param_diff(runners, "numpy"),
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


def _parser() -> argparse.ArgumentParser:
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
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help="comma-separated, default A,B,C,D"
    )
    parser.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help=f"comma-separated subset of {','.join(FRAMEWORKS)}",
    )
    parser.add_argument("--repeats", type=int, default=None, help="override every repeat count")
    parser.add_argument(
        "--b-samples",
        type=int,
        default=None,
        help="samples of B's data sets (one epoch = one pass over them; default 60,000)",
    )
    parser.add_argument(
        "--b-batch-sizes",
        default=None,
        help="B's batch sizes, comma-separated (default 32,128,1024)",
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the per-framework peak-memory processes of B"
    )
    parser.add_argument("--note", default="", help="a remark printed at the top of RESULTS.md")
    return parser


def _sizes(args, parser) -> workloads.Sizes:
    sizes = workloads.QUICK if args.quick else workloads.FULL
    changes: dict = {}
    if args.b_samples is not None:
        if args.b_samples < 2:
            parser.error("--b-samples must be at least 2")
        changes["b_samples"] = args.b_samples
    if args.b_batch_sizes:
        try:
            batch_sizes = tuple(int(b) for b in args.b_batch_sizes.split(",") if b.strip())
        except ValueError:
            parser.error(f"--b-batch-sizes must be integers, got {args.b_batch_sizes!r}")
        if not batch_sizes or min(batch_sizes) < 1:
            parser.error("--b-batch-sizes must be positive")
        changes["b_batch_sizes"] = batch_sizes
    return dataclasses.replace(sizes, **changes) if changes else sizes


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    sizes = _sizes(args, parser)
    out_dir = args.out or (ROOT / "build" / "bench-quick" if args.quick else ROOT / "benchmarks")
    chosen = {w.strip().upper() for w in args.workloads.split(",") if w.strip()}
    frameworks = {f.strip() for f in args.frameworks.split(",") if f.strip()}
    unknown = (chosen - set(WORKLOADS)) | (frameworks - set(FRAMEWORKS))
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
            "sizes": dataclasses.asdict(sizes),
            **_git_state(),
        },
        "machine": machine_info(),
        "workloads": {},
    }
    gemm_repeats = args.repeats or sizes.gemm_repeats
    log("float32 GEMM peak (start of run)")
    results["gemm"] = gemm.measure(sizes.gemm_sizes, gemm_repeats)
    w = results["workloads"]
    if "A" in chosen:
        log("workload A")
        w["A"] = workload_a(sizes, frameworks, args.repeats)
    if "B" in chosen:
        log("workload B")
        w["B"] = workload_b(sizes, frameworks, args.repeats, not args.no_memory)
    if "C" in chosen:
        log("workload C")
        w["C"] = workload_c(sizes, frameworks, args.repeats)
    if "D" in chosen:
        log("workload D")
        w["D"] = workload_d(sizes, frameworks, args.repeats)
    log("float32 GEMM peak (end of run)")
    results["gemm"] = gemm.combine(results["gemm"], gemm.measure(sizes.gemm_sizes, gemm_repeats))
    if "B" in w:
        gemm_fraction(w["B"], results["gemm"])
    results["meta"]["duration_s"] = round(time.perf_counter() - t_start, 1)
    results["meta"]["load_average_before"] = load_before
    results["meta"]["load_average_after"] = (
        list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    )
    results["targets"] = evaluate_targets(results)

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    write_markdown(results, out_dir / "RESULTS.md")
    log(f"wrote {out_dir / 'results.json'} and {out_dir / 'RESULTS.md'}")
    return 0
