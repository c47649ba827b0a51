"""RESULTS.md's section on workload B: throughput on both data sets, paired ratios, the
fraction of the honest limit (``report_limit``) and of the GEMM peak, peak memory, the
subnormal line."""

from __future__ import annotations

from .fmt import descriptions, load, num, pct, ratio, skipped, spread
from .report_limit import breakdown_section, limit_section
from .targets import Ratios

SETS = (("batch_sizes", "learnable labels"), ("random_labels", "random labels"))


def _by_batch(B: dict, key: str) -> dict:
    return B["batch_sizes"] if key == "batch_sizes" else B.get(key, {}).get("batch_sizes", {})


def _labels(by_batch: dict) -> dict[str, str]:
    labels: dict[str, str] = {}
    for entry in by_batch.values():
        for cid, e in entry["cases"].items():
            labels.setdefault(cid, e["label"])
    return labels


def _intro(B: dict) -> list[str]:
    reps = B.get("repeats", {})
    lines = [
        f"## {B['title']}",
        "",
        f"{B['n_parameters']:,} parameters; one sample costs about 6 × parameters = "
        f"{B['flops_per_sample'] / 1e6:.2f} MFLOP. One repetition = one epoch over the "
        f"{B['samples']:,} samples in shuffled mini-batches: a fresh permutation per epoch from "
        "the same NumPy generator and seed for every implementation but scikit-learn (which "
        "shuffles with its own), each batch gathered by index; every repetition starts from "
        "the same warm-start state and seed. Samples per second, higher is better. "
        f"{reps.get('teacher', '?')} rounds per batch size on the learnable labels and "
        f"{reps.get('random', '?')} on the random ones (issue 5's runs had 9 rounds of "
        "one data set): fewer rounds keep the whole `make bench` within 10 minutes on this "
        "2-core VM.",
        "",
    ]
    for name, w in B.get("warm_start", {}).items():
        loss = w.get("train_loss") or []
        dead = " / ".join(pct(x) for x in w.get("dead_units", []))
        lines.append(
            f"- Warm start, {'learnable' if name == 'teacher' else 'random'} labels: "
            f"scratchnn.train, {w['epochs']} epochs at batch {w['batch_size']} "
            f"({w['steps']:,} Adam updates, shuffled, float32; {w['seconds']} s, untimed); "
            f"mean batch loss per epoch {' → '.join(f'{x:.3f}' for x in loss[1:])}; "
            f"accuracy on the first {w['accuracy_samples']:,} training samples "
            f"{pct(w['accuracy'])}; hidden units that fire on none of them (layer 1 / 2): "
            f"{dead}; Adam moments exactly zero: "
            f"{100 * w['moments_zero']:.1f} %, subnormal: {100 * w['moments_subnormal']:.2f} %."
        )
    lines += [
        "",
        "Every implementation gets that state, restored untimed before each repetition: the "
        "weights, biases, Adam's first and second moments and step count (scikit-learn: "
        "`coefs_`, `intercepts_` and `_optimizer.ms`, `.vs`, `.t` after a first `partial_fit` "
        "on 64 samples; PyTorch: `Adam.load_state_dict`).",
        "",
    ]
    return lines


