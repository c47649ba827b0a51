"""The per-chunk cost of out-of-core training against in-memory.

``python -m benchmarks.scaling_stream`` writes a synthetic float32 dataset of a few chunks
to a temporary directory, as a ``.npy`` file and as a Zarr array (its default codec), then
streams :func:`scratchnn.scaling.partial_fit_chunks` over the same chunks from

* ``ndarray``: the whole dataset loaded in memory (the baseline),
* ``memmap warm`` / ``memmap cold``: ``np.load(mmap_mode="r")``, with the file in the page
  cache, or dropped from it before every pass (``posix_fadvise(POSIX_FADV_DONTNEED)``),
* ``zarr warm`` / ``zarr cold``: the Zarr array read directly (decompressing every chunk),
* ``dask (zarr)``: ``dask.array.from_zarr`` (the default threaded scheduler),

and reports, per chunk, the time to read it (``np.array(X[a:b])``, a copy: a memory map's
pages are read then) and the time of the
training step (read + one ``partial_fit`` pass of an ``MLPClassifier((64,))``, batches of
200), as medians over the chunks and the repetitions, and the ratio of the latter to the
in-memory one. One BLAS thread (threadpoolctl). ``--quick``: tiny sizes (a smoke test);
``--full`` adds 100,000-row chunks of 784 features (1.5 GB on disk twice).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from .common import cpu_summary, machine_info

#: (features, rows a chunk) measured by default; ``--full`` adds FULL, ``--quick`` runs QUICK.
CONFIGS = [(64, 1_000), (64, 10_000), (64, 100_000), (784, 1_000), (784, 10_000)]
FULL = [(784, 100_000)]
QUICK = [(16, 500), (16, 2_000)]
SOURCES = ("ndarray", "memmap warm", "memmap cold", "zarr warm", "zarr cold", "dask (zarr)")


def write_dataset(directory: Path, n_features: int, chunk: int, n_chunks: int) -> Path:
    """``X.npy``, ``y.npy``, ``X.zarr`` and ``y.zarr`` in ``directory``, chunk by chunk."""
    import zarr

    n = chunk * n_chunks
    directory.mkdir(parents=True, exist_ok=True)
    X = np.lib.format.open_memmap(directory / "X.npy", mode="w+", dtype="f4", shape=(n, n_features))
    y = np.lib.format.open_memmap(directory / "y.npy", mode="w+", dtype="i8", shape=(n,))
    zX = zarr.open_array(
        str(directory / "X.zarr"),
        mode="w",
        shape=(n, n_features),
        chunks=(chunk, n_features),
        dtype="f4",
    )
    zy = zarr.open_array(
        str(directory / "y.zarr"), mode="w", shape=(n,), chunks=(chunk,), dtype="i8"
    )
    for i in range(n_chunks):
        rng = np.random.default_rng([14, i])
        x = rng.standard_normal((chunk, n_features), dtype=np.float32)
        t = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0.5)
        rows = slice(i * chunk, (i + 1) * chunk)
        X[rows], y[rows], zX[rows], zy[rows] = x, t, x, t
    X.flush(), y.flush()
    del X, y
    _sync(directory)
    return directory


def _files(directory: Path):
    return [p for p in directory.rglob("*") if p.is_file()]


def _sync(directory: Path) -> None:
    for path in _files(directory):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def drop_page_cache(directory: Path) -> bool:
    """Ask the kernel to drop the (clean) cached pages of every file; False where unsupported."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for path in _files(directory):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    return True


def open_source(name: str, directory: Path) -> tuple[Any, Any]:
    """``(X, y)`` of one source; a cold source's files are dropped from the page cache."""
    if name.endswith("cold") and not drop_page_cache(directory):
        raise OSError("posix_fadvise is not available: no cold-cache measurement")
    if name == "ndarray":
        return np.load(directory / "X.npy"), np.load(directory / "y.npy")
    if name.startswith("memmap"):
        return (np.load(directory / f"{v}.npy", mmap_mode="r") for v in "Xy")
    if name.startswith("zarr"):
        import zarr

        return (zarr.open_array(str(directory / f"{v}.zarr"), mode="r") for v in "Xy")
    import dask.array as da

    return (da.from_zarr(str(directory / f"{v}.zarr")) for v in "Xy")


