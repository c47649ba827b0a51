"""Scaling measurements for docs/scaling.md (issue 14): a sweep on 1 and 2 Dask workers, and
the training-step times behind the data-parallel cost model.

``python -m benchmarks.scaling_sweep`` (needs the ``[dask]`` extra) prints Markdown tables and
writes ``--out`` (JSON, default ``scaling_sweep.json``):

Sweep
    ``GridSearchCV`` over ``scratchnn.estimators.MLPClassifier`` on scikit-learn's digits
    (1797 samples / 16): learning rate (2) x width (3) x seed (2) = 12 candidates x 3 folds =
    36 fits, ``refit=False`` (a refit runs in the client, after the parallel part). Timed
    sequentially in this process (``n_jobs=1``, one BLAS thread) and through joblib's Dask
    backend on a ``LocalCluster`` of 1 and of 2 worker processes (1 thread and 1 BLAS thread
    each). The cluster's start and the workers' first import of scratchnn are timed apart
    (a warm-up task); then ``--repeats`` rounds, each running the three in a rotated order.
    The per-task overhead of the Dask backend is measured with no-op tasks through joblib.
Steps
    One ``scratchnn.TrainingStep`` (forward, backward, Adam update; float32, one BLAS thread)
    of the networks 64-20-20-10 (Part 5's, logistic), 64-100-10 (digits) and 784-256-256-10
    (ReLU) at batch sizes 4 ... 1024: the least of 5 timings of a block of steps.
Cost model
    Synchronous data-parallel training over ``N`` workers with a ring all-reduce of the float32
    gradients (``4 x parameters`` bytes): per step
    ``t_comm = 2 (N - 1) latency + 2 (N - 1) / N x 4 P / bandwidth``, and the step of the
    global batch ``B`` becomes ``t_step(B / N) + t_comm``. Bandwidths and latency are
    assumptions (``--latency-us``), not measurements.

The machine may be busy: the load average before and after is recorded with the CPU.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from .allreduce_model import (  # noqa: F401  (re-exported for the tests)
    BATCHES,
    _model_table,
    _steps_table,
    allreduce_seconds,
    cost_model,
    data_parallel_speedup,
    measure_steps,
    n_parameters,
    step_seconds,
)
from .common import cpu_summary, machine_info


# -- the sweep ------------------------------------------------------------------------------
def _sweep(quick: bool, n_jobs: int):
    from sklearn.model_selection import GridSearchCV

    from scratchnn.estimators import MLPClassifier

    if quick:
        grid = {"learning_rate_init": [0.003, 0.03], "hidden_layer_sizes": [(8,), (16,)]}
        est = MLPClassifier(batch_size=32, max_iter=5, random_state=0)
    else:
        grid = {
            "learning_rate_init": [0.001, 0.01],
            "hidden_layer_sizes": [(32,), (64,), (128,)],
            "random_state": [0, 1],
        }
        est = MLPClassifier(batch_size=32, max_iter=40, random_state=0)
    return GridSearchCV(est, grid, cv=3, n_jobs=n_jobs, refit=False)


def _digits(quick: bool):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    return (X[:300], y[:300]) if quick else (X, y)


def _timed_fit(search, X, y) -> tuple[float, object]:
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        search.fit(X, y)
        return time.perf_counter() - start, search


def _noop() -> None:
    return None


def _warm_worker() -> None:
    import scratchnn.estimators  # noqa: F401  (the first import on a worker takes seconds)


def _start_cluster(workers: int) -> dict:
    """A LocalCluster of ``workers`` processes (1 thread, 1 BLAS thread each), warmed up:
    its start and the workers' first import of scratchnn timed apart."""
    from distributed import Client, LocalCluster

    from scratchnn.scaling import one_blas_thread

    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.ERROR
    )
    client = Client(cluster, set_as_default=False)
    one_blas_thread(client)
    started = time.perf_counter() - start
    client.run(_warm_worker)
    return {
        "cluster": cluster,
        "client": client,
        "start_s": started,
        "first_import_s": time.perf_counter() - start - started,
    }


