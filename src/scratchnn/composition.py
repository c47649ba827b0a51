"""Composition: gradient transformations followed by an optimiser, as one optimiser.

:func:`chain` threads the gradients through transformations (weight decay, clipping:
:mod:`scratchnn.regularization`, or the user's own ``init``/``update`` pairs) and hands the
result to the optimiser. ``train``'s ``weight_decay`` and ``clip_norm`` build exactly such a
chain, and the scikit-learn estimators use it too.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from .optimizer_base import Optimizer, check_pairs
from .optimizer_state import State

__all__ = ["Chain", "chain"]

Arrays = Sequence[np.ndarray]


class Chain(Optimizer):
    """Gradient transformations followed by an optimiser (see :func:`chain`).

    ``update`` threads the gradients through every transformation, then the optimiser; the
    state is the tuple of their states. The stateful front keeps each part's state on the
    part itself, so the optimiser passed in keeps counting (``train`` resumes it).
    """

    def __init__(self, *parts: Any) -> None:
        if not parts or not isinstance(parts[-1], Optimizer):
            raise TypeError("chain(...) must end with an Optimizer")
        for i, part in enumerate(parts[:-1]):
            if not (
                callable(getattr(part, "init", None)) and callable(getattr(part, "update", None))
            ):
                raise TypeError(f"chain part {i} must have init() and update(), got {part!r}")
        self.transforms = list(parts[:-1])
        self.optimizer: Optimizer = parts[-1]
        self.transform_states: list[Any] = [None] * len(self.transforms)

    learning_rate = property(lambda self: self.optimizer.learning_rate)

    def learning_rate_at(self, count: int) -> float:
        return self.optimizer.learning_rate_at(count)

    # The base class declares a class attribute, the chain reads its optimiser's: a read-only
    # property over a writable attribute, which mypy rejects (the base never assigns it).
    @property
    def state_type(self) -> type[State]:  # type: ignore[override]
        return self.optimizer.state_type

    @property
    def state(self) -> tuple:
        return (*self.transform_states, self.optimizer.state)

    @state.setter
    def state(self, value: tuple) -> None:
        if value is None:  # Optimizer.__init__
            return
        *self.transform_states, self.optimizer.state = value

    @property
    def step_count(self) -> int:
        return self.optimizer.step_count

    def init(self, params: Arrays) -> tuple:
        return (*(t.init(params) for t in self.transforms), self.optimizer.init(params))

    def update(self, grads: Arrays, state: tuple, params: Arrays) -> tuple[list, tuple]:
        states = []
        for transform, s in zip(self.transforms, state):
            grads, s = transform.update(grads, s, params)
            states.append(s)
        updates, last = self.optimizer.update(grads, state[-1], params)
        return updates, (*states, last)

    def step(self, params: Arrays, grads: Arrays) -> None:
        check_pairs(params, grads)
        for i, transform in enumerate(self.transforms):
            if self.transform_states[i] is None:
                self.transform_states[i] = transform.init(params)
            grads, self.transform_states[i] = transform.update(
                grads, self.transform_states[i], params
            )
        self.optimizer.step(params, grads)

    def get_state(self) -> dict[str, Any]:
        return self.optimizer.get_state()

    def set_state(self, step_count: int, buffers: Mapping[str, Arrays]) -> None:
        self.optimizer.set_state(step_count, buffers)

    def get_config(self) -> dict[str, Any]:
        return self.optimizer.get_config()

    def __repr__(self) -> str:
        return "chain(" + ", ".join(map(repr, [*self.transforms, self.optimizer])) + ")"


def chain(*parts: Any) -> Chain:
    """Compose gradient transformations with an optimiser, applied left to right.

    Examples
    --------
    >>> from scratchnn.optimizers import Adam, chain
    >>> from scratchnn.regularization import ClipByGlobalNorm, WeightDecay
    >>> opt = chain(WeightDecay(1e-4), ClipByGlobalNorm(1.0), Adam(1e-3))
    """
    return Chain(*parts)
