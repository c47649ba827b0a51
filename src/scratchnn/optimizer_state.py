"""Optimiser state records: the number of updates done and the per-parameter buffers.

Every optimiser of :mod:`scratchnn.optimizers` keeps its state in one of these records (optax's
shape): ``init(params)`` makes a fresh one (count 0, zero buffers) and ``update`` returns the
next one. A buffer field holds one array per parameter, with the parameter's shape and dtype.

==============  =====================================================================
record          buffers
==============  =====================================================================
State           none (plain gradient descent)
MomentumState   ``velocities``: :math:`M`
RMSpropState    ``square_averages``: :math:`s`
AdamState       ``first_moments``, ``second_moments``: :math:`m`, :math:`v`
==============  =====================================================================
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

__all__ = ["State", "MomentumState", "RMSpropState", "AdamState", "PendingState"]


@dataclass
class State:
    """An optimiser's state: ``count``, the number of updates done."""

    count: int = 0

    @classmethod
    def buffer_names(cls) -> tuple[str, ...]:
        """The per-parameter buffer fields (lists of arrays), in declaration order."""
        return tuple(f.name for f in dataclasses.fields(cls) if f.name != "count")


@dataclass
class MomentumState(State):
    """Gradient descent with momentum: the velocities :math:`M`."""

    velocities: list[np.ndarray] = field(default_factory=list)


@dataclass
class RMSpropState(State):
    """RMSprop: the running averages :math:`s` of the squared gradients."""

    square_averages: list[np.ndarray] = field(default_factory=list)


@dataclass
class AdamState(State):
    """Adam: the first and second moment estimates :math:`m` and :math:`v`."""

    first_moments: list[np.ndarray] = field(default_factory=list)
    second_moments: list[np.ndarray] = field(default_factory=list)


@dataclass
class PendingState(State):
    """A count without buffers yet: a restored count whose buffers come at the next step."""
