"""Optimisers: update rules applied to lists of parameter arrays, in place.

Each optimiser keeps its state explicitly: ``step_count`` (updates done so far),
``current_learning_rate`` (the rate the next update uses) and per-parameter buffers created
by ``init``. The learning rate may be a number or a schedule, a callable of the step count
returning a number.

Notation: :math:`\\theta` a parameter, :math:`J = \\partial\\xi/\\partial\\theta` its gradient,
:math:`\\mu` the learning rate, :math:`\\lambda` the momentum.
"""

from __future__ import annotations

import numbers
from typing import Callable, Sequence, Union

import numpy as np

from ._validation import check_positive

__all__ = ["Optimizer", "GradientDescent", "Momentum", "OPTIMIZER_TYPES"]

LearningRate = Union[float, Callable[[int], float]]


class Optimizer:
    """Base class holding the learning rate (or schedule) and the step count.

    Parameters
    ----------
    learning_rate : float or callable
        A positive number, or a schedule ``f(step) -> float`` of the number of updates done.
    """

    def __init__(self, learning_rate: LearningRate) -> None:
        if not callable(learning_rate):
            learning_rate = check_positive(learning_rate, "learning_rate")
        self.learning_rate = learning_rate
        self.step_count = 0
        self._initialised_for: list[tuple[tuple[int, ...], np.dtype]] | None = None

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next update will use."""
        if callable(self.learning_rate):
            value = self.learning_rate(self.step_count)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"learning-rate schedule returned {value!r}, not a number")
            return float(value)
        return self.learning_rate

    def init(self, params: Sequence[np.ndarray]) -> None:
        """Create the state for ``params`` (zero buffers) and reset the step count."""
        self.step_count = 0
        self._initialised_for = [(p.shape, p.dtype) for p in params]
        self._init_state(params)

    def _init_state(self, params: Sequence[np.ndarray]) -> None:
        """Subclasses create their per-parameter buffers here."""

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place from ``grads`` (same order and shapes)."""
        if self._initialised_for is None or len(self._initialised_for) != len(params) or any(
            (p.shape, p.dtype) != sd for p, sd in zip(params, self._initialised_for)
        ):
            step_count = self.step_count
            self.init(params)
            self.step_count = step_count
        self._update(params, grads, self.current_learning_rate)
        self.step_count += 1

    def _update(self, params, grads, lr: float) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self) -> dict:
        lr = self.learning_rate
        return {"learning_rate": lr if not callable(lr) else repr(lr)}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class GradientDescent(Optimizer):
    """(Stochastic) gradient descent, optionally with heavy-ball or Nesterov momentum.

    Without momentum:

    .. math:: \\theta \\leftarrow \\theta - \\mu J

    With momentum :math:`\\lambda > 0` (the series' Part 4; :math:`M` starts at zero):

    .. math:: M \\leftarrow \\lambda M - \\mu J, \\qquad \\theta \\leftarrow \\theta + M

    With ``nesterov=True`` the parameter step looks ahead along the new velocity:

    .. math:: M \\leftarrow \\lambda M - \\mu J, \\qquad \\theta \\leftarrow \\theta + \\lambda M - \\mu J

    Parameters
    ----------
    learning_rate : float or callable
    momentum : float, default 0
        :math:`\\lambda` in [0, 1).
    nesterov : bool, default False
    """

    def __init__(
        self, learning_rate: LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False
    ) -> None:
        super().__init__(learning_rate)
        momentum = check_positive(momentum, "momentum", allow_zero=True)
        if momentum >= 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        if nesterov and momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0")
        self.momentum = momentum
        self.nesterov = bool(nesterov)
        self.velocities: list[np.ndarray] = []

    def _init_state(self, params) -> None:
        self.velocities = [np.zeros_like(p) for p in params] if self.momentum else []

    def _update(self, params, grads, lr: float) -> None:
        if not self.momentum:
            for p, g in zip(params, grads):
                p -= lr * g
            return
        for p, g, v in zip(params, grads, self.velocities):
            v *= self.momentum
            v -= lr * g
            if self.nesterov:
                p += self.momentum * v - lr * g
            else:
                p += v

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


def Momentum(learning_rate: LearningRate, momentum: float = 0.9) -> GradientDescent:
    """Heavy-ball momentum, the series' Part 4 rule: ``GradientDescent(lr, momentum)``."""
    return GradientDescent(learning_rate, momentum=momentum)


#: Optimiser classes by name.
OPTIMIZER_TYPES: dict[str, type[Optimizer]] = {"GradientDescent": GradientDescent}
