"""A hyper-parameter sweep of scratchnn's MLPClassifier on a Dask cluster.

GridSearchCV runs its fits (candidates x folds) on the cluster's workers through joblib's
Dask backend; each worker uses one BLAS thread (scratchnn.scaling.one_blas_thread). The grid
is learning rate x width x seed on scikit-learn's digits, and the results are those of the
same sweep run sequentially (same random_state per candidate).

    python examples/sweep_dask.py                  # a LocalCluster of 2 workers on this machine
    python examples/sweep_dask.py --quick          # a tiny grid (seconds)
    python examples/sweep_dask.py --scheduler tcp://10.0.0.5:8786   # a running cluster

Needs the [dask] extra (pip install -e '.[dask]'); see docs/scaling.md.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings


class _Parser(argparse.ArgumentParser):
    """Errors as one line on stderr and exit code 2."""

    def error(self, message: str):
        _fail(message)


def _fail(message: str):
    print(f"sweep_dask.py: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _count(name: str, low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be from {low} to {high}, got {value}")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--timeout must be a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"--timeout must be positive, got {text}")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = _Parser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler (default: start a LocalCluster here)",
    )
    parser.add_argument(
        "--workers",
        type=_count("--workers", 1, 256),
        default=2,
        help="worker processes of the LocalCluster (default 2; ignored with --scheduler)",
    )
    parser.add_argument(
        "--cv", type=_count("--cv", 2, 10), default=3, help="folds, 2-10 (default 3)"
    )
    parser.add_argument("--quick", action="store_true", help="a tiny grid on 300 samples")
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        help="seconds to wait for the scheduler (default 10)",
    )
    return parser.parse_args(argv)


def grid(quick: bool) -> tuple[dict, dict]:
    """The estimator's fixed parameters and the grid: learning rate x width x seed."""
    if quick:
        fixed = dict(batch_size=32, max_iter=10)
        return fixed, {"learning_rate_init": [0.003, 0.03], "hidden_layer_sizes": [(8,), (16,)]}
    fixed = dict(batch_size=32, max_iter=40)
    return fixed, {
        "learning_rate_init": [0.001, 0.003, 0.01],
        "hidden_layer_sizes": [(32,), (64,), (128,)],
        "random_state": [0, 1],
    }


def connect(args: argparse.Namespace):
    """A Client of the scheduler at ``--scheduler``, or of a new LocalCluster; and the
    cluster to close afterwards (None for a scheduler we did not start)."""
    from distributed import Client, LocalCluster

    if args.scheduler:
        try:
            return Client(args.scheduler, timeout=args.timeout), None
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            _fail(f"cannot connect to the scheduler at {args.scheduler}: {reason}")
    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def sweep(args: argparse.Namespace, client) -> None:
    import joblib
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV, train_test_split

    from scratchnn.estimators import MLPClassifier
    from scratchnn.scaling import one_blas_thread

    counts = one_blas_thread(client)
    threads = sorted({n for worker in counts.values() for n in worker.values()})
    print(f"workers: {len(counts)} (BLAS/OpenMP threads per worker: {threads})")
    if sum(client.nthreads().values()) == 1:
        print("note: one worker thread: joblib runs the fits here, in this process")
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    if args.quick:
        X, y = X[:300], y[:300]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    fixed, space = grid(args.quick)
    search = GridSearchCV(MLPClassifier(random_state=0, **fixed), space, cv=args.cv, n_jobs=-1)
    n_candidates = len(_candidates(space))
    print(f"candidates: {n_candidates}, fits: {n_candidates * args.cv} (+1 refit here)")
    start = time.perf_counter()
    with warnings.catch_warnings(), joblib.parallel_config(backend="dask"):
        warnings.simplefilter("ignore", ConvergenceWarning)  # short runs, on purpose
        search.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    print(f"best parameters: {search.best_params_}")
    print(f"best cross-validated accuracy: {search.best_score_:.4f}")
    print(f"held-out accuracy of the refit best model: {search.score(X_test, y_test):.4f}")
    print(f"sweep time: {seconds:.2f} s (with the workers' first import of scratchnn, if any)")


def _candidates(space: dict):
    from sklearn.model_selection import ParameterGrid

    return ParameterGrid(space)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import distributed  # noqa: F401
    except ImportError:
        _fail("this example needs the [dask] extra: pip install -e '.[dask]'")
    client, cluster = connect(args)
    try:
        sweep(args, client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
