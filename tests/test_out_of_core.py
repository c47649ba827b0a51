"""Training on data larger than memory: :func:`scratchnn.scaling.partial_fit_chunks`.

The helper must give exactly what ``partial_fit`` called by hand on the same chunks, in the
same order, gives; read one chunk at a time from a Dask array, a memory map or a Zarr array;
and stream a dataset several times larger than the memory a child process is allowed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.scaling import partial_fit_chunks, row_chunks
from scratchnn.scaling.stream import DEFAULT_CHUNK_BYTES

da = pytest.importorskip("dask.array")
zarr = pytest.importorskip("zarr")

ROOT = Path(__file__).resolve().parents[1]
CLASSES = [0, 1, 2]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(14)
    X = rng.standard_normal((3000, 10)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0.5)
    return X, y


def _classifier():
    return MLPClassifier((8,), batch_size=100, random_state=0)


def _by_hand(estimator, X, y, bounds, **kwargs):
    """The expectation: ``partial_fit`` on in-memory slices, in the order of ``bounds``."""
    for start, stop in bounds:
        estimator.partial_fit(X[start:stop], y[start:stop], **kwargs)
    return estimator


def _assert_same_fit(got, expected):
    assert got.loss_curve_ == expected.loss_curve_
    for a, b in zip(got.coefs_ + got.intercepts_, expected.coefs_ + expected.intercepts_):
        assert_array_equal(a, b)


def test_dask_array_streams_its_own_chunks(data):
    X, y = data
    dX = da.from_array(X, chunks=(1000, 10))
    dy = da.from_array(y, chunks=500)  # y's chunking does not matter: sliced at X's rows
    got = partial_fit_chunks(_classifier(), dX, dy, classes=CLASSES)
    bounds = [(0, 1000), (1000, 2000), (2000, 3000)]
    _assert_same_fit(got, _by_hand(_classifier(), X, y, bounds, classes=CLASSES))


def test_dask_array_with_uneven_chunks(data):
    X, y = data
    dX = da.from_array(X, chunks=((1200, 300, 1500), (10,)))
    assert row_chunks(dX) == [(0, 1200), (1200, 1500), (1500, 3000)]
    got = partial_fit_chunks(_classifier(), dX, y, classes=CLASSES, epochs=2)
    bounds = [(0, 1200), (1200, 1500), (1500, 3000)] * 2
    _assert_same_fit(got, _by_hand(_classifier(), X, y, bounds, classes=CLASSES))


def test_memory_map_with_chunk_rows(data, tmp_path):
    X, y = data
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    mX = np.load(tmp_path / "X.npy", mmap_mode="r")
    my = np.load(tmp_path / "y.npy", mmap_mode="r")
    got = partial_fit_chunks(_classifier(), mX, my, classes=CLASSES, chunk_rows=700)
    bounds = [(0, 700), (700, 1400), (1400, 2100), (2100, 2800), (2800, 3000)]
    _assert_same_fit(got, _by_hand(_classifier(), X, y, bounds, classes=CLASSES))


def test_zarr_array_streams_its_row_chunks(data, tmp_path):
    X, y = data
    zX = zarr.open_array(
        tmp_path / "X.zarr", mode="w", shape=X.shape, chunks=(800, 10), dtype=X.dtype
    )
    zX[:] = X
    got = partial_fit_chunks(_classifier(), zX, y, classes=CLASSES)
    bounds = [(0, 800), (800, 1600), (1600, 2400), (2400, 3000)]
    _assert_same_fit(got, _by_hand(_classifier(), X, y, bounds, classes=CLASSES))


def test_regressor_from_zarr_through_dask_with_sample_weight(data, tmp_path):
    X, _ = data
    t = (X[:, :2] @ np.array([[1.0, -2.0], [0.5, 1.0]], dtype=np.float32)).astype(np.float32)
    w = np.linspace(0.5, 2.0, len(X))
    zt = zarr.open_array(
        tmp_path / "t.zarr", mode="w", shape=t.shape, chunks=(600, 2), dtype=t.dtype
    )
    zt[:] = t
    dX = da.from_array(X, chunks=(600, 10))
    dt = da.from_zarr(str(tmp_path / "t.zarr"))

    def make():
        return MLPRegressor((8,), batch_size=100, random_state=1)

    got = partial_fit_chunks(make(), dX, dt, sample_weight=da.from_array(w, chunks=1000))
    expected = make()
    for start in range(0, 3000, 600):
        stop = start + 600
        expected.partial_fit(X[start:stop], t[start:stop], sample_weight=w[start:stop])
    _assert_same_fit(got, expected)


def test_shuffled_chunk_order_is_seeded_and_replayable(data):
    X, y = data
    seen: list[list[tuple[int, int]]] = [[], []]

    def run(k):
        return partial_fit_chunks(
            _classifier(),
            X,
            y,
            classes=CLASSES,
            chunk_rows=500,
            epochs=3,
            shuffle_chunks=True,
            rng=5,
            on_chunk=lambda epoch, a, b: seen[k].append((a, b)),
        )

    first, second = run(0), run(1)
    assert seen[0] == seen[1]  # the same seed, the same order
    all_chunks = [(a, a + 500) for a in range(0, 3000, 500)]
    epochs = [seen[0][i : i + 6] for i in range(0, 18, 6)]
    assert all(sorted(e) == all_chunks for e in epochs)  # every epoch: each chunk once
    assert any(e != all_chunks for e in epochs)  # ... not all in storage order
    _assert_same_fit(first, second)
    _assert_same_fit(first, _by_hand(_classifier(), X, y, seen[0], classes=CLASSES))


class _Spy:
    """An on-disk array stand-in: records every row range read from it."""

    def __init__(self, array):
        self.array, self.reads = array, []
        self.shape, self.dtype, self.ndim = array.shape, array.dtype, array.ndim

    def __getitem__(self, key):
        rows = key[0] if isinstance(key, tuple) else key
        self.reads.append((rows.start or 0, rows.stop))
        return self.array[key]


def test_memory_is_one_chunk_at_a_time(data):
    X, y = data
    spy_X, spy_y = _Spy(X), _Spy(y)
    partial_fit_chunks(_classifier(), spy_X, spy_y, classes=CLASSES, chunk_rows=1000, epochs=2)
    expected = [(0, 1000), (1000, 2000), (2000, 3000)] * 2
    assert spy_X.reads == expected and spy_y.reads == expected


def test_dask_graph_is_never_computed_whole(data):
    X, y = data
    spy = _Spy(X)
    dX = da.from_array(spy, chunks=(750, 10), asarray=True, lock=False)
    partial_fit_chunks(_classifier(), dX, y, classes=CLASSES)
    reads = [r for r in spy.reads if r[1] > r[0]]  # dask takes an empty slice for its meta
    assert sorted(reads) == [(0, 750), (750, 1500), (1500, 2250), (2250, 3000)]


def test_default_chunk_of_an_array_without_chunks_is_a_byte_budget():
    row_bytes = 4096 * 8  # float64 rows of 4096 features
    per_chunk = DEFAULT_CHUNK_BYTES // row_bytes
    n = 2 * per_chunk + 7
    X = np.broadcast_to(np.zeros(4096), (n, 4096))  # no memory behind it
    assert row_chunks(X) == [(0, per_chunk), (per_chunk, 2 * per_chunk), (2 * per_chunk, n)]


@pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning")  # chunks below batch_size
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 60), chunk_rows=st.integers(1, 70))
def test_any_chunking_of_an_ndarray_equals_the_loop_by_hand(n, chunk_rows):
    rng = np.random.default_rng(n)
    X = rng.standard_normal((n, 3))
    t = X @ np.array([1.0, -1.0, 0.5])

    def make():
        return MLPRegressor((4,), batch_size=16, random_state=0)

    got = partial_fit_chunks(make(), X, t, chunk_rows=chunk_rows)
    bounds = [(a, min(a + chunk_rows, n)) for a in range(0, n, chunk_rows)]
    assert len(got.loss_curve_) == len(bounds)
    _assert_same_fit(got, _by_hand(make(), X, t, bounds))


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"y": np.zeros(5)}, ValueError, "X has 3000 rows but y has 5"),
        ({"sample_weight": np.ones(2)}, ValueError, "sample_weight has 2"),
        ({"chunk_rows": 0}, ValueError, "chunk_rows must be an integer >= 1, got 0"),
        ({"chunk_rows": 2.5}, TypeError, "chunk_rows must be an integer, got 2.5"),
        ({"chunk_rows": True}, TypeError, "chunk_rows must be an integer, got True"),
        ({"epochs": 0}, ValueError, "epochs must be an integer >= 1, got 0"),
        ({"classes": None}, ValueError, "classes is required for an unfitted classifier"),
        ({"X": [[1.0, 2.0]]}, TypeError, "X must be an array with a shape"),
        ({"X": np.zeros((0, 10)), "y": np.zeros(0)}, ValueError, "X has 0 rows"),
        ({"estimator": MLPClassifier(solver="lbfgs")}, TypeError, "partial_fit method"),
        ({"estimator": MLPRegressor()}, ValueError, "classes is for classifiers"),
    ],
)
def test_bad_input_is_named(data, kwargs, error, words):
    X, y = data
    args = {"estimator": _classifier(), "X": X, "y": y, "classes": CLASSES, **kwargs}
    with pytest.raises(error, match=words.replace("(", r"\(")):
        partial_fit_chunks(args.pop("estimator"), args.pop("X"), args.pop("y"), **args)


def test_a_fitted_classifier_needs_no_classes(data):
    X, y = data
    fitted = _classifier().partial_fit(X[:100], y[:100], classes=CLASSES)
    got = partial_fit_chunks(fitted, X, y, chunk_rows=1500)
    expected = _classifier().partial_fit(X[:100], y[:100], classes=CLASSES)
    _assert_same_fit(got, _by_hand(expected, X, y, [(0, 1500), (1500, 3000)]))


# -- a dataset larger than the memory the process is allowed --------------------------------

#: The child: opens the Zarr store as Dask arrays, warms up (imports, first chunk), then
#: limits its own address space to what it uses plus ``allowance`` bytes and streams.
_CHILD = """
import json, resource, sys
import numpy as np
import dask
import dask.array as da
from scratchnn.estimators import MLPClassifier
from scratchnn.scaling import partial_fit_chunks

