"""The honest limit of workload B on this machine: what its training step's matrix products
cost, plus the least memory traffic the step cannot avoid, at the memory bandwidth measured in
the same round.

For a batch of ``n`` rows the 784-256-256-10 step multiplies (float32):

* forward: ``X @ W1``, ``H1 @ W2``, ``H2 @ W3``;
* weight gradients: ``X.T @ G1``, ``H1.T @ G2``, ``H2.T @ G3``;
* input gradients: ``G3 @ W3.T``, ``G2 @ W2.T`` (the first layer's is not needed).

:class:`StepProducts` times those eight products into preallocated outputs
(``np.matmul(..., out=...)``), the median of a few runs. :class:`Triad` measures the memory
bandwidth with a STREAM-style triad (BLAS ``saxpy``, ``y = a x + y``: two arrays read, one
written), once per round. :func:`minimal_bytes` counts the traffic no implementation can avoid:

* the optimiser's passes over the parameters (Adam reads θ, g, m, v and writes θ, m, v:
  7 passes; momentum SGD 5; plain SGD 3);
* the batch (inputs and one-hot targets): read from the data set, written into the batch,
  read once by the step (3 passes);
* every activation (H1, H2, the output) and every gradient of a layer's output (G3, G2, G1):
  written once and read once (2 passes each).

The limit time of a step is ``products + minimal_bytes / bandwidth``.
"""

from __future__ import annotations

import time

import numpy as np


class StepProducts:
    """Seconds of the eight matrix products of one training step at ``rows`` rows (the best,
    or with ``statistic="median"`` the median, of at least ``tries`` runs, see ``__call__``):
    called once per round of workload B, like the GEMM probe.

    The limit of workload B takes the median: on a VM whose speed drifts, the best run is a
    moment's best, while an epoch it is compared with lasts seconds; the median of the runs
    of a probe is the products' speed under the round's conditions. Workload D's bound takes
    the best (a bound no fit can beat)."""

    def __init__(
        self,
        layers: tuple[int, ...],
        rows: int,
        tries: int = 7,
        seed: int = 3,
        dtype=np.float32,
        statistic: str = "best",
    ) -> None:
        self.statistic = statistic
        rng = np.random.default_rng(seed)
        f32 = np.dtype(dtype)

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
        """The best (or median) of at least ``tries`` runs, more (up to ``max_tries``) until
        ``min_seconds`` have passed: at small batches one run takes a fraction of a
        millisecond, and a few tries could all fall in a moment when another process holds
        a core."""
        times: list[float] = []
        spent = 0.0
        while len(times) < self.tries or (spent < min_seconds and len(times) < max_tries):
            t0 = time.perf_counter()
            self._step()
            times.append(time.perf_counter() - t0)
            spent += times[-1]
        return float(np.median(times)) if self.statistic == "median" else min(times)


#: Passes over the parameters of one update: reads and writes of θ, g and the state.
OPTIMIZER_PASSES = {"adam": 7, "momentum": 5, "sgd": 3}


def minimal_bytes(
    layers: tuple[int, ...], rows: int, optimizer: str = "adam", itemsize: int = 4
) -> dict:
    """The least memory traffic of one training step, in bytes, by part (see the module's
    docstring): ``optimizer``, ``batch``, ``activations``, ``gradients`` and ``total``."""
    n_params = sum(a * b + b for a, b in zip(layers[:-1], layers[1:]))
    parts = {
        "optimizer": OPTIMIZER_PASSES[optimizer] * n_params * itemsize,
        "batch": 3 * rows * (layers[0] + layers[-1]) * itemsize,
        "activations": 2 * rows * sum(layers[1:]) * itemsize,
        "gradients": 2 * rows * sum(layers[1:]) * itemsize,
    }
    parts["total"] = sum(parts.values())
    return parts


class Triad:
    """Memory bandwidth, bytes/s, measured by a STREAM-style triad: BLAS ``saxpy``
    (``y = a x + y``, float32, the BLAS's threads) on two arrays of ``mib`` MiB each, (two
    arrays read + one written) ÷ time, the median of ``tries`` (as the products of the limit:
    the round's conditions, not a moment's best). Called once per round of workload B, like
    the matrix products."""

    def __init__(self, mib: int, tries: int = 5) -> None:
        from scipy.linalg import blas

        n = mib * 2**20 // 4
        self.x = np.ones(n, dtype=np.float32)
        self.y = np.zeros(n, dtype=np.float32)
        self.saxpy, self.tries, self.mib = blas.saxpy, tries, mib
        self.moved = 3.0 * self.x.nbytes
        self._run()  # pages touched, threads started

    def _run(self) -> None:
        # alpha != 0: a BLAS may skip the work for alpha == 0; y is updated in place
        self.saxpy(self.x, self.y, a=1e-3)

    def __call__(self) -> float:
        times = []
        for _ in range(self.tries):
            t0 = time.perf_counter()
            self._run()
            times.append(time.perf_counter() - t0)
        return self.moved / float(np.median(times))


def step_limit(
    products_s: list[float], traffic_bytes: float, bandwidths: list[float]
) -> list[float]:
    """Limit seconds of one step, one per round: ``products + traffic / bandwidth``."""
    return [t + traffic_bytes / bw for t, bw in zip(products_s, bandwidths)]
