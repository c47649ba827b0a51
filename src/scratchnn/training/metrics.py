"""Per-epoch metrics of outputs against targets: ``metric(y, t) -> float``."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence, Union

import numpy as np

__all__ = ["accuracy", "METRICS", "Metric", "Metrics", "resolve_metrics"]


def accuracy(y: np.ndarray, t: np.ndarray) -> float:
    """Fraction of samples classified correctly.

    With one output column (a logistic output), the class is :math:`[y > 0.5]` against
    :math:`[t > 0.5]` (the series' ``round(y)``); with several (softmax or one-hot), the
    arg-max of each row of ``y`` against that of ``t``.
    """
    if y.shape[1] == 1:
        return float(np.mean((y > 0.5) == (t > 0.5)))
    return float(np.mean(np.argmax(y, axis=1) == np.argmax(t, axis=1)))


#: Metrics by name: ``metric(y, t) -> float`` of outputs and targets, shape (N, n_out).
METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {"accuracy": accuracy}

Metric = Callable[[np.ndarray, np.ndarray], float]
Metrics = Union[Sequence[Union[str, Metric]], Mapping[str, Metric]]


def resolve_metrics(metrics: Metrics) -> list[tuple[str, Metric]]:
    if isinstance(metrics, str):
        metrics = (metrics,)
    items: list[tuple[str, Any]] = []
    if isinstance(metrics, Mapping):
        items = list(metrics.items())
    else:
        for m in metrics:
            if isinstance(m, str):
                if m not in METRICS:
                    raise ValueError(
                        f"metrics: unknown metric {m!r}; known: {', '.join(METRICS)}, "
                        "or pass a callable metric(y, t) -> float"
                    )
                items.append((m, METRICS[m]))
            elif callable(m):
                items.append((getattr(m, "__name__", repr(m)), m))
            else:
                raise TypeError(f"metrics must hold names or callables, got {m!r}")
    names = [name for name, _ in items]
    if len(set(names)) != len(names):
        raise ValueError(f"metrics must have distinct names, got {names}")
    for name, fn in items:
        if not isinstance(name, str) or not callable(fn):
            raise TypeError(f"metrics must map names to callables, got {name!r}: {fn!r}")
    return items