def _throughput(B: dict, key: str, words: str) -> list[str]:
    by_batch = _by_batch(B, key)
    sizes = list(by_batch)
    head = "| implementation | " + " | ".join(f"batch {b}: median (min – max)" for b in sizes)
    lines = [f"### {words.capitalize()}", "", head + " |", "|---" * (len(sizes) + 1) + "|"]
    refs = [("numpy", "hand-written"), ("torch", "PyTorch")]
    if key == "batch_sizes":
        refs.append(("scratchnn-fixed", "scratchnn.train fixed"))
    labels = _labels(by_batch)
    for cid, label in labels.items():
        cells = []
        for b in sizes:
            e = by_batch[b]["cases"].get(cid)
            cells.append(f"{num(e['median'])} ({spread(e)})" if e else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Paired ratios (throughput ÷ the column's implementation's in the same round, median "
        "over rounds; > 1 is faster):",
        "",
        "| implementation | "
        + " | ".join(f"÷ {name}, {b}" for _, name in refs for b in sizes)
        + " |",
        "|---" * (len(refs) * len(sizes) + 1) + "|",
    ]
    for cid, label in labels.items():
        cells = []
        for ref, _ in refs:
            for b in sizes:
                r = Ratios(by_batch[b]["cases"])
                cells.append(ratio(r[cid, ref]) if cid in r and ref in r else "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for b, entry in by_batch.items():
        d = entry.get("max_param_diff_vs_numpy")
        if d:
            parts = ", ".join(f"{cid} {v:.1e}" for cid, v in d.items())
            lines.append(
                f"- Same math, batch {b}: largest |parameter difference| from the "
                f"hand-written loop after an epoch from the same state and permutation: {parts}."
            )
    return lines + [""]


def _gemm(B: dict) -> list[str]:
    frac, paired = B.get("gemm_fraction", {}), B.get("gemm_fraction_paired", {})
    probe = B.get("gemm_probe_gflops")
    if not frac:
        return []
    labels = _labels(B["batch_sizes"])
    parts = "; ".join(
        f"{labels.get(cid, cid)} {pct(frac[cid])}"
        + (f" / {pct(paired[cid])}" if cid in paired else "")
        for cid in frac
    )
    text = (
        f"Fraction of the float32 GEMM peak at batch {B['gemm_fraction_batch']} (learnable "
        f"labels): the epoch's FLOP rate (samples/s × {B['flops_per_sample'] / 1e6:.2f} MFLOP) "
        "against the run's peak (the fastest single product, see Machine) / against the best "
        "of three square products run in the same round (median over rounds): " + parts + "."
    )
    if probe:
        text += f" The probed rate was {num(probe['median'])} GFLOP/s ({spread(probe)})."
    return [text, ""]


def _memory(B: dict) -> list[str]:
    mem = B.get("memory")
    if not mem:
        return []
    labels = _labels(B["batch_sizes"])
    ref = mem["cases"].get("numpy", {}).get("peak_rss_mib")
    lines = [
        f"Peak memory at batch {mem['batch_size']}, each implementation in its own process "
        "(data, imports and model included; one shuffled epoch on the learnable labels from "
        "the initial parameters; the kernel's peak counter reset just before the epoch):",
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
        rel = ratio(r["peak_rss_mib"] / ref) if ref else "–"
        lines.append(
            f"| {label} | {r['peak_rss_mib']:.0f} | {r['rss_before_mib']:.0f} | "
            f"{r['training_increase_mib']:.0f} | {rel} |"
        )
    return lines + [""]


def _subnormal(B: dict) -> list[str]:
    s = B.get("subnormal")
    if not s:
        return []
    lines = [
        "### Subnormal line: one Adam update before and after the moments decay",
        "",
        "`scratchnn.executor.TrainingStep(net, CategoricalCrossEntropy(), Adam(1e-3))` on B's "
        "network (float32); one step on 256 samples creates the state; the gradients of "
        f"{100 * s['dead_fraction_of_first_layer']:.0f} % of the first layer's units are set to "
        "zero (as a dead ReLU unit's) and `step.update()` alone is timed, "
        f"{s['updates']} updates in blocks of {s['block']} (the median of the blocks, per "
        "update): before, with the moments as they are (normal values); after, with those "
        "units' first and second moments set to `finfo(float32).tiny / 8` (subnormal) in "
        f"`opt.first_moments` / `opt.second_moments`. {s.get('pairs', 1)} such pairs, the "
        "normal moments restored before each; after ÷ before is the median over the pairs "
        "(the times shown: the median of all blocks of the phase). The flush setting is "
        "`flush_every` set on the training step.",
        "",
        "| setting | before, ms per update | after, ms per update | after ÷ before | "
        "the same, means of all updates | moments subnormal: set → left at the end |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in s["settings"].items():
        interval = r.get("flush_interval")
        if interval is None:
            label = "default (no flush_interval in this engine)"
        elif name == "default":
            label = f"flush on (default, flush_interval={interval})"
        else:
            label = f"{name} (flush_interval={interval})"
        lines.append(
            f"| {label} | {num(1e3 * r['before']['median_s'])} | "
            f"{num(1e3 * r['after']['median_s'])} | {ratio(r['ratio'])} | "
            f"{ratio(r['ratio_of_means'])} | {100 * r['subnormal_fraction_set']:.1f} % → "
            f"{100 * r['subnormal_fraction_left']:.1f} % |"
        )
    if not s.get("has_flush_interval"):
        lines += ["", "(This engine has no `TrainingStep.flush_every`: the default only.)"]
    return lines + [""]


def section_b(B: dict) -> list[str]:
    lines = _intro(B)
    for key, words in SETS:
        if _by_batch(B, key):
            lines += _throughput(B, key, words)
    lines += limit_section(B) + breakdown_section(B) + _gemm(B) + _memory(B) + _subnormal(B)
    first = B["batch_sizes"][next(iter(B["batch_sizes"]))]
    loads = "; ".join(
        f"batch {b}: {load(e.get('load_average_at_start'))}" for b, e in B["batch_sizes"].items()
    )
    return (
        lines
        + descriptions(first["cases"])
        + skipped(first["skipped"])
        + [""]
        + [f"Load average (1/5/15 min) when each batch size started: {loads}.", ""]
    )