def _run_once(name: str, clusters: dict, quick: bool, X, y) -> tuple[float, object, int]:
    """Seconds of one sweep, the search, and the number of tasks the cluster ran: none for a
    cluster of one worker thread, where joblib (one job) runs the fits in this process."""
    import joblib
    from distributed import get_task_stream
    from threadpoolctl import threadpool_limits

    if name == "sequential":
        with threadpool_limits(limits=1):
            return (*_timed_fit(_sweep(quick, 1), X, y), 0)
    client = clusters[name]["client"]
    with get_task_stream(client) as stream:
        with joblib.parallel_config(backend="dask", client=client):
            seconds, search = _timed_fit(_sweep(quick, -1), X, y)
    return seconds, search, len(stream.data)


def _noop_task_s(client, n: int) -> float:
    import joblib

    with joblib.parallel_config(backend="dask", client=client):
        start = time.perf_counter()
        joblib.Parallel(n_jobs=-1, batch_size=1)(joblib.delayed(_noop)() for _ in range(n))
        return (time.perf_counter() - start) / n


def time_sweeps(quick: bool, repeats: int, n_noop: int) -> dict:
    """The sweep sequentially (this process, one BLAS thread) and on LocalClusters of 1 and 2
    workers, interleaved: each round runs the three in a rotated order, so that a busy moment
    of the machine falls on each in turn (both clusters stay up; idle workers cost next to
    nothing)."""
    X, y = _digits(quick)
    clusters: dict = {}
    try:
        for name, n in (("1 worker", 1), ("2 workers", 2)):
            clusters[name] = _start_cluster(n)
        names = ["sequential", *clusters]
        out: dict = {name: {"sweep_s": []} for name in names}
        scores = {}
        for r in range(repeats):
            for name in names[r % 3 :] + names[: r % 3]:
                seconds, search, tasks = _run_once(name, clusters, quick, X, y)
                out[name]["sweep_s"].append(seconds)
                out[name]["tasks_on_cluster"] = tasks
                scores[name] = search.cv_results_["mean_test_score"].tolist()
                if name == "sequential":
                    res = search.cv_results_
        for name, c in clusters.items():
            out[name].update(start_s=c["start_s"], first_import_s=c["first_import_s"])
            out[name]["noop_task_s"] = _noop_task_s(c["client"], n_noop)
    finally:
        for c in clusters.values():
            c["client"].close()
            c["cluster"].close()
    for name in names:
        out[name]["sweep_median_s"] = statistics.median(out[name]["sweep_s"])
    out["sequential"].update(
        fits=len(res["params"]) * 3,
        mean_fit_s=float(res["mean_fit_time"].mean()),
        slowest_candidate_fit_s=float(res["mean_fit_time"].max()),
    )
    out["scores_equal"] = all(v == scores["sequential"] for v in scores.values())
    return out


def projected_sweep_s(fits: int, fit_s: float, slowest_s: float, task_s: float, n: int) -> float:
    """Amdahl-style projection of the sweep on ``n`` workers (start and imports apart): the
    fits shared out (never less than the slowest), plus the scheduling cost of every task,
    which the client and scheduler pay one after the other."""
    return max(slowest_s, np.ceil(fits / n) * fit_s) + fits * task_s


# -- report ---------------------------------------------------------------------------------
def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def _paired(a: list[float], b: list[float]) -> float:
    """The median over rounds of ``a / b`` within a round."""
    return statistics.median(x / y for x, y in zip(a, b))


