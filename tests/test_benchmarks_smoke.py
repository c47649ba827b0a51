"""Smoke test of the benchmark suite (benchmarks/): every workload on tiny sizes.

No timing assertions: it checks that the harness, the runners and the report still work,
and that the hand-written baselines compute the same math as scratchnn. PyTorch (and
scikit-learn) are skipped by the harness when they are not installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

threadpoolctl = pytest.importorskip("threadpoolctl")

from benchmarks import run  # noqa: E402

# slow: runs every benchmark workload once
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # One BLAS thread: tiny matrices on a busy 2-core machine are much faster that way.
    with threadpoolctl.threadpool_limits(limits=1):
        assert run.main(["--quick", "--no-memory", "--out", str(out)]) == 0
    return out, json.loads((out / "results.json").read_text())


def test_every_workload_has_the_baseline_and_scratchnn(quick_results):
    _, results = quick_results
    A, B, C = (results["workloads"][w] for w in "ABC")
    for cases in (A["cases"], C["cases"], *(e["cases"] for e in B["batch_sizes"].values())):
        assert {"numpy", "scratchnn"} <= set(cases)
        for entry in cases.values():
            assert entry["min"] <= entry["median"] <= entry["max"]
            assert entry["median"] > 0
    assert list(B["batch_sizes"]) == ["32", "128", "1024"]
    assert "numpy-matrix" in C["cases"]
    assert set(B["gemm_fraction"]) >= {"numpy", "scratchnn"}
    assert set(B["gemm_fraction_paired"]) == set(B["gemm_fraction"])
    assert len(B["batch_sizes"]["1024"]["probe"]) == len(
        B["batch_sizes"]["1024"]["cases"]["numpy"]["values"]
    )
    assert "probe" not in B["batch_sizes"]["32"]
    assert B["gemm_probe_gflops"]["min"] > 0
    assert results["gemm"]["peak_gflops"] > 0
    assert results["machine"]["versions"]["numpy"]


def test_optional_frameworks_run_or_are_skipped_with_a_note(quick_results):
    _, results = quick_results
    for framework in ("sklearn", "torch"):
        for w in ("A", "C"):
            cases = results["workloads"][w]
            if framework in cases["cases"] or w == "C" and framework == "sklearn":
                continue
            assert framework in cases["skipped"]


def test_baselines_compute_the_same_parameters_as_scratchnn(quick_results):
    _, results = quick_results
    # Same initial parameters and updates: only rounding may differ.
    for w in ("A", "C"):
        diffs = results["workloads"][w]["max_param_diff_vs_numpy"]
        assert diffs["scratchnn"] < 1e-9
        for other, value in diffs.items():
            assert value < 1e-6, (w, other, value)


def test_report_and_targets_are_written(quick_results):
    out, results = quick_results
    text = (out / "RESULTS.md").read_text()
    for heading in ("## Machine", "## A.", "## B.", "## C.", "## D.", "Quick run"):
        assert heading in text
    assert {t["workload"] for t in results["targets"]} == {"A", "B", "C", "D"}


def test_memory_child_reports_peak_rss(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.memory",
            "numpy",
            "--samples",
            "64",
            "--batch-size",
            "32",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["peak_rss_mib"] >= report["rss_before_mib"] > 0


def test_ratios_pair_the_repetitions_of_one_round():
    from benchmarks.report import evaluate_targets, paired_ratio

    # the machine slowed down in round 2: both implementations took longer
    cases = {
        "a": {"values": [2.0, 8.0, 3.0], "median": 3.0},
        "b": {"values": [1.0, 4.0, 3.0], "median": 3.0},
    }
    assert paired_ratio(cases, "a", "b") == 2.0  # ratios 2, 2, 1
    assert paired_ratio(cases, "b", "a") == 0.5
    c = {
        "numpy": {"values": [100.0, 50.0, 80.0], "median": 80.0},
        "scratchnn": {"values": [90.0, 45.0, 100.0], "median": 90.0},
    }
    (target,) = evaluate_targets({"workloads": {"C": {"cases": c}}})
    assert target["value"] == pytest.approx(0.9) and not target["met"]  # C: >= 1.0
    assert target["ratio_of_medians"] == pytest.approx(90 / 80)


def test_the_honest_limit_and_the_breakdown_are_recorded(quick_results):
    out, results = quick_results
    B = results["workloads"]["B"]
    for entry in B["batch_sizes"].values():
        rounds = len(entry["cases"]["numpy"]["values"])
        assert len(entry["limit"]) == len(entry["triad"]) == rounds  # probed every round
        traffic = entry["limit_traffic_bytes"]
        assert traffic["total"] == sum(v for k, v in traffic.items() if k != "total")
        step = entry["limit_step_s"]["median"]
        assert step > entry["limit_products_s"]["min"] > 0
    for split in B["breakdown"].values():
        for impl in ("scratchnn", "numpy"):
            parts = split[impl]
            assert parts["step"] > 0 and parts["products"] > 0 and parts["update"] > 0
    text = (out / "RESULTS.md").read_text()
    assert "### The honest limit" in text and "### Where the time of a step goes" in text


def test_minimal_traffic_counts_each_pass():
    from benchmarks.limit import minimal_bytes

    # a 3-2-1 network: 3*2 + 2 + 2*1 + 1 = 11 parameters, float32
    parts = minimal_bytes((3, 2, 1), rows=5)
    assert parts["optimizer"] == 7 * 11 * 4  # Adam: read θ, g, m, v; write θ, m, v
    assert parts["batch"] == 3 * 5 * (3 + 1) * 4  # x and t: read, written, read
    assert parts["activations"] == 2 * 5 * (2 + 1) * 4  # H1 and the output
    assert parts["gradients"] == 2 * 5 * (2 + 1) * 4
    assert minimal_bytes((3, 2, 1), rows=5, optimizer="sgd")["optimizer"] == 3 * 11 * 4