def status():
    with open("/proc/self/status") as f:
        rows = dict(line.split(":", 1) for line in f)
    return {k: int(rows[k].split()[0]) * 1024 for k in ("VmSize", "VmRSS", "VmHWM")}

store, out, allowance = sys.argv[1], sys.argv[2], int(sys.argv[3])
dask.config.set(scheduler="synchronous")  # no worker threads: a steady address space
X, y = da.from_zarr(store + "/X.zarr"), da.from_zarr(store + "/y.zarr")
c = X.chunks[0][0]
make = lambda: MLPClassifier((16,), batch_size=1000, random_state=0)
partial_fit_chunks(make(), X[:c], y[:c], classes=[0, 1, 2])  # warm-up, thrown away
base = status()
hard = resource.getrlimit(resource.RLIMIT_AS)[1]
resource.setrlimit(resource.RLIMIT_AS, (base["VmSize"] + allowance, hard))
estimator = partial_fit_chunks(make(), X, y, classes=[0, 1, 2])
after = status()
try:
    np.asarray(X)
    whole = "loaded"
except MemoryError:
    whole = "MemoryError"
np.savez(out, *estimator.coefs_, *estimator.intercepts_)
print(json.dumps({"base": base, "after": after, "whole": whole}))
"""


def _write_dataset(store, n, n_features, chunk, reference):
    """Write ``X`` (float32) and ``y`` chunk by chunk (the parent never holds more than one)
    and train ``reference`` in memory on each chunk as it is written."""
    shape, chunks = (n, n_features), (chunk, n_features)
    zX = zarr.open_array(store / "X.zarr", mode="w", shape=shape, chunks=chunks, dtype="f4")
    zy = zarr.open_array(store / "y.zarr", mode="w", shape=(n,), chunks=(chunk,), dtype="i8")
    for i, start in enumerate(range(0, n, chunk)):
        x = np.random.default_rng([14, i]).standard_normal((chunk, n_features), dtype=np.float32)
        t = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0.5)
        zX[start : start + chunk], zy[start : start + chunk] = x, t
        reference.partial_fit(x, t, classes=[0, 1, 2])


@pytest.mark.slow  # a child process under a memory limit streams a larger dataset
def test_streams_a_dataset_larger_than_the_memory_allowed(tmp_path):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not Path("/proc/self/status").exists():
        pytest.skip("reads /proc/self/status (Linux)")
    n, n_features, chunk = 1_200_000, 64, 20_000
    dataset = n * n_features * 4  # 307 MB (293 MiB) of float32
    allowance = 48 * 2**20  # the child may grow by a sixth of that
    store = tmp_path / "data.zarr"
    reference = MLPClassifier((16,), batch_size=1000, random_state=0)
    try:
        with threadpoolctl.threadpool_limits(1):  # as the child: one BLAS thread
            _write_dataset(store, n, n_features, chunk, reference)
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        env["MALLOC_ARENA_MAX"] = "2"  # glibc reserves 64 MB of address space per arena
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
        out = tmp_path / "coefs.npz"
        args = [sys.executable, "-c", _CHILD, str(store), str(out), str(allowance)]
        proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=180)
        assert proc.returncode == 0, proc.stderr[-3000:]
        report = json.loads(proc.stdout)
        assert report["whole"] == "MemoryError"  # the dataset does not fit in the child...
        grown = report["after"]["VmHWM"] - report["base"]["VmRSS"]
        assert grown < dataset / 4, report
        with np.load(out) as saved:
            got = [saved[f"arr_{i}"] for i in range(len(saved.files))]
        for a, b in zip(got, reference.coefs_ + reference.intercepts_, strict=True):
            assert_array_equal(a, b)
    finally:
        import shutil

        shutil.rmtree(store, ignore_errors=True)


# -- examples/out_of_core.py ------------------------------------------------------------------


def _example(*args, cwd):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    command = [sys.executable, str(ROOT / "examples" / "out_of_core.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def _load_example():
    spec = importlib.util.spec_from_file_location(
        "out_of_core", ROOT / "examples" / "out_of_core.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _without_times(lines):
    return [line.split(" (")[0] for line in lines]


@pytest.mark.slow  # the example script on Dask
def test_example_runs_quick_on_dask_and_reuses_its_data(tmp_path, capsys):
    data_dir = tmp_path / "d"
    first = _example("--quick", "--format", "dask", "--dir", str(data_dir), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0].startswith("wrote ") and "20000 rows × 32 features" in lines[0]
    losses = [float(line.split()[3]) for line in lines if line.startswith("epoch ")]
    assert len(losses) == 2 and losses[1] < losses[0]  # --quick: two epochs, learning
    accuracy = float(lines[-1].rsplit(" ", 1)[1])
    assert lines[-1].startswith("held-out accuracy") and accuracy > 0.5  # 3 classes: chance 1/3
    assert (data_dir / "classify_X.zarr").is_dir()
    # run again (in this process): the data on disk is reused, and the run is the same
    assert _load_example().main(["--quick", "--format", "dask", "--dir", str(data_dir)]) == 0
    again = capsys.readouterr().out.splitlines()
    assert again[0].startswith("reusing ")
    assert _without_times(again[1:]) == _without_times(lines[1:])


def test_example_bad_input_is_one_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        _load_example().main(["--epochs", "0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == "out_of_core.py: error: --epochs must be a positive integer\n"


def test_benchmark_runs_quick(tmp_path):
    from benchmarks import scaling_stream

    assert (
        scaling_stream.main(["--quick", "--chunks", "2", "--json", str(tmp_path / "s.json")]) == 0
    )
    rows = json.loads((tmp_path / "s.json").read_text())["rows"]
    assert {(r["features"], r["chunk_rows"]) for r in rows} == set(scaling_stream.QUICK)
    assert {r["source"] for r in rows} == set(scaling_stream.SOURCES)
    assert all(r["step_ms"] > 0 and r["ratio"] > 0 for r in rows)
    assert [r["ratio"] for r in rows if r["source"] == "ndarray"] == [1.0, 1.0]
