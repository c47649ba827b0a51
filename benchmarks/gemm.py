"""The machine's float32 matrix-product peak: square ``C = A @ B`` through NumPy's BLAS and,
when installed, PyTorch's; ``2 n^3`` FLOPs each."""

from __future__ import annotations

import time

import numpy as np

from .common import summarize


def _time(fn, repeats: int) -> list[float]:
    fn()  # warm-up: threads spun up, pages touched
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def measure(sizes: tuple[int, ...], repeats: int) -> dict:
    """GFLOP/s (median, min, max) per library and size.

    ``peak_gflops`` is the best single measurement: other load on the machine only ever
    slows a matrix product down, so the fastest run is the closest to the machine's peak.
    """
    rng = np.random.default_rng(0)
    results: dict = {"sizes": list(sizes), "libraries": {}}
    try:
        import torch
    except ImportError:
        torch = None
    for n in sizes:
        A = rng.standard_normal((n, n), dtype=np.float32)
        B = rng.standard_normal((n, n), dtype=np.float32)
        C = np.empty((n, n), dtype=np.float32)
        flops = 2.0 * n**3
        candidates = {"numpy": lambda: np.matmul(A, B, out=C)}
        if torch is not None:
            tA, tB, tC = torch.from_numpy(A), torch.from_numpy(B), torch.from_numpy(C)
            candidates["torch"] = lambda: torch.mm(tA, tB, out=tC)
        for name, fn in candidates.items():
            gflops = [flops / t / 1e9 for t in _time(fn, repeats)]
            results["libraries"].setdefault(name, {})[str(n)] = summarize(gflops)
    best = max(
        (s["max"], lib, int(n))
        for lib, by_size in results["libraries"].items()
        for n, s in by_size.items()
    )
    results["peak_gflops"], results["peak_library"], results["peak_size"] = best
    return results


def combine(first: dict, second: dict) -> dict:
    """Two measurements (start and end of a run): the one with the higher peak, both kept."""
    best = max(first, second, key=lambda r: r["peak_gflops"])
    return {**best, "runs": [first, second]}


class Probe:
    """The float32 GEMM rate now: best of ``products`` square n×n products, GFLOP/s.

    Called once per round of workload B's largest batch, so that the fraction of the peak
    compares the epoch with a matrix product run a few seconds from it.
    """

    def __init__(self, n: int, products: int = 3) -> None:
        rng = np.random.default_rng(1)
        self.A = rng.standard_normal((n, n), dtype=np.float32)
        self.B = rng.standard_normal((n, n), dtype=np.float32)
        self.C = np.empty((n, n), dtype=np.float32)
        self.flops, self.products = 2.0 * n**3, products
        np.matmul(self.A, self.B, out=self.C)  # warm-up

    def __call__(self) -> float:
        times = []
        for _ in range(self.products):
            t0 = time.perf_counter()
            np.matmul(self.A, self.B, out=self.C)
            times.append(time.perf_counter() - t0)
        return self.flops / min(times) / 1e9
