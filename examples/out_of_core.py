"""Train on data larger than memory: ``partial_fit`` streamed over chunks on disk.

Creates (when absent) a synthetic dataset on disk, as a NumPy ``.npy`` file read through a
memory map, or as a Zarr array read directly or through Dask, written chunk by chunk so
that memory never holds more than one chunk; then streams ``MLPClassifier`` (or, with
``--task regress``, ``MLPRegressor``) ``partial_fit`` over it for a few epochs with
:func:`scratchnn.scaling.partial_fit_chunks`, printing the loss of every epoch and the score
on a held-out set.

    python examples/out_of_core.py --quick
    python examples/out_of_core.py --rows 5000000 --format dask --dir /data/synthetic

``--format zarr`` and ``dask`` need the ``[dask]`` extra (``pip install -e .[dask]``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.scaling import partial_fit_chunks

FORMATS = ("memmap", "zarr", "dask")


def _teacher(n_features: int, seed: int) -> np.ndarray:
    """The fixed random map the labels (or targets) are drawn from."""
    return np.random.default_rng([seed, 0]).standard_normal((n_features, 3)).astype(np.float32)


def make_rows(i: int, rows: int, n_features: int, task: str, seed: int, held_out: bool = False):
    """Block ``i`` of the synthetic dataset (or of the held-out set), from its own seed."""
    rng = np.random.default_rng([seed, 2 if held_out else 1, i])
    X = rng.standard_normal((rows, n_features), dtype=np.float32)
    scores = X @ _teacher(n_features, seed) / np.sqrt(n_features)
    if task == "classify":
        noisy = scores + 0.3 * rng.standard_normal(scores.shape, dtype=np.float32)
        return X, np.argmax(noisy, axis=1).astype(np.int64)
    t = np.tanh(scores[:, 0]) + 0.5 * scores[:, 1] + 0.1 * rng.standard_normal(rows)
    return X, t.astype(np.float32)


def _create(path: Path, fmt: str, shape: tuple[int, ...], dtype: str, chunk: int):
    """An empty on-disk array: an ``.npy`` memory map or a Zarr array."""
    if fmt == "memmap":
        return np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
    import zarr

    return zarr.open_array(
        str(path), mode="w", shape=shape, dtype=dtype, chunks=(chunk,) + shape[1:]
    )


def _open(path: Path, fmt: str):
    if fmt == "memmap":
        return np.load(path, mmap_mode="r")
    if fmt == "zarr":
        import zarr

        return zarr.open_array(str(path), mode="r")
    import dask.array as da

    return da.from_zarr(str(path))


def dataset(directory: Path, args: argparse.Namespace):
    """``(X, y)`` on disk in ``directory``, written block by block when absent (or of another
    shape), and opened for reading."""
    suffix = ".npy" if args.format == "memmap" else ".zarr"
    paths = [directory / f"{args.task}_{name}{suffix}" for name in ("X", "y")]
    if all(p.exists() for p in paths):
        X, y = (_open(p, args.format) for p in paths)
        if X.shape == (args.rows, args.features):
            print(f"reusing {paths[0]} ({X.shape[0]} rows × {X.shape[1]} features)")
            return X, y
    y_dtype = "int64" if args.task == "classify" else "float32"
    X = _create(paths[0], args.format, (args.rows, args.features), "float32", args.chunk_rows)
    y = _create(paths[1], args.format, (args.rows,), y_dtype, args.chunk_rows)
    for i, start in enumerate(range(0, args.rows, args.chunk_rows)):
        stop = min(start + args.chunk_rows, args.rows)
        X[start:stop], y[start:stop] = make_rows(
            i, stop - start, args.features, args.task, args.seed
        )
    if args.format == "memmap":
        X.flush(), y.flush()
    size = args.rows * args.features * 4 / 2**20
    print(f"wrote {paths[0]} ({args.rows} rows × {args.features} features, {size:.0f} MiB)")
    return tuple(_open(p, args.format) for p in paths)


def train(X, y, args: argparse.Namespace):
    """The estimator after ``args.epochs`` passes, chunk order shuffled every epoch."""
    common = dict(batch_size=256, learning_rate_init=3e-3, random_state=args.seed)
    if args.task == "classify":
        estimator, kwargs = MLPClassifier((32,), **common), {"classes": [0, 1, 2]}
    else:
        estimator, kwargs = MLPRegressor((32,), **common), {}
    order = np.random.default_rng(args.seed)  # one Generator: a new chunk order every epoch
    for epoch in range(1, args.epochs + 1):
        rows: list[int] = []
        start = time.perf_counter()
        partial_fit_chunks(
            estimator,
            X,
            y,
            chunk_rows=args.chunk_rows,
            shuffle_chunks=True,
            rng=order,
            on_chunk=lambda _, a, b: rows.append(b - a),
            **kwargs,
        )
        losses = estimator.loss_curve_[-len(rows) :]  # one value per partial_fit call
        loss = np.average(losses, weights=rows)
        seconds = time.perf_counter() - start
        print(f"epoch {epoch}: loss {loss:.4f} ({len(rows)} chunks, {seconds:.1f} s)")
    return estimator


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line on stderr, exit status 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = _Parser(prog="out_of_core.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows on disk (1000000)")
    parser.add_argument("--features", type=int, default=32, help="features (32)")
    parser.add_argument("--chunk-rows", type=int, default=50_000, help="rows a chunk (50000)")
    parser.add_argument("--epochs", type=int, default=3, help="passes over the data (3)")
    parser.add_argument("--format", choices=FORMATS, default="memmap", help="on disk (memmap)")
    parser.add_argument("--task", choices=("classify", "regress"), default="classify")
    parser.add_argument("--dir", type=Path, help="where the data lives (default: a temp dir)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="20000 rows, 2 epochs")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.epochs, args.chunk_rows = 20_000, 2, 5_000
    for name in ("rows", "features", "chunk_rows", "epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive integer")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.format != "memmap":
        try:
            import zarr  # noqa: F401

            if args.format == "dask":
                import dask.array  # noqa: F401
        except ImportError as error:
            print(
                f"out_of_core.py: error: --format {args.format} needs {error.name}: "
                "pip install -e '.[dask]'",
                file=sys.stderr,
            )
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        X, y = dataset(directory, args)
        estimator = train(X, y, args)
        X_test, y_test = make_rows(0, 10_000, args.features, args.task, args.seed, True)
        what = "accuracy" if args.task == "classify" else "R²"
        print(f"held-out {what} (10000 new rows): {estimator.score(X_test, y_test):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
