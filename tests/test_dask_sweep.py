"""Sweeps on a Dask cluster: GridSearchCV / RandomizedSearchCV over scratchnn's estimators
through joblib's Dask backend give the sequential sweep's results exactly, on workers limited
to one BLAS thread each (:mod:`scratchnn.scaling.workers`).

One ``LocalCluster`` (2 worker processes, 1 thread each) serves the module; its fixture
closes it and checks that it is closed and its worker processes gone.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")
threadpoolctl = pytest.importorskip("threadpoolctl")

import dask  # noqa: E402
from distributed import Client, LocalCluster, get_task_stream  # noqa: E402
from distributed.core import Status  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV  # noqa: E402

from scratchnn.estimators import MLPClassifier  # noqa: E402
from scratchnn.scaling import blas_threads, limit_blas_threads, one_blas_thread  # noqa: E402

# slow: a local Dask cluster (scheduler and worker processes)
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _env() -> dict[str, str]:
    """This environment with the worktree's ``src`` first on the path (worker processes and
    subprocesses import the scratchnn under test)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def _run_example(*args: str, timeout: float) -> subprocess.CompletedProcess:
    """Run ``examples/sweep_dask.py args`` from the repository root."""
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / "sweep_dask.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_env(),
        cwd=ROOT,
    )


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes with 1 thread each, closed at the end.

    distributed's nanny gives the workers it spawns one BLAS thread by default
    (``distributed.nanny.pre-spawn-environ``); that default is emptied here so that the
    workers start with the libraries' own thread counts and the test sees what
    :func:`one_blas_thread` changes. The workers are spawned with this process's ``sys.path``
    (multiprocessing's spawn), so they import the scratchnn under test.
    """
    with dask.config.set({"distributed.nanny.pre-spawn-environ": {}}):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
    client = Client(cluster)
    pids = set(client.run(os.getpid).values())
    try:
        yield cluster, client
    finally:
        pids |= set(client.run(os.getpid).values())
        client.close()
        cluster.close()
    assert client.status == "closed"
    assert cluster.status == Status.closed
    assert all(_gone(pid) for pid in pids), "worker processes still running after close"


def _scratchnn_file() -> str:
    import scratchnn

    return scratchnn.__file__


def test_workers_are_other_processes_with_this_scratchnn(cluster):
    _, client = cluster
    pids = client.run(os.getpid)
    assert len(pids) == 2
    assert len(set(pids.values())) == 2
    assert os.getpid() not in pids.values()
    assert set(client.run(_scratchnn_file).values()) == {_scratchnn_file()}


def test_one_blas_thread_limits_every_worker_present_and_future(cluster):
    local_cluster, client = cluster
    before = blas_threads(client)
    assert len(before) == 2 and all(before.values())
    if (os.cpu_count() or 1) > 1 and "OPENBLAS_NUM_THREADS" not in os.environ:
        # without the plugin, OpenBLAS starts one thread per core
        assert any(n > 1 for counts in before.values() for n in counts.values())
    after = one_blas_thread(client)
    assert set(after) == set(before)
    assert all(n == 1 for counts in after.values() for n in counts.values()), after
    # a task runs in the worker's executor thread: it sees the limit too
    from scratchnn.scaling.workers import thread_counts

    in_task = client.submit(thread_counts, pure=False).result()
    assert in_task and set(in_task.values()) == {1}
    # a worker that joins later gets the plugin
    local_cluster.scale(3)
    client.wait_for_workers(3, timeout=60)
    counts = blas_threads(client)
    assert len(counts) == 3
    assert all(n == 1 for c in counts.values() for n in c.values()), counts
    local_cluster.scale(2)
    deadline = time.monotonic() + 30
    while len(client.scheduler_info()["workers"]) > 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(client.scheduler_info()["workers"]) == 2


@pytest.mark.parametrize(
    "threads, error",
    [(0, ValueError), (-1, ValueError), (1.0, TypeError), (True, TypeError), ("1", TypeError)],
)
def test_bad_thread_counts_are_refused(threads, error):
    with pytest.raises(error, match="^threads must be an integer"):
        limit_blas_threads(threads)


def _digits():
    X, y = load_digits(return_X_y=True)
    return X[:360] / 16.0, y[:360]


ESTIMATOR = dict(hidden_layer_sizes=(8,), batch_size=32, max_iter=15, random_state=0)
GRID = {"learning_rate_init": [0.003, 0.03], "hidden_layer_sizes": [(8,), (16,)]}


def _search(kind: str, n_jobs: int):
    if kind == "grid":
        return GridSearchCV(MLPClassifier(**ESTIMATOR), GRID, cv=3, n_jobs=n_jobs)
    space = {**GRID, "alpha": [1e-5, 1e-4, 1e-3]}
    return RandomizedSearchCV(
        MLPClassifier(**ESTIMATOR), space, n_iter=4, cv=3, n_jobs=n_jobs, random_state=7
    )


@pytest.mark.parametrize("kind", ["grid", "randomized"])
def test_dask_sweep_equals_the_sequential_sweep(cluster, kind):
    _, client = cluster
    one_blas_thread(client)
    X, y = _digits()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 15 epochs: on purpose
        # the sequential sweep with as many BLAS threads as a worker, for the same rounding
        with threadpoolctl.threadpool_limits(limits=1):
            sequential = _search(kind, n_jobs=1).fit(X, y)
        with get_task_stream(client) as stream, joblib.parallel_config(backend="dask"):
            on_dask = _search(kind, n_jobs=-1).fit(X, y)
    n_fits = 4 * 3
    # the workers, not this process, ran the fits: tasks on both workers
    workers = {task["worker"] for task in stream.data}
    assert workers == set(client.scheduler_info()["workers"]), workers
    assert len(stream.data) >= 2
    seq, par = sequential.cv_results_, on_dask.cv_results_
    assert len(seq["params"]) == 4
    assert par["params"] == seq["params"]
    for key in ["mean_test_score", "std_test_score", "rank_test_score"] + [
        f"split{i}_test_score" for i in range(3)
    ]:
        np.testing.assert_array_equal(par[key], seq[key], err_msg=key)
    assert np.isfinite(seq["mean_test_score"]).all()
    assert on_dask.best_params_ == sequential.best_params_
    assert on_dask.best_index_ == sequential.best_index_
    assert on_dask.best_score_ == sequential.best_score_
    assert on_dask.best_score_ > 0.2  # ten classes: chance is 0.1
    for a, b in zip(on_dask.best_estimator_.coefs_, sequential.best_estimator_.coefs_):
        np.testing.assert_array_equal(a, b)
    assert sum(seq[f"split{i}_test_score"].size for i in range(3)) == n_fits


def test_example_runs_a_quick_sweep_on_a_running_scheduler(cluster):
    """The example pointed at a running cluster (``--scheduler``), as at a real one: this
    module's, whose workers have scratchnn imported already (a fresh LocalCluster would add
    its start and the workers' imports, about 10 s here)."""
    local_cluster, _ = cluster
    address = local_cluster.scheduler_address
    proc = _run_example("--quick", "--scheduler", address, timeout=240)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "workers: 2 (BLAS/OpenMP threads per worker: [1])" in out
    assert "candidates: 4, fits: 12" in out
    best = out.split("best parameters:")[1].splitlines()[0]
    assert "learning_rate_init" in best and "hidden_layer_sizes" in best
    accuracy = float(out.split("best cross-validated accuracy:")[1].split()[0])
    assert 0.1 < accuracy <= 1.0
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args, what",
    [
        (["--workers", "0"], "--workers"),
        (["--cv", "1"], "--cv"),
        (["--scheduler", "tcp://127.0.0.1:1", "--timeout", "1"], "tcp://127.0.0.1:1"),
    ],
)
def test_example_bad_arguments_are_one_line_and_exit_2(args, what):
    proc = _run_example(*args, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert what in lines[0] and "error" in lines[0]


# -- the benchmark's cost model (benchmarks/scaling_sweep.py), checked by hand -------------
def _bench():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks import scaling_sweep

    return scaling_sweep


def test_parameter_counts_of_the_timed_networks():
    b = _bench()
    assert b.n_parameters((64, 20, 20, 10)) == 1300 + 420 + 210
    assert b.n_parameters((784, 256, 256, 10)) == 200_960 + 65_792 + 2_570


def test_ring_allreduce_and_speedup_model():
    b = _bench()
    # 2 workers: 2 messages of half the bytes each
    assert b.allreduce_seconds(1e6, 2, bandwidth=1e6, latency=1e-3) == pytest.approx(1.002)
    # 4 workers: 6 messages of a quarter each
    assert b.allreduce_seconds(4e6, 4, bandwidth=1e6, latency=0.0) == pytest.approx(6.0)
    assert b.allreduce_seconds(1e6, 1, bandwidth=1e6, latency=1.0) == 0.0
    assert b.data_parallel_speedup(4.0, 1.0, 1.0) == pytest.approx(2.0)
    # the sweep: the slowest fit bounds it, and every task pays the scheduling cost
    assert b.projected_sweep_s(10, 1.0, 3.0, 0.01, 10) == pytest.approx(3.1)
    assert b.projected_sweep_s(10, 1.0, 3.0, 0.01, 2) == pytest.approx(5.1)
    assert b.projected_sweep_s(10, 1.0, 1.0, 0.0, 3) == pytest.approx(4.0)  # ceil(10 / 3)


def test_step_time_is_measured():
    b = _bench()
    assert 0 < b.step_seconds((4, 3, 2), "relu", 4, repeats=1, min_block_s=0.0) < 1.0
