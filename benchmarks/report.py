"""The targets (issues 5 and 9) checked against a run, and RESULTS.md written from
results.json."""

from __future__ import annotations

import statistics
from pathlib import Path

#: B's throughput targets relative to PyTorch, by batch size (issue 5).
B_TORCH_TARGETS = {"32": 1.5, "128": 1.1, "1024": 1.0}
SCRATCHNN_IDS = ("scratchnn", "scratchnn-api")


def paired_ratio(cases: dict, a: str, b: str) -> float:
    """Median over rounds of ``a``'s measurement ÷ ``b``'s in the same round.

    Every round runs each implementation once, back to back, so the two measurements of a
    round were made under the same machine conditions; on a VM whose speed drifts from
    minute to minute this ratio is far steadier than the ratio of the two medians, whose
    repetitions may fall in different minutes.
    """
    va, vb = cases[a]["values"], cases[b]["values"]
    return statistics.median(x / y for x, y in zip(va, vb))


class _Ratios:
    """``r[a, b]``: paired ratio of ``a`` to ``b``; ``a, b in r`` when both were measured."""

    def __init__(self, cases: dict) -> None:
        self.cases = cases

    def __contains__(self, cid: str) -> bool:
        return cid in self.cases

    def __getitem__(self, pair: tuple[str, str]) -> float:
        return paired_ratio(self.cases, *pair)

    def of_medians(self, a: str, b: str) -> float:
        return self.cases[a]["median"] / self.cases[b]["median"]


