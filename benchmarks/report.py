"""RESULTS.md written from results.json (B's section: :mod:`benchmarks.report_b`).

``evaluate_targets`` and ``paired_ratio`` live in :mod:`benchmarks.targets` and are
re-exported here.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from .common import cpu_summary
from .fmt import agreement, descriptions, load, load_line, num, ratio, skipped, spread
from .report_b import section_b
from .targets import Ratios, evaluate_targets, paired_ratio

__all__ = ["evaluate_targets", "paired_ratio", "write_markdown"]


# -- sections ---------------------------------------------------------------------------------
def _machine(results: dict) -> list[str]:
    m = results["machine"]
    v = m["versions"]
    lines = ["## Machine", "", "| | |", "|---|---|"]
    lines.append(f"| CPU | {cpu_summary(m)} ({m['machine']}) |")
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
        f"| load average (1/5/15 min) | before {load(meta.get('load_average_before'))}, "
        f"after {load(meta.get('load_average_after'))} |"
    )
    g = results.get("gemm")
    if g:
        per = "; ".join(
            f"{lib} " + ", ".join(f"n={n}: {num(s['median'])}" for n, s in by.items())
            for lib, by in g["libraries"].items()
        )
        lines.append(
            f"| float32 GEMM peak | **{num(g['peak_gflops'])} GFLOP/s**: the fastest "
            f"single n×n product ({g['peak_library']}, n={g['peak_size']}), measured at "
            f"the start and at the end of the run; medians of the better run: {per} |"
        )
    return lines + [""]


def _targets(results: dict) -> list[str]:
    t = results.get("targets") or []
    if not t:
        return []
    lines = [
        "## Targets in this run (issue 22)",
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


def _section_a(A: dict) -> list[str]:
    cases = A["cases"]
    r = Ratios(cases)
    lines = [
        f"## {A['title']}",
        "",
        f"{A['samples']} training samples in {A['batches']} fixed mini-batches; one "
        f"repetition = {A['epochs_per_repeat']} epochs; {_rounds(cases)} rounds (issue 5's "
        "runs had 41: fewer keep the whole `make bench` within 10 minutes). One epoch = every "
        "mini-batch's update and loss, then the loss on the whole training set (what the "
        "tutorial records). Lower is better.",
        "",
        "| implementation | ms per epoch (median) | min – max | time ÷ hand-written | "
        "scratchnn.train is faster by |",
        "|---|---|---|---|---|",
    ]
    for cid, e in cases.items():
        rel = ratio(r[cid, "numpy"]) if "numpy" in r else "–"
        fast = ratio(r[cid, "scratchnn"]) if "scratchnn" in r else "–"
        lines.append(f"| {e['label']} | {num(e['median'])} | {spread(e)} | {rel} | {fast} |")
    return (
        lines
        + [""]
        + descriptions(cases)
        + skipped(A["skipped"])
        + [""]
        + agreement(A)
        + load_line(A)
    )


def _section_c(C: dict) -> list[str]:
    cases = C["cases"]
    r = Ratios(cases)
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
        rel = ratio(r[cid, "numpy"]) if "numpy" in r else "–"
        tor = ratio(r[cid, "torch"]) if "torch" in r else "–"
        lines.append(f"| {e['label']} | {num(e['median'])} | {spread(e)} | {rel} | {tor} |")
    return (
        lines
        + [""]
        + descriptions(cases)
        + skipped(C["skipped"])
        + [""]
        + agreement(C)
        + load_line(C)
    )


def _rounds(cases: dict) -> int:
    return max((len(e["values"]) for e in cases.values()), default=0)


def _cpu_headline(m: dict) -> str:
    d = m.get("cpu_details") or {}
    text = m.get("cpu", "?")
    if "family" in d:
        text += f" (family {d['family']}, model {d.get('model')})"
    cores = m.get("usable_cpus") or m.get("logical_cpus")
    return text + (f", {cores} cores" if cores else "")


def _section_d(D: dict) -> list[str]:
    lines = [f"## {D['title']}", ""]
    if D.get("skipped"):
        return lines + [f"Skipped: {D['skipped']}", ""]
    lines += [
        "Each setting: the same parameters for both (`random_state=0`, `n_iter_no_change = "
        "max_iter + 1` so that neither stops early, the defaults otherwise) and the same data; "
        "one repetition = one `fit` of a fresh estimator, in paired rounds. Lower is better. "
        "Accuracy on the setting's test set and `n_iter_` are those of the last fit.",
        "",
        "| setting | implementation | fit, s: median (min – max) | scikit-learn's time ÷ "
        "this (paired) | n_iter_ | test accuracy | final training loss | parameters |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in D["settings"].items():
        r = Ratios(entry["cases"])
        for cid, e in entry["cases"].items():
            speed = ratio(r["sklearn", cid]) if "sklearn" in r else "–"
            loss = "–" if e.get("final_loss") is None else f"{e['final_loss']:.4f}"
            lines.append(
                f"| ({name}) {entry['title']} | {e['label']} | {num(e['median'])} "
                f"({spread(e)}) | {speed} | {e['n_iter']} | {e['test_accuracy']:.4f} | {loss} | "
                f"{e['dtype']} |"
            )
    lines += ["", *_d_bound(D), ""]
    for name, entry in D["settings"].items():
        params = ", ".join(f"{k}={v}" for k, v in entry["params"].items())
        lines.append(
            f"- ({name}) {entry['n_train']:,} training and {entry['n_test']:,} test samples, "
            f"{entry['dtype']}; MLPClassifier({params})"
        )
        lines += [f"  {x}" for x in skipped(entry["skipped"])]
    first = next(iter(D["settings"].values()), None)
    if first:
        lines += [""] + descriptions(first["cases"])
    return lines + [""]


def _d_bound(D: dict) -> list[str]:
    """What no implementation can beat: each fit's matrix products alone (``FitProducts``),
    and scikit-learn's fit time over them, paired by round: the most any faster fit could
    reach against scikit-learn (its products are the same BLAS calls)."""
    lines = []
    for name, entry in D["settings"].items():
        probe, cases = entry.get("products"), entry["cases"]
        if not probe or "sklearn" not in cases:
            continue
        sk = cases["sklearn"]["values"]
        bound = statistics.median(v / p for v, p in zip(sk, probe))
        lines.append(
            f"- ({name}) the fit's matrix products alone (every step's forward, weight- and "
            f"input-gradient products at its batch shapes, best of 7 each): "
            f"{num(statistics.median(probe))} s; scikit-learn's fit time ÷ that: "
            f"**{ratio(bound)}**, the most any fit making these products could reach "
            "against scikit-learn (paired by round)."
        )
    return lines


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
        f"Measured on **{_cpu_headline(results['machine'])}**. Written by "
        f"`{meta['command']}` (`make bench`) on {meta['started_utc']} in "
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
        lines += section_b(w["B"])
    if "C" in w:
        lines += _section_c(w["C"])
    if "D" in w:
        lines += _section_d(w["D"])
    lines += [
        "## How to run",
        "",
        "`make bench` creates `.venv-bench` (scratchnn plus `benchmarks/requirements.txt`: "
        "PyTorch 2.13.0 CPU, scikit-learn, threadpoolctl, pyinstrument), unsets "
        "`OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` for that command only (they make a current "
        "OpenBLAS pick slower kernels; the BLAS rows above show the kernels that ran) and runs "
        "`python -m benchmarks`, which rewrites this file and `results.json`. "
        "`python -m benchmarks --help` lists the options (`--workloads`, `--frameworks`, "
        "`--repeats`, `--b-samples`, `--b-batch-sizes`, `--no-memory`, `--quick`, `--out`, "
        "`--note`); `make bench BENCH_ARGS='--quick --out /tmp/bench'` writes a smoke run "
        "elsewhere. `python -m benchmarks.profile_engine` profiles scratchnn on the same "
        "workloads.",
        "",
    ]
    path.write_text("\n".join(lines))