def time_pass(name: str, directory: Path, chunk: int) -> tuple[list[float], list[float]]:
    """Seconds to read each chunk (a copy, so that a memory map's pages are read too), then
    seconds of each training step (read + one ``partial_fit``) over a second pass."""
    from scratchnn.estimators import MLPClassifier
    from scratchnn.scaling import partial_fit_chunks

    reads = []
    X, _y = open_source(name, directory)
    for start in range(0, X.shape[0], chunk):
        t0 = time.perf_counter()
        np.array(X[start : start + chunk])
        reads.append(time.perf_counter() - t0)
    X, y = open_source(name, directory)
    estimator = MLPClassifier((64,), batch_size=200, random_state=0)
    estimator.partial_fit(np.asarray(X[:200]), np.asarray(y[:200]), classes=[0, 1, 2])  # init
    stamps = [time.perf_counter()]
    partial_fit_chunks(
        estimator, X, y, chunk_rows=chunk, on_chunk=lambda *_: stamps.append(time.perf_counter())
    )
    return reads, list(np.diff(stamps))


def run(configs, n_chunks: int, repeats: int, root: Path | None) -> list[dict[str, Any]]:
    """One row per (features, chunk rows, source); the sources take turns in every repeat,
    so that a busy machine slows them alike."""
    from threadpoolctl import threadpool_limits

    rows = []
    with threadpool_limits(1), tempfile.TemporaryDirectory(dir=root) as tmp:
        for n_features, chunk in configs:
            directory = write_dataset(
                Path(tmp) / f"{n_features}x{chunk}", n_features, chunk, n_chunks
            )
            reads: dict[str, list[float]] = {s: [] for s in SOURCES}
            steps: dict[str, list[float]] = {s: [] for s in SOURCES}
            for _ in range(repeats):
                for source in SOURCES:
                    r, s = time_pass(source, directory, chunk)
                    reads[source] += r
                    steps[source] += s
            base = statistics.median(steps["ndarray"])
            for source in SOURCES:
                step = statistics.median(steps[source])
                rows.append(
                    dict(
                        features=n_features,
                        chunk_rows=chunk,
                        source=source,
                        read_ms=1e3 * statistics.median(reads[source]),
                        step_ms=1e3 * step,
                        step_ms_min=1e3 * min(steps[source]),
                        ratio=step / base,
                    )
                )
                print(_row(rows[-1]), flush=True)
            shutil.rmtree(directory)
    return rows


HEADER = (
    "| features | rows a chunk | source | read, ms a chunk | read + partial_fit, ms a chunk | × in-memory |\n"
    "|---:|---:|---|---:|---:|---:|"
)


def _row(r: dict[str, Any]) -> str:
    return (
        f"| {r['features']} | {r['chunk_rows']:,} | {r['source']} | {r['read_ms']:.2f} | "
        f"{r['step_ms']:.1f} | {r['ratio']:.2f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scaling_stream", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--chunks", type=int, default=5, help="chunks in each dataset (5)")
    parser.add_argument("--repeats", type=int, default=3, help="passes over each source (3)")
    parser.add_argument("--full", action="store_true", help="add 100,000 rows × 784 features")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat")
    parser.add_argument("--dir", type=Path, help="where the temporary datasets go")
    parser.add_argument("--json", type=Path, help="also write the figures and the machine here")
    args = parser.parse_args(argv)
    configs = QUICK if args.quick else CONFIGS + (FULL if args.full else [])
    repeats = 1 if args.quick else args.repeats
    command = "python -m benchmarks.scaling_stream " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    print(f"`{command.strip()}`, one BLAS thread, {args.chunks} chunks, {repeats} repeats\n")
    print(HEADER, flush=True)
    rows = run(configs, args.chunks, repeats, args.dir)
    import dask
    import zarr

    machine = machine_info()
    machine["versions"].update(dask=dask.__version__, zarr=zarr.__version__)
    print(
        f"\nCPU: {cpu_summary(machine)}; {machine['usable_cpus']} usable CPUs; load average "
        f"{', '.join(f'{v:.2f}' for v in machine['load_average'] or [])} at the end"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"command": command, "machine": machine, "rows": rows}, indent=1)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