def _sweep_table(sw: dict) -> list[str]:
    seq, one = sw["sequential"], sw["1 worker"]
    lines = [
        "| run | cluster start (s) | workers' first import (s) | sweep: min / median / max (s) "
        "| speed-up vs 1 worker: by min / paired median | tasks on the cluster |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in ("sequential", "1 worker", "2 workers"):
        e = sw[name]
        s = e["sweep_s"]
        start = f"{e['start_s']:.1f}" if "start_s" in e else "-"
        imp = f"{e['first_import_s']:.1f}" if "first_import_s" in e else "-"
        speed = f"{min(one['sweep_s']) / min(s):.2f} / {_paired(one['sweep_s'], s):.2f}"
        lines.append(
            f"| {name} | {start} | {imp} | {min(s):.2f} / {e['sweep_median_s']:.2f} / "
            f"{max(s):.2f} | {speed} | {e['tasks_on_cluster']} |"
        )
    per_fit = (min(one["sweep_s"]) - min(seq["sweep_s"])) / seq["fits"]
    lines += [
        "",
        f"{seq['fits']} fits in {len(seq['sweep_s'])} rounds; a fit takes {seq['mean_fit_s']:.2f} s "
        f"on average (the slowest candidate {seq['slowest_candidate_fit_s']:.2f} s, mean over "
        f"its folds); overhead per fit of 1 worker against sequential (by min): "
        f"{per_fit * 1e3:.0f} ms; a no-op task through joblib's Dask backend: "
        f"{one['noop_task_s'] * 1e3:.1f} ms (1 worker), "
        f"{sw['2 workers']['noop_task_s'] * 1e3:.1f} ms (2 workers). "
        f"Scores equal in every run: {sw['scores_equal']}.",
    ]
    return lines


def _projection_table(sw: dict) -> list[str]:
    seq = sw["sequential"]
    task = sw["2 workers"]["noop_task_s"]
    fit, slowest = seq["mean_fit_s"], seq["slowest_candidate_fit_s"]
    base = projected_sweep_s(seq["fits"], fit, slowest, task, 1)
    lines = ["| workers | projected sweep (s) | speed-up |", "|---:|---:|---:|"]
    for n in sorted({n for n in (1, 2, 4, 8, 16, seq["fits"]) if n <= seq["fits"]}):
        t = projected_sweep_s(seq["fits"], fit, slowest, task, n)
        lines.append(f"| {n} | {t:.2f} | {base / t:.1f} |")
    return lines


def markdown(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"CPU: {cpu_summary(m)}; {m['logical_cpus']} logical CPUs; load average before "
        f"{r['load_before']}, after {r['load_after']}.",
        f"Command: `{r['command']}`.",
        "",
    ]
    if "sweep" in r:
        lines += _sweep_table(r["sweep"]) + ["", "Projection:", ""]
        lines += _projection_table(r["sweep"]) + [""]
    lines += ["Training step (min over repeats):", ""] + _steps_table(r["steps"]) + [""]
    lines += [f"Assumed all-reduce latency per message: {r['latency_us']:.0f} µs.", ""]
    lines += _model_table(r["cost_model"])
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.scaling_sweep", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    p.add_argument("--repeats", type=int, default=3, help="rounds of the sweep (default 3)")
    p.add_argument("--no-sweep", action="store_true", help="only the step times and the model")
    p.add_argument("--latency-us", type=float, default=50.0, help="assumed latency (µs)")
    p.add_argument("--out", type=Path, default=Path("scaling_sweep.json"), help="JSON results")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.repeats < 1 or args.latency_us < 0:
        _parser().error("--repeats must be at least 1 and --latency-us not negative")
    import scratchnn.estimators  # noqa: F401  (so that machine_info sees every BLAS library)

    r: dict = {
        "command": " ".join(["python -m benchmarks.scaling_sweep", *(argv or sys.argv[1:])]),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "latency_us": args.latency_us,
    }
    r["machine"] = machine_info()
    if not args.no_sweep:
        r["sweep"] = time_sweeps(args.quick, args.repeats, 50 if args.quick else 300)
    batches = (4, 8, 32) if args.quick else BATCHES
    r["steps"] = measure_steps(5, batches, 0.002 if args.quick else 0.02)
    r["cost_model"] = cost_model(r["steps"], args.latency_us * 1e-6)
    r["load_after"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps(r, indent=1, default=str))
    print(markdown(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
