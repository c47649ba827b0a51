"""Peak memory of one framework training workload B for one epoch, in a process of its own.

Run by the harness as ``python -m benchmarks.memory FRAMEWORK --samples N --batch-size B``;
prints one JSON object. Only the framework under test is imported, so peaks don't mix. The
epoch is the timed one's (learnable labels, shuffled mini-batches) from the initial
parameters: a warm start would need scratchnn in every process.

Measured: the resident set size once imports, data and model exist (``rss_before_mib``), and
the peak resident set size during the epoch (``peak_rss_mib``; the kernel's peak counter is
reset just before training where Linux allows it, else it is the process's lifetime peak).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from .common import Unavailable, current_rss_mib, peak_rss_mib, reset_peak_rss
from .workloads import data_b

#: framework id -> (module, factory name) for workload B
FACTORIES = {
    "numpy": ("benchmarks.numpy_baselines", "workload_b"),
    "scratchnn": ("benchmarks.scratchnn_runners", "workload_b_train"),
    "scratchnn-api": ("benchmarks.scratchnn_runners", "workload_b_loop"),
    "sklearn": ("benchmarks.sklearn_runners", "workload_b"),
    "torch": ("benchmarks.torch_runners", "workload_b"),
}


def measure(framework: str, samples: int, batch_size: int) -> dict:
    module, name = FACTORIES[framework]
    try:
        factory = getattr(importlib.import_module(module), name)
        data = data_b(samples, labels="teacher")
        runner = factory(data, batch_size)
    except (Unavailable, ImportError) as exc:
        return {"framework": framework, "skipped": str(exc)}
    rss_before = current_rss_mib()
    reset = reset_peak_rss()
    runner.run()
    peak = peak_rss_mib()
    return {
        "framework": framework,
        "samples": samples,
        "batch_size": batch_size,
        "rss_before_mib": rss_before,
        "peak_rss_mib": peak,
        "training_increase_mib": None if rss_before is None else peak - rss_before,
        "peak_reset_before_training": reset,
    }


def memory_child(case_id: str, samples: int, batch_size: int) -> dict:
    """:func:`measure` in a process of its own (the harness's side)."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "benchmarks.memory", case_id, "--samples", str(samples)]
    cmd += ["--batch-size", str(batch_size)]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        return {"skipped": f"child failed ({proc.returncode}): {proc.stderr.strip()[-400:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("framework", choices=sorted(FACTORIES))
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    args = parser.parse_args(argv)
    json.dump(measure(args.framework, args.samples, args.batch_size), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