def evaluate_targets(results: dict) -> list[dict]:
    """Every target of issue 5 that this run can evaluate, with the measured ratio."""
    targets: list[dict] = []

    def add(workload, who, what, value, op, threshold, of_medians=None):
        ok = value <= threshold if op == "<=" else value >= threshold
        targets.append(
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

    def add_ratio(workload, who, what, r, a, b, op, threshold):
        add(workload, who, what, r[a, b], op, threshold, r.of_medians(a, b))

    w = results.get("workloads", {})
    if "A" in w:
        r = _Ratios(w["A"]["cases"])
        for s in SCRATCHNN_IDS:
            if s not in r:
                continue
            if "numpy" in r:
                add_ratio("A", s, "time per epoch ÷ hand-written NumPy's", r, s, "numpy", "<=", 1.2)
            if "sklearn" in r:
                add_ratio(
                    "A", s, "scikit-learn's time per epoch ÷ this", r, "sklearn", s, ">=", 2.0
                )
            if "torch" in r:
                add_ratio("A", s, "PyTorch's time per epoch ÷ this", r, "torch", s, ">=", 3.0)
        if "scratchnn" in r and "scratchnn-api" in r:
            add_ratio(
                "A",
                "scratchnn-api",
                "speed ÷ scratchnn.train's (its time ÷ this)",
                r,
                "scratchnn",
                "scratchnn-api",
                ">=",
                0.95,
            )
    if "B" in w:
        B = w["B"]
        for s in SCRATCHNN_IDS:
            for b, entry in B["batch_sizes"].items():
                r = _Ratios(entry["cases"])
                if s not in r:
                    continue
                if "torch" in r and b in B_TORCH_TARGETS:
                    add_ratio(
                        "B",
                        s,
                        f"samples/s ÷ PyTorch's, batch {b}",
                        r,
                        s,
                        "torch",
                        ">=",
                        B_TORCH_TARGETS[b],
                    )
                if "numpy" in r:
                    add_ratio(
                        "B",
                        s,
                        f"samples/s ÷ hand-written NumPy's, batch {b}",
                        r,
                        s,
                        "numpy",
                        ">=",
                        1.0,
                    )
                if s == "scratchnn-api" and "scratchnn" in r:
                    add_ratio(
                        "B",
                        s,
                        f"samples/s ÷ scratchnn.train's, batch {b}",
                        r,
                        s,
                        "scratchnn",
                        ">=",
                        0.95,
                    )
            frac = B.get("gemm_fraction", {})
            if s in frac:
                add(
                    "B",
                    s,
                    f"fraction of the run's float32 GEMM peak, batch {B['gemm_fraction_batch']}",
                    frac[s],
                    ">=",
                    0.75,
                )
            paired = B.get("gemm_fraction_paired", {})
            if s in paired:
                add(
                    "B",
                    s,
                    "fraction of the float32 GEMM rate probed in the same round, batch "
                    f"{B['gemm_fraction_batch']}",
                    paired[s],
                    ">=",
                    0.75,
                )
            mem = B.get("memory", {}).get("cases", {})
            if "peak_rss_mib" in mem.get(s, {}) and "peak_rss_mib" in mem.get("numpy", {}):
                add(
                    "B",
                    s,
                    "peak RSS ÷ hand-written NumPy's",
                    mem[s]["peak_rss_mib"] / mem["numpy"]["peak_rss_mib"],
                    "<=",
                    1.2,
                )
    if "C" in w:
        r = _Ratios(w["C"]["cases"])
        if "scratchnn" in r and "numpy" in r:
            add_ratio(
                "C",
                "scratchnn",
                "iterations/s ÷ hand-written 1-D NumPy's",
                r,
                "scratchnn",
                "numpy",
                ">=",
                0.8,
            )
    return targets


# -- formatting -------------------------------------------------------------------------------
def _num(x: float) -> str:
    """Three significant digits; thousands as k."""
    if x is None:
        return "–"
    ax = abs(x)
    if ax >= 1e4:
        return f"{x / 1e3:.1f}k" if ax < 1e5 else f"{x / 1e3:.0f}k"
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def _spread(entry: dict) -> str:
    return f"{_num(entry['min'])} – {_num(entry['max'])}"


def _ratio(x: float) -> str:
    return f"{x:.2f}×"


def _machine(results: dict) -> list[str]:
    m = results["machine"]
    v = m["versions"]
    lines = ["## Machine", "", "| | |", "|---|---|"]
    lines.append(f"| CPU | {m['cpu']} ({m['machine']}) |")
    lines.append(f"| cores | {m['logical_cpus']} logical, {m['usable_cpus']} usable by the run |")
    lines.append(f"| memory | {m['memory_gib']} GiB |")
    lines.append(f"| OS | {m['os']} |")
    lines.append(
        "| versions | Python "
        + m["python"]
        + ", "
        + ", ".join(f"{k} {v[k]}" for k in ("numpy", "scratchnn", "sklearn", "torch") if v.get(k))
        + " |"
    )
    for pool in m.get("threadpools") or []:
        lib = Path(pool.get("filepath", "?")).name
        arch = f", {pool['architecture']} kernels" if pool.get("architecture") else ""
        layer = f", {pool['threading_layer']}" if pool.get("threading_layer") else ""
        lines.append(
            f"| {pool.get('user_api')} pool | {pool.get('internal_api')} {pool.get('version')}"
            f"{arch}, {pool.get('num_threads')} threads{layer} (`{lib}`) |"
        )
    if "torch_threads" in m:
        lines.append(
            f"| PyTorch intra-op threads | {m['torch_threads']} (MKL: "
            f"{m['torch_blas']['mkl']}, oneDNN: {m['torch_blas']['mkldnn']}) |"
        )
    env = ", ".join(
        f"{k}={val}" if val is not None else f"{k} unset" for k, val in m["env"].items()
    )
    lines.append(f"| BLAS environment | {env} |")
    meta = results["meta"]
    lines.append(
        f"| load average (1/5/15 min) | before {_load(meta.get('load_average_before'))}, "
        f"after {_load(meta.get('load_average_after'))} |"
    )
    g = results.get("gemm")
    if g:
        per = "; ".join(
            f"{lib} " + ", ".join(f"n={n}: {_num(s['median'])}" for n, s in by.items())
            for lib, by in g["libraries"].items()
        )
        lines.append(
            f"| float32 GEMM peak | **{_num(g['peak_gflops'])} GFLOP/s**: the fastest "
            f"single n×n product ({g['peak_library']}, n={g['peak_size']}), measured at "
            f"the start and at the end of the run; medians of the better run: {per} |"
        )
    return lines + [""]


def _load(values) -> str:
    return "–" if not values else " / ".join(f"{x:.2f}" for x in values)


def _targets(results: dict) -> list[str]:
    t = results.get("targets") or []
    if not t:
        return []
    lines = [
        "## Issue 5 targets in this run",
        "",
        "Ratios are paired: the median over rounds of the two implementations' ratio "
        "within a round (see above); the ratio of the two medians is shown beside it.",
        "",
        "| workload | implementation | target | measured | ratio of medians | met |",
        "|---|---|---|---|---|---|",
    ]
    for x in t:
        rom = x.get("ratio_of_medians")
        lines.append(
            f"| {x['workload']} | {x['implementation']} | {x['target']} {x['op']} "
            f"{x['threshold']:g} | {x['value']:.2f} | "
            f"{'–' if rom is None else f'{rom:.2f}'} | "
            f"{'yes' if x['met'] else '**no**'} |"
        )
    return lines + [""]


def _skipped(skipped: dict) -> list[str]:
    return [f"- skipped **{cid}**: {why}" for cid, why in skipped.items()]


def _descriptions(cases: dict) -> list[str]:
    return [
        f"- **{e['label']}** ({cid}): {e['description']}"
        + (f"; {e['note']}" if e.get("note") else "")
        for cid, e in cases.items()
    ]


def _load_line(w: dict) -> list[str]:
    load = w.get("load_average_at_start")
    return (
        [f"Load average (1/5/15 min) when this table started: {_load(load)}.", ""] if load else []
    )


def _agreement(w: dict) -> list[str]:
    d = w.get("max_param_diff_vs_numpy") or {}
    if not d:
        return []
    parts = ", ".join(f"{cid} {v:.1e}" for cid, v in d.items())
    return [
        f"Same math check: largest |parameter difference| from the hand-written loop after "
        f"all repetitions: {parts}.",
        "",
    ]


def _section_a(A: dict) -> list[str]:
    cases = A["cases"]
    r = _Ratios(cases)
    lines = [
        f"## {A['title']}",
        "",
        f"{A['samples']} training samples in {A['batches']} fixed mini-batches; one "
        f"repetition = {A['epochs_per_repeat']} epochs. One epoch = every mini-batch's "
        "update and loss, then the loss on the whole training set (what the tutorial "
        "records). Lower is better.",
        "",
        "| implementation | ms per epoch (median) | min – max | time ÷ hand-written | "
        "scratchnn.train is faster by |",
        "|---|---|---|---|---|",
    ]
    for cid, e in cases.items():
        rel = _ratio(r[cid, "numpy"]) if "numpy" in r else "–"
        fast = _ratio(r[cid, "scratchnn"]) if "scratchnn" in r else "–"
        lines.append(f"| {e['label']} | {_num(e['median'])} | {_spread(e)} | {rel} | {fast} |")
    return (
        lines
        + [""]
        + _descriptions(cases)
        + _skipped(A["skipped"])
        + [""]
        + _agreement(A)
        + _load_line(A)
    )


def _section_b(B: dict) -> list[str]:
    lines = [
        f"## {B['title']}",
        "",
        f"{B['n_parameters']:,} parameters; one sample costs about 6 × parameters = "
        f"{B['flops_per_sample'] / 1e6:.2f} MFLOP. One repetition = one epoch. "
        "Samples per second, higher is better.",
        "",
    ]
    sizes = list(B["batch_sizes"])
    labels: dict[str, str] = {}
    for entry in B["batch_sizes"].values():
        for cid, e in entry["cases"].items():
            labels.setdefault(cid, e["label"])
    head = "| implementation | " + " | ".join(f"batch {b}: median (min – max)" for b in sizes)
    lines += [head + " |", "|---" * (len(sizes) + 1) + "|"]
    for cid, label in labels.items():
        cells = []
        for b in sizes:
            e = B["batch_sizes"][b]["cases"].get(cid)
            cells.append(f"{_num(e['median'])} ({_spread(e)})" if e else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Paired ratios (throughput ÷ the column's implementation's in the same round, "
        "median over rounds; > 1 is faster):",
        "",
    ]
    head = (
        "| implementation | "
        + " | ".join(f"÷ hand-written, {b}" for b in sizes)
        + " | "
        + " | ".join(f"÷ PyTorch, {b}" for b in sizes)
        + f" | % of the GEMM peak, batch {B.get('gemm_fraction_batch', '–')}: run's peak "
        "/ same round's rate |"
    )
    lines += [head, "|---" * (2 * len(sizes) + 2) + "|"]
    frac = B.get("gemm_fraction", {})
    paired = B.get("gemm_fraction_paired", {})
    for cid, label in labels.items():
        cells = []
        for ref in ("numpy", "torch"):
            for b in sizes:
                r = _Ratios(B["batch_sizes"][b]["cases"])
                cells.append(_ratio(r[cid, ref]) if cid in r and ref in r else "–")
        pct = f"{100 * frac[cid]:.0f} %" if cid in frac else "–"
        if cid in paired:
            pct += f" / {100 * paired[cid]:.0f} %"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {pct} |")
    lines.append("")
    probe = B.get("gemm_probe_gflops")
    if probe:
        lines += [
            f"The GEMM fraction is the epoch's FLOP rate (samples/s × "
            f"{B['flops_per_sample'] / 1e6:.2f} MFLOP) against the float32 matrix-product "
            "rate, measured two ways: against the run's peak (the fastest single product, "
            "see Machine), and round by round against the best of three square products "
            "run in that same round at a random place in the order (median over rounds); "
            f"the probed rate was {_num(probe['median'])} GFLOP/s "
            f"({_spread(probe)}).",
            "",
        ]
    mem = B.get("memory")
    if mem:
        ref = mem["cases"].get("numpy", {}).get("peak_rss_mib")
        lines += [
            f"Peak memory at batch {mem['batch_size']}, each implementation in its own "
            "process (data, imports and model included; the kernel's peak counter reset "
            "just before the epoch):",
            "",
            "| implementation | peak RSS during the epoch, MiB | RSS before the epoch, MiB "
            "| increase during the epoch, MiB | peak ÷ hand-written |",
            "|---|---|---|---|---|",
        ]
        for cid, r in mem["cases"].items():
            label = labels.get(cid, cid)
            if "skipped" in r:
                lines.append(f"| {label} | skipped: {r['skipped']} | | | |")
                continue
            rel = _ratio(r["peak_rss_mib"] / ref) if ref else "–"
            lines.append(
                f"| {label} | {r['peak_rss_mib']:.0f} | {r['rss_before_mib']:.0f} | "
                f"{r['training_increase_mib']:.0f} | {rel} |"
            )
        lines.append("")
    first = B["batch_sizes"][sizes[0]]
    loads = "; ".join(
        f"batch {b}: {_load(e.get('load_average_at_start'))}" for b, e in B["batch_sizes"].items()
    )
    return (
        lines
        + _descriptions(first["cases"])
        + _skipped(first["skipped"])
        + [""]
        + [f"Load average (1/5/15 min) when each batch size started: {loads}.", ""]
    )


def _section_c(C: dict) -> list[str]:
    cases = C["cases"]
    r = _Ratios(cases)
    lines = [
        f"## {C['title']}",
        "",
        f"One repetition = {C['iterations_per_repeat']} iterations, each computing the "
        "loss (recorded, as the tutorial does) and one gradient step. Higher is better.",
        "",
        "| implementation | iterations/s (median) | min – max | ÷ hand-written 1-D | ÷ PyTorch |",
        "|---|---|---|---|---|",
    ]
    for cid, e in cases.items():
        rel = _ratio(r[cid, "numpy"]) if "numpy" in r else "–"
        tor = _ratio(r[cid, "torch"]) if "torch" in r else "–"
        lines.append(f"| {e['label']} | {_num(e['median'])} | {_spread(e)} | {rel} | {tor} |")
    return (
        lines
        + [""]
        + _descriptions(cases)
        + _skipped(C["skipped"])
        + [""]
        + _agreement(C)
        + _load_line(C)
    )


def write_markdown(results: dict, path: Path) -> None:
    meta = results["meta"]
    lines = ["# scratchnn benchmarks", ""]
    if meta.get("quick"):
        lines += [
            "> **Quick run** (tiny sizes, `--quick`): checks that the code runs; the "
            "numbers mean nothing.",
            "",
        ]
    if meta.get("note"):
        lines += [f"> **Note:** {meta['note']}", ""]
    lines += [
        f"Written by `{meta['command']}` (`make bench`) on {meta['started_utc']} in "
        f"{meta['duration_s']} s at commit {meta.get('git_commit') or '?'}"
        + (" with modified engine sources" if meta.get("src_modified") else "")
        + "; `results.json` beside this file holds every measurement.",
        "",
        "Each workload runs every implementation in one process, interleaved: a round runs "
        "one repetition of each, in a fresh random order (so no implementation always follows "
        "the same one), with a short pause before each repetition so that the previous "
        "library's idle threads have stopped spinning; then the next round. Tables give the "
        "median over the repetitions with min and max. Ratios are paired: within each round "
        "the ratio of the two implementations' measurements, then the median of those ratios "
        "over the rounds. Runs of one round are seconds apart, so a paired ratio compares "
        "them under the same machine conditions; on this VM, whose speed drifts from minute "
        "to minute, it is far steadier than the ratio of the medians (shown beside it in the "
        "targets table). "
        "hand-written NumPy is a short training loop with the gradients written out: the "
        "baseline that shows what the engine costs.",
        "",
    ]
    lines += _machine(results)
    lines += _targets(results)
    w = results["workloads"]
    if "A" in w:
        lines += _section_a(w["A"])
    if "B" in w:
        lines += _section_b(w["B"])
    if "C" in w:
        lines += _section_c(w["C"])
    lines += [
        "## How to run",
        "",
        "`make bench` creates `.venv-bench` (scratchnn plus `benchmarks/requirements.txt`: "
        "PyTorch 2.13.0 CPU, scikit-learn, threadpoolctl, pyinstrument), unsets "
        "`OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` for that command only (they make a current "
        "OpenBLAS pick slower kernels; the BLAS rows above show the kernels that ran) and runs "
        "`python -m benchmarks`, which rewrites this file and `results.json`. "
        "`python -m benchmarks --help` lists the options (`--workloads`, `--frameworks`, "
        "`--repeats`, `--no-memory`, `--quick`). `python -m benchmarks.profile_engine` "
        "profiles scratchnn on the same workloads.",
        "",
    ]
    path.write_text("\n".join(lines))
