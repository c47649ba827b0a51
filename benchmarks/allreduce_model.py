"""The data-parallel cost model behind docs/scaling.md: training-step times of scratchnn's
networks and a ring all-reduce of their float32 gradients (used by
:mod:`benchmarks.scaling_sweep`).

Synchronous data-parallel training over ``N`` workers: per step
``t_comm = 2 (N - 1) latency + 2 (N - 1) / N x 4 P / bandwidth``, and the step of the global
batch ``B`` becomes ``t_step(B / N) + t_comm``. Bandwidths and latency are assumptions, not
measurements.
"""

from __future__ import annotations

import time

import numpy as np

#: (name, layer widths, hidden activation) of the networks timed for the cost model.
NETWORKS = (
    ("part5 64-20-20-10", (64, 20, 20, 10), "logistic"),
    ("digits 64-100-10", (64, 100, 10), "logistic"),
    ("784-256-256-10", (784, 256, 256, 10), "relu"),
)
BATCHES = (4, 8, 16, 32, 64, 128, 256, 512, 1024)
#: Assumed networks between machines: name -> bytes per second.
BANDWIDTHS = {"1 Gb/s": 1e9 / 8, "10 Gb/s": 10e9 / 8}
WORKERS = (2, 4, 8)


# -- the cost model -------------------------------------------------------------------------
def n_parameters(widths: tuple[int, ...]) -> int:
    """Weights and biases of a fully connected network with these layer widths."""
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


def allreduce_seconds(n_bytes: float, workers: int, bandwidth: float, latency: float) -> float:
    """Seconds of a ring all-reduce of ``n_bytes`` over ``workers``: ``2 (N - 1)`` messages
    one after the other, each of ``n_bytes / N`` (reduce-scatter, then all-gather)."""
    if workers < 2:
        return 0.0
    steps = 2 * (workers - 1)
    return steps * latency + steps * (n_bytes / workers) / bandwidth


def data_parallel_speedup(t_full: float, t_part: float, t_comm: float) -> float:
    """Speed-up of a step of the global batch split over the workers: ``t_full`` (one worker,
    whole batch) over ``t_part`` (one worker's share) plus the all-reduce."""
    return t_full / (t_part + t_comm)


# -- training-step times --------------------------------------------------------------------
def _network(widths, activation):
    from scratchnn import Linear, Logistic, ReLU, Sequential, Softmax

    hidden = {"logistic": Logistic, "relu": ReLU}[activation]
    layers = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
        layers += [Linear(a, b, dtype=np.float32), hidden() if i < len(widths) - 2 else Softmax()]
    return Sequential(layers)


def step_seconds(widths, activation, batch: int, repeats: int, min_block_s: float) -> float:
    """Seconds of one training step (forward, backward, Adam update) at ``batch``: the least
    over ``repeats`` blocks of steps (another process taking a core only adds time)."""
    from scratchnn import Adam, CategoricalCrossEntropy, TrainingStep

    rng = np.random.default_rng(0)
    net = _network(widths, activation)
    for p in net.parameters():
        p[...] = rng.standard_normal(p.shape, dtype=np.float32) * 0.05
    step = TrainingStep(net, CategoricalCrossEntropy(), Adam(1e-3))
    x = rng.standard_normal((batch, widths[0]), dtype=np.float32)
    t = np.eye(widths[-1], dtype=np.float32)[rng.integers(0, widths[-1], batch)]
    step(x, t)  # the passes for this shape are built at the first batch
    n = 1
    while True:  # a block of n steps long enough to time
        start = time.perf_counter()
        for _ in range(n):
            step(x, t)
        if time.perf_counter() - start >= min_block_s:
            break
        n *= 2
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            step(x, t)
        times.append((time.perf_counter() - start) / n)
    return min(times)


def measure_steps(repeats: int, batches=BATCHES, min_block_s: float = 0.02) -> dict:
    from threadpoolctl import threadpool_limits

    out = {}
    with threadpool_limits(limits=1):
        for name, widths, activation in NETWORKS:
            out[name] = {
                "parameters": n_parameters(widths),
                "step_s": {
                    str(b): step_seconds(widths, activation, b, repeats, min_block_s)
                    for b in batches
                },
            }
    return out


def cost_model(steps: dict, latency: float) -> list[dict]:
    """One row per network x global batch x workers x bandwidth (share of the batch >= 4)."""
    rows = []
    for name, entry in steps.items():
        n_bytes = 4 * entry["parameters"]
        times = {int(b): t for b, t in entry["step_s"].items()}
        for batch in (32, 128, 1024):
            for workers in WORKERS:
                share = batch // workers
                if batch not in times or share not in times:
                    continue
                for label, bandwidth in BANDWIDTHS.items():
                    t_comm = allreduce_seconds(n_bytes, workers, bandwidth, latency)
                    rows.append(
                        {
                            "network": name,
                            "batch": batch,
                            "workers": workers,
                            "link": label,
                            "step_s": times[batch],
                            "share_step_s": times[share],
                            "comm_s": t_comm,
                            "speedup": data_parallel_speedup(times[batch], times[share], t_comm),
                        }
                    )
    return rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def _steps_table(steps: dict) -> list[str]:
    batches = list(next(iter(steps.values()))["step_s"])
    lines = [
        "| network | parameters | float32 gradient | "
        + " | ".join(f"batch {b}" for b in batches)
        + " |",
        "|---|---:|---:|" + "---:|" * len(batches),
    ]
    for name, e in steps.items():
        cells = " | ".join(f"{e['step_s'][b] * 1e6:.0f} µs" for b in batches)
        lines.append(
            f"| {name} | {e['parameters']:,} | {4 * e['parameters'] / 1e3:.1f} kB | {cells} |"
        )
    return lines


def _model_table(rows: list[dict]) -> list[str]:
    lines = [
        "| network | global batch | workers | link | one worker (ms) | share + all-reduce (ms) "
        "| speed-up |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['network']} | {r['batch']} | {r['workers']} | {r['link']} | {_ms(r['step_s'])} "
            f"| {_ms(r['share_step_s'])} + {_ms(r['comm_s'])} | {r['speedup']:.2f} |"
        )
    return lines
