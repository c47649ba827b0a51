"""RESULTS.md's sections on workload B's honest limit (the formula, the bandwidth and the
parts of the limit at each batch size) and on where the time of one step goes."""

from __future__ import annotations

from .fmt import num, pct

#: Parts of the step's least memory traffic, in the order of the table (``limit.py``).
TRAFFIC = (
    ("optimizer", "optimiser: Adam reads θ, g, m, v and writes θ, m, v (7 passes)"),
    ("batch", "batch: x and t read from the data set, written, read once (3 passes)"),
    ("activations", "activations H1, H2, Y: written once, read once"),
    ("gradients", "gradients of the layers' outputs: written once, read once"),
)
#: The breakdown's components, in the order of the table (``breakdown.py``).
COMPONENTS = (
    ("gather", "batch gathering"),
    ("products", "matrix products"),
    ("elementwise", "elementwise forward and backward"),
    ("update", "optimiser update"),
    ("python", "Python, calls and the rest (the parts together cost more than alone)"),
)


def _ms(seconds: float) -> str:
    return num(1e3 * seconds)


def limit_section(B: dict) -> list[str]:
    teacher, random = B["batch_sizes"], B.get("random_labels", {}).get("batch_sizes", {})
    sizes = [b for b in teacher if "limit_step_s" in teacher[b]]
    if not sizes:
        return []
    entries = [teacher[b] for b in sizes]
    bw_all = [v for e in entries for v in e["limit_bandwidth"]["values"]]
    lines = [
        "### The honest limit: the step's matrix products and its least memory traffic",
        "",
        "Limit time of one step = **products + traffic ÷ bandwidth**, in every round at each "
        "batch size (`benchmarks/limit.py`):",
        "",
        "- *products*: the step's eight matrix products alone at the epoch's mean batch size "
        "(three forward X@W, three weight-gradient A.T@G, two input-gradient G@W.T; float32 "
        "into preallocated outputs, the median of at least 7 runs and of 50 ms: on this VM, whose "
        "speed drifts, the best run would be a moment's best against epochs that last seconds);",
        "- *traffic*: the bytes no implementation can avoid moving (float32): "
        + "; ".join(text for _, text in TRAFFIC)
        + ";",
        f"- *bandwidth*: a STREAM-style triad measured in the same round (BLAS `saxpy`, "
        f"y = a·x + y on two {B.get('triad_mib', '?')} MiB float32 arrays: two read, one "
        f"written, median of 5); over the run {num(min(bw_all) / 1e9)} – "
        f"{num(max(bw_all) / 1e9)} GB/s.",
        "",
        "An implementation's fraction of the limit = the limit's epoch time (batches × limit "
        "of a step) ÷ its epoch time in the same round, median over rounds (learnable / random "
        "labels).",
        "",
        "| | " + " | ".join(f"batch {b}" for b in sizes) + " |",
        "|---" * (len(sizes) + 1) + "|",
    ]

    def row(name: str, cell) -> None:
        lines.append(f"| {name} | " + " | ".join(cell(e) for e in entries) + " |")

    row("batches per epoch × rows", lambda e: f"{e['n_batches']:,} × {e['limit_rows']}")
    row("matrix products, ms (median over rounds)", lambda e: _ms(e["limit_products_s"]["median"]))
    row(
        "their rate, GFLOP/s",
        lambda e: num(e["limit_flops_per_step"] / e["limit_products_s"]["median"] / 1e9),
    )
    row("triad bandwidth, GB/s (median)", lambda e: num(e["limit_bandwidth"]["median"] / 1e9))
    for key, text in TRAFFIC:
        name = text.split(":")[0]
        row(
            f"traffic: {name}, MB → ms",
            lambda e, k=key: (
                f"{e['limit_traffic_bytes'][k] / 1e6:.2f} → "
                + _ms(e["limit_traffic_bytes"][k] / e["limit_bandwidth"]["median"])
            ),
        )
    row("**limit of a step**, ms (median)", lambda e: _ms(e["limit_step_s"]["median"]))
    row("**limit**, samples/s (median)", lambda e: num(e["limit_samples_per_s"]["median"]))
    labels = {cid: c["label"] for e in entries for cid, c in e["cases"].items()}
    for cid, label in labels.items():
        cells = []
        for b in sizes:
            a = teacher[b].get("limit_fraction", {}).get(cid)
            r = random.get(b, {}).get("limit_fraction", {}).get(cid)
            cells.append(pct(a) + (f" / {pct(r)}" if r is not None else ""))
        lines.append(f"| {label}, % of the limit | " + " | ".join(cells) + " |")
    return lines + [""]


def breakdown_section(B: dict) -> list[str]:
    split = B.get("breakdown")
    if not split:
        return []
    sizes = list(split)
    lines = [
        "### Where the time of a step goes",
        "",
        "After the rounds, from the same warm start on the learnable labels, one step of the "
        "user's shuffled loop taken apart (`benchmarks/breakdown.py`): the batch generator "
        "alone; the eight matrix products alone; forward and backward alone, less the products "
        "and less the fixed cost of the calls (forward and backward of a 4-row batch less its "
        "products): elementwise work; the optimiser update alone; the rest is the calls' fixed "
        "cost plus what the loop's step costs beyond its parts measured alone (its Python, and the "
        "parts evicting each other's data from the caches). Each the median over blocks of calls, "
        "ms per step; the components add up to the loop's step. The limit's column: its part "
        "for the same work (products; traffic at the median triad bandwidth).",
        "",
        "| component | "
        + " | ".join(f"scratchnn, {b} | hand-written, {b} | limit, {b}" for b in sizes)
        + " |",
        "|---" * (3 * len(sizes) + 1) + "|",
    ]
    limit_parts = {b: _limit_parts(B, b) for b in sizes}
    for key, name in COMPONENTS + (("step", "**the loop's step**"),):
        cells = []
        for b in sizes:
            s, h = split[b]["scratchnn"][key], split[b]["numpy"][key]
            part = limit_parts[b].get(key)
            cells += [_ms(s), _ms(h), _ms(part) if part is not None else "–"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [""]


def _limit_parts(B: dict, b: str) -> dict:
    """The limit's seconds for each component of the breakdown, at batch ``b``."""
    e = B["batch_sizes"].get(b, {})
    if "limit_step_s" not in e:
        return {}
    bw, traffic = e["limit_bandwidth"]["median"], e["limit_traffic_bytes"]
    return {
        "gather": traffic["batch"] / bw,
        "products": e["limit_products_s"]["median"],
        "elementwise": (traffic["activations"] + traffic["gradients"]) / bw,
        "update": traffic["optimizer"] / bw,
        "python": 0.0,
        "step": e["limit_step_s"]["median"],
    }
