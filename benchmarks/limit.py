"""The limit of workload B on this machine: what its training step's matrix products and one
pass over its parameters cost, and nothing else.

For a batch of ``n`` rows the 784-256-256-10 step multiplies (float32):

* forward: ``X @ W1``, ``H1 @ W2``, ``H2 @ W3``;
* weight gradients: ``X.T @ G1``, ``H1.T @ G2``, ``H2.T @ G3``;
* input gradients: ``G3 @ W3.T``, ``G2 @ W2.T`` (the first layer's is not needed).

:class:`StepProducts` times those eight products into preallocated outputs
(``np.matmul(..., out=...)``), best of a few; :func:`bandwidth` measures the memory bandwidth
once per run with a large ``np.copyto``. The limit time of an epoch is then
``n_batches × (products + parameter bytes / bandwidth)``.
"""

from __future__ import annotations

import time

import numpy as np


class StepProducts:
    """Seconds of the eight matrix products of one training step at ``rows`` rows (the best of
    at least ``tries`` runs, see ``__call__``): called once per round of workload B, like the
    GEMM probe."""

    def __init__(self, layers: tuple[int, ...], rows: int, tries: int = 7, seed: int = 3) -> None:
        rng = np.random.default_rng(seed)
        f32 = np.float32

        def rand(*shape):
            return rng.standard_normal(shape, dtype=f32)

        widths = list(layers)
        acts = [rand(rows, w) for w in widths[:-1]]  # X, H1, H2
        weights = [rand(a, b) for a, b in zip(widths[:-1], widths[1:])]
        grads = [rand(rows, w) for w in widths[1:]]  # G1, G2, G3
        self.products = []
        for a, w in zip(acts, weights):  # forward
            self.products.append((a, w, np.empty((rows, w.shape[1]), f32)))
        for a, g in zip(acts, grads):  # weight gradients
            self.products.append((a.T, g, np.empty((a.shape[1], g.shape[1]), f32)))
        for g, w in list(zip(grads, weights))[1:]:  # input gradients, not the first layer's
            self.products.append((g, w.T, np.empty((rows, w.shape[0]), f32)))
        self.rows, self.tries = rows, tries
        self.flops = sum(2.0 * a.shape[0] * a.shape[1] * b.shape[1] for a, b, _ in self.products)
        self._step()  # warm-up: threads spun up, pages touched

    def _step(self) -> None:
        for a, b, out in self.products:
            np.matmul(a, b, out=out)

    def __call__(self, min_seconds: float = 0.05, max_tries: int = 500) -> float:
        """The best of at least ``tries`` runs, more (up to ``max_tries``) until
        ``min_seconds`` have passed: at small batches one run takes a fraction of a
        millisecond, and a few tries could all fall in a moment when another process holds
        a core."""
        best, spent, n = float("inf"), 0.0, 0
        while n < self.tries or (spent < min_seconds and n < max_tries):
            t0 = time.perf_counter()
            self._step()
            dt = time.perf_counter() - t0
            best, spent, n = min(best, dt), spent + dt, n + 1
        return best


def bandwidth(mib: int, tries: int = 5) -> dict:
    """Memory bandwidth, bytes/s: ``np.copyto`` between two float32 arrays of ``mib`` MiB
    each, (bytes read + bytes written) ÷ time, the best of ``tries`` copies (other load only
    ever slows a copy down)."""
    n = mib * 2**20 // 4
    src = np.ones(n, dtype=np.float32)
    dst = np.zeros(n, dtype=np.float32)
    np.copyto(dst, src)  # pages touched
    times = []
    for _ in range(tries):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        times.append(time.perf_counter() - t0)
    moved = 2.0 * src.nbytes
    return {
        "array_mib": mib,
        "bytes_per_copy": moved,
        "seconds": times,
        "bytes_per_s": moved / min(times),
        "median_bytes_per_s": moved / float(np.median(times)),
    }


def epoch_limit(
    products_s: list[float], n_batches: int, param_bytes: int, bytes_per_s: float
) -> list[float]:
    """Limit seconds per epoch, one per round: ``n_batches × (products + bytes / bandwidth)``."""
    return [n_batches * (t + param_bytes / bytes_per_s) for t in products_s]
