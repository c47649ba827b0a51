"""The performance targets (issue 22: speed against an honest limit; issue 10's before it)
checked against a run."""

from __future__ import annotations

import statistics

#: B's throughput targets relative to PyTorch, by batch size (shuffled, from the warm start).
B_TORCH_TARGETS = {"32": 1.5, "128": 1.2, "1024": 1.0}
#: Fraction of the honest limit (the step's matrix products + its least memory traffic at
#: the bandwidth measured in the round, ``limit.py``), by batch size.
B_LIMIT_TARGETS = {"32": 0.50, "128": 0.65, "1024": 0.80}
#: scratchnn.train's shuffled ÷ fixed-batch throughput; the API loop ÷ train().
SHUFFLED_TARGET = API_TARGET = 0.95
#: One Adam update after the moments decayed ÷ before, with the flush on.
SUBNORMAL_TARGET = 1.1
#: scikit-learn's fit time ÷ scratchnn's, and the largest |test-accuracy difference|.
D_SPEED_TARGET, D_ACCURACY_TARGET = 2.0, 0.01
#: Seconds the whole ``make bench`` run may take on 2 cores.
DURATION_TARGET = 600.0
#: B's data sets: key in results, words in the target text.
B_SETS = (("batch_sizes", "learnable labels"), ("random_labels", "random labels"))


def paired_ratio(cases: dict, a: str, b: str) -> float:
    """Median over rounds of ``a``'s measurement ÷ ``b``'s in the same round.

    Every round runs each implementation once, back to back, so the two measurements of a
    round were made under the same machine conditions; on a VM whose speed drifts from
    minute to minute this ratio is far steadier than the ratio of the two medians, whose
    repetitions may fall in different minutes.
    """
    va, vb = cases[a]["values"], cases[b]["values"]
    return statistics.median(x / y for x, y in zip(va, vb))


class Ratios:
    """``r[a, b]``: paired ratio of ``a`` to ``b``; ``a, b in r`` when both were measured."""

    def __init__(self, cases: dict) -> None:
        self.cases = cases

    def __contains__(self, cid: str) -> bool:
        return cid in self.cases

    def __getitem__(self, pair: tuple[str, str]) -> float:
        return paired_ratio(self.cases, *pair)

    def of_medians(self, a: str, b: str) -> float:
        return self.cases[a]["median"] / self.cases[b]["median"]


class _Targets(list):
    def add(self, workload, who, what, value, op, threshold, of_medians=None) -> None:
        ok = value <= threshold if op == "<=" else value >= threshold
        self.append(
            {
                "workload": workload,
                "implementation": who,
                "target": what,
                "value": value,
                "op": op,
                "threshold": threshold,
                "met": bool(ok),
                "ratio_of_medians": of_medians,
            }
        )

    def ratio(self, workload, who, what, r: Ratios, a, b, op, threshold) -> None:
        if a in r and b in r:
            self.add(workload, who, what, r[a, b], op, threshold, r.of_medians(a, b))


def _a(t: _Targets, A: dict) -> None:
    r = Ratios(A["cases"])
    t.ratio(
        "A",
        "scratchnn",
        "time per epoch ÷ hand-written NumPy's",
        r,
        "scratchnn",
        "numpy",
        "<=",
        1.0,
    )
    t.ratio(
        "A",
        "scratchnn-api",
        "speed ÷ scratchnn.train's (its time ÷ this)",
        r,
        "scratchnn",
        "scratchnn-api",
        ">=",
        API_TARGET,
    )


def _b(t: _Targets, B: dict) -> None:
    for key, words in B_SETS:
        by_batch = B[key] if key == "batch_sizes" else B.get(key, {}).get("batch_sizes", {})
        for b, entry in by_batch.items():
            r = Ratios(entry["cases"])
            if b in B_TORCH_TARGETS:
                t.ratio(
                    "B",
                    "scratchnn",
                    f"samples/s ÷ PyTorch's, batch {b}, {words}",
                    r,
                    "scratchnn",
                    "torch",
                    ">=",
                    B_TORCH_TARGETS[b],
                )
            frac = entry.get("limit_fraction", {})
            if "scratchnn" in frac and b in B_LIMIT_TARGETS:
                t.add(
                    "B",
                    "scratchnn",
                    f"fraction of the honest limit, batch {b}, {words}",
                    frac["scratchnn"],
                    ">=",
                    B_LIMIT_TARGETS[b],
                )
            t.ratio(
                "B",
                "scratchnn",
                f"shuffled ÷ fixed batches (same round), batch {b}, {words}",
                r,
                "scratchnn",
                "scratchnn-fixed",
                ">=",
                SHUFFLED_TARGET,
            )
            t.ratio(
                "B",
                "scratchnn-api",
                f"samples/s ÷ scratchnn.train's, batch {b}, {words}",
                r,
                "scratchnn-api",
                "scratchnn",
                ">=",
                API_TARGET,
            )
    default = B.get("subnormal", {}).get("settings", {}).get("default")
    if default:
        t.add(
            "B",
            "scratchnn",
            "one Adam update after ÷ before the moments decay (subnormal), flush on (default)",
            default["ratio"],
            "<=",
            SUBNORMAL_TARGET,
        )


def _c(t: _Targets, C: dict) -> None:
    r = Ratios(C["cases"])
    t.ratio(
        "C",
        "scratchnn",
        "iterations/s ÷ hand-written 1-D NumPy's",
        r,
        "scratchnn",
        "numpy",
        ">=",
        1.0,
    )


def _d(t: _Targets, D: dict) -> None:
    for name, entry in D.get("settings", {}).items():
        r, cases = Ratios(entry["cases"]), entry["cases"]
        t.ratio(
            "D",
            "scratchnn",
            f"({name}) scikit-learn's fit time ÷ this",
            r,
            "sklearn",
            "scratchnn",
            ">=",
            D_SPEED_TARGET,
        )
        if "scratchnn" in cases and "sklearn" in cases:
            diff = abs(cases["scratchnn"]["test_accuracy"] - cases["sklearn"]["test_accuracy"])
            t.add(
                "D",
                "scratchnn",
                f"({name}) |test accuracy − scikit-learn's|",
                diff,
                "<=",
                D_ACCURACY_TARGET,
            )


def evaluate_targets(results: dict) -> list[dict]:
    """Every target that this run can evaluate, with the measured value (the run's duration
    only for a full run of every workload)."""
    t = _Targets()
    w = results.get("workloads", {})
    for name, check in (("A", _a), ("B", _b), ("C", _c), ("D", _d)):
        if name in w:
            check(t, w[name])
    meta = results.get("meta", {})
    if set(w) == {"A", "B", "C", "D"} and not meta.get("quick") and "duration_s" in meta:
        t.add(
            "all",
            "make bench",
            "seconds for the whole run, 2 cores",
            meta["duration_s"],
            "<=",
            DURATION_TARGET,
        )
    return list(t)
