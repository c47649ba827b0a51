"""Number and line formatting shared by the report's sections."""

from __future__ import annotations


def num(x: float | None) -> str:
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


def spread(entry: dict) -> str:
    return f"{num(entry['min'])} – {num(entry['max'])}"


def ratio(x: float) -> str:
    return f"{x:.2f}×"


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def load(values) -> str:
    return "–" if not values else " / ".join(f"{x:.2f}" for x in values)


def skipped(skipped: dict) -> list[str]:
    return [f"- skipped **{cid}**: {why}" for cid, why in skipped.items()]


def descriptions(cases: dict) -> list[str]:
    return [
        f"- **{e['label']}** ({cid}): {e['description']}"
        + (f"; {e['note']}" if e.get("note") else "")
        for cid, e in cases.items()
    ]


def load_line(w: dict) -> list[str]:
    values = w.get("load_average_at_start")
    if not values:
        return []
    return [f"Load average (1/5/15 min) when this table started: {load(values)}.", ""]


def agreement(w: dict, what: str = "after all repetitions") -> list[str]:
    d = w.get("max_param_diff_vs_numpy") or {}
    if not d:
        return []
    parts = ", ".join(f"{cid} {v:.1e}" for cid, v in d.items())
    return [
        f"Same math check: largest |parameter difference| from the hand-written loop {what}: "
        f"{parts}.",
        "",
    ]
