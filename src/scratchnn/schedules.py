"""Learning-rate schedules: the rate as a function of the number of updates done.

A learning rate is a positive number or a *schedule*: any callable ``f(step) -> float`` of the
number of updates done (0 for the first update). The classes below also describe themselves
with ``get_config``, so an optimiser using them can be saved (:mod:`scratchnn.checkpoint`); a
plain function or lambda works for training but cannot be saved.
"""

from __future__ import annotations

import math
from typing import Any

from ._validation import check_int, check_real

__all__ = [
    "Schedule",
    "Constant",
    "StepDecay",
    "ExponentialDecay",
    "InverseScaling",
    "CosineDecay",
    "LinearDecay",
    "SCHEDULE_TYPES",
    "schedule_from_config",
]


class Schedule:
    """Base class of learning-rate schedules: ``schedule(step) -> float``.

    ``step`` is the number of updates done before the one that uses the rate (0, 1, 2 …).
    Subclasses implement ``__call__`` and ``get_config`` (the constructor arguments).
    """

    def __call__(self, step: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.get_config() == self.get_config()

    __hash__ = None  # type: ignore[assignment]


class Constant(Schedule):
    """:math:`\\mu_t = \\mu_0`."""

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")

    def __call__(self, step: int) -> float:
        return self.learning_rate

    def get_config(self) -> dict[str, Any]:
        return {"learning_rate": self.learning_rate}


class StepDecay(Schedule):
    """Multiply the rate by ``factor`` every ``step_size`` updates.

    .. math:: \\mu_t = \\mu_0 \\cdot \\text{factor}^{\\lfloor t / \\text{step\\_size} \\rfloor}
    """

    def __init__(self, initial: float, factor: float = 0.5, step_size: int = 1000) -> None:
        self.initial = check_real(initial, "initial", "(0, inf)")
        self.factor = check_real(factor, "factor", "(0, 1]")
        self.step_size = check_int(step_size, "step_size", low=1)

    def __call__(self, step: int) -> float:
        return self.initial * self.factor ** (step // self.step_size)

    def get_config(self) -> dict[str, Any]:
        return {"initial": self.initial, "factor": self.factor, "step_size": self.step_size}


class ExponentialDecay(Schedule):
    """Smooth exponential decay.

    .. math:: \\mu_t = \\mu_0 \\cdot \\text{decay\\_rate}^{t / \\text{decay\\_steps}}
    """

    def __init__(self, initial: float, decay_rate: float = 0.96, decay_steps: int = 1) -> None:
        self.initial = check_real(initial, "initial", "(0, inf)")
        self.decay_rate = check_real(decay_rate, "decay_rate", "(0, 1]")
        self.decay_steps = check_int(decay_steps, "decay_steps", low=1)

    def __call__(self, step: int) -> float:
        return self.initial * self.decay_rate ** (step / self.decay_steps)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial": self.initial,
            "decay_rate": self.decay_rate,
            "decay_steps": self.decay_steps,
        }


class InverseScaling(Schedule):
    """Inverse scaling (scikit-learn's ``"invscaling"`` form).

    .. math:: \\mu_t = \\mu_0 / (t + 1)^{p}
    """

    def __init__(self, initial: float, power: float = 0.5) -> None:
        self.initial = check_real(initial, "initial", "(0, inf)")
        self.power = check_real(power, "power", "[0, inf)")

    def __call__(self, step: int) -> float:
        return self.initial / (step + 1) ** self.power

    def get_config(self) -> dict[str, Any]:
        return {"initial": self.initial, "power": self.power}


class CosineDecay(Schedule):
    """Cosine annealing from ``initial`` to ``final`` over ``decay_steps`` updates, then flat.

    .. math::

        \\mu_t = \\mu_{final} + (\\mu_0 - \\mu_{final})\\,
        \\frac{1 + \\cos(\\pi \\min(t, T) / T)}{2}
    """

    def __init__(self, initial: float, decay_steps: int, final: float = 0.0) -> None:
        self.initial = check_real(initial, "initial", "(0, inf)")
        self.decay_steps = check_int(decay_steps, "decay_steps", low=1)
        self.final = check_real(final, "final", "[0, inf)")
        if self.final > self.initial:
            raise ValueError(f"final must be <= initial ({initial!r}), got {final!r}")

    def __call__(self, step: int) -> float:
        progress = min(step, self.decay_steps) / self.decay_steps
        return self.final + (self.initial - self.final) * 0.5 * (1.0 + math.cos(math.pi * progress))

    def get_config(self) -> dict[str, Any]:
        return {"initial": self.initial, "decay_steps": self.decay_steps, "final": self.final}


class LinearDecay(Schedule):
    """Linear decay from ``initial`` to ``final`` over ``decay_steps`` updates, then flat.

    .. math:: \\mu_t = \\mu_0 + (\\mu_{final} - \\mu_0) \\min(t, T) / T
    """

    def __init__(self, initial: float, decay_steps: int, final: float = 0.0) -> None:
        self.initial = check_real(initial, "initial", "(0, inf)")
        self.decay_steps = check_int(decay_steps, "decay_steps", low=1)
        self.final = check_real(final, "final", "[0, inf)")

    def __call__(self, step: int) -> float:
        progress = min(step, self.decay_steps) / self.decay_steps
        return self.initial + (self.final - self.initial) * progress

    def get_config(self) -> dict[str, Any]:
        return {"initial": self.initial, "decay_steps": self.decay_steps, "final": self.final}


#: Schedule classes by name (used to rebuild saved optimisers).
SCHEDULE_TYPES: dict[str, type[Schedule]] = {
    cls.__name__: cls
    for cls in (Constant, StepDecay, ExponentialDecay, InverseScaling, CosineDecay, LinearDecay)
}


def schedule_from_config(config: dict[str, Any]) -> Schedule:
    """Rebuild a schedule from ``{"type": name, "config": {...}}`` (``Optimizer.get_config``)."""
    if not isinstance(config, dict) or set(config) != {"type", "config"}:
        raise ValueError(f"a schedule description must be {{'type', 'config'}}, got {config!r}")
    cls = SCHEDULE_TYPES.get(config["type"])
    if cls is None:
        raise ValueError(
            f"unknown schedule type {config['type']!r}; known: {', '.join(SCHEDULE_TYPES)}"
        )
    if not isinstance(config["config"], dict):
        raise ValueError(f"schedule config must be a dict, got {config['config']!r}")
    try:
        return cls(**config["config"])
    except TypeError as exc:
        raise ValueError(f"bad configuration for schedule {config['type']}: {exc}") from None
