"""The optimiser base: state records, the stateful front over ``init``/``update``, and
:func:`chain`, which composes gradient transformations with an optimiser.

The update rules themselves are in :mod:`scratchnn.optimizers`.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence, Union

import numpy as np

from ._validation import check_int, check_real
from .schedules import Schedule

__all__ = [
    "State",
    "MomentumState",
    "RMSpropState",
    "AdamState",
    "Optimizer",
    "Chain",
    "chain",
    "flush_subnormals",
    "LearningRate",
]

LearningRate = Union[float, Callable[[int], float]]
Arrays = Sequence[np.ndarray]


# ---------------------------------------------------------------------------------------------
# State records
# ---------------------------------------------------------------------------------------------


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


def _zeros(params: Arrays) -> list[np.ndarray]:
    return [np.zeros_like(p) for p in params]


def flush_subnormals(x: np.ndarray) -> np.ndarray:
    """``x`` with every value smaller in magnitude than the dtype's smallest normal number
    (``np.finfo(x.dtype).tiny``: about 1.2e-38 in float32, 2.2e-308 in float64) set to zero.

    Such subnormal numbers are slower to compute with on most CPUs, and they
    change nothing that matters: a first moment of 1e-39 moves a parameter by about 1e-34.
    """
    return np.where(np.abs(x) < np.finfo(x.dtype).tiny, 0, x)


# ---------------------------------------------------------------------------------------------
# The base class: learning rate, the stateful front, saving
# ---------------------------------------------------------------------------------------------


class Optimizer:
    """Base class: the learning rate (or schedule) and the stateful front over
    ``init``/``update``.

    Parameters
    ----------
    learning_rate : float or callable
        A positive number, or a schedule ``f(step) -> float`` of the number of updates done.

    Attributes
    ----------
    state : State or None
        The state record of the last :meth:`step` (None before the first).

    Notes
    -----
    Subclasses name their state record in ``state_type`` and implement ``update``.

    **Subnormal numbers.** A buffer entry whose gradient stays exactly zero (a ReLU unit that
    no longer fires) decays geometrically (:math:`m \\leftarrow \\beta_1 m`) into the
    subnormal range below the dtype's smallest normal number, where arithmetic is slower on
    most CPUs (on the 2-core AMD EPYC VM of ``benchmarks/RESULTS.md``, an Adam update with two
    thirds of the first layer's moments subnormal took 1.24× as long; CPUs differ).
    Every ``flush_interval`` updates (16; a class attribute, 0 turns it off) the built-in
    optimisers therefore set such entries to zero (:meth:`flush`, after the update is
    computed), at the cost of one pass over the state every 16 updates. An entry stays
    subnormal for at most 16 updates, and a zero-gradient entry flushed to zero stays zero.
    """

    state_type: type[State] = State
    #: Every how many updates :meth:`flush` clears subnormal state (0: never).
    flush_interval: int = 16

    def __init__(self, learning_rate: LearningRate) -> None:
        if not callable(learning_rate):
            learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
        self.learning_rate = learning_rate
        self.state: Any = None

    # -- the pure pair ----------------------------------------------------------------------
    def init(self, params: Arrays) -> State:
        """A fresh state for ``params``: count 0 and zero buffers."""
        return self.state_type(0, *(_zeros(params) for _ in self.state_type.buffer_names()))

    def update(self, grads: Arrays, state: State, params: Arrays) -> tuple[list, State]:
        """``(updates, next state)``; the parameters become ``params + updates``."""
        raise NotImplementedError  # pragma: no cover - abstract

    def flush(self, state: State) -> State:
        """``state`` with its subnormal buffer entries set to zero (:func:`flush_subnormals`)
        when its ``count`` is a multiple of ``flush_interval``; otherwise ``state`` itself."""
        if not self.flush_interval or state.count % self.flush_interval:
            return state
        flushed = {
            name: [flush_subnormals(b) for b in getattr(state, name)]
            for name in state.buffer_names()
        }
        return dataclasses.replace(state, **flushed)

    def learning_rate_at(self, count: int) -> float:
        """The learning rate of the update made after ``count`` updates."""
        if not callable(self.learning_rate):
            return self.learning_rate
        value = self.learning_rate(count)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"learning-rate schedule returned {value!r}, not a number")
        value = float(value)
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"learning-rate schedule returned {value!r} at step {count}; "
                "expected a finite number >= 0"
            )
        return value

    # -- the stateful front -----------------------------------------------------------------
    @property
    def step_count(self) -> int:
        """Updates done so far."""
        return 0 if self.state is None else self.state.count

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next update will use."""
        return self.learning_rate_at(self.step_count)

    @property
    def state_names(self) -> tuple[str, ...]:
        """Names of the per-parameter buffers of the state."""
        return self.state_type.buffer_names()

    def __getattr__(self, name: str) -> Any:
        # the buffers read as attributes: ``optimizer.first_moments`` is ``state.first_moments``
        # (an empty __dict__: an object being unpickled, not yet restored)
        if not name.startswith("_") and self.__dict__ and name in self.state_names:
            return getattr(self.__dict__.get("state"), name, [])
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def reset(self, params: Arrays) -> None:
        """Start over: ``state = init(params)``."""
        self.state = self.init(params)

    def step(self, params: Arrays, grads: Arrays) -> None:
        """Update every array of ``params`` in place: :math:`\\theta \\leftarrow \\theta + \\Delta\\theta`.

        When ``params`` differ in number, shape or dtype from those of the state, the buffers
        are re-created (zero) and the count is kept.

        Raises
        ------
        ValueError
            If ``params`` and ``grads`` differ in length or in the shape of some entry.
        """
        _check_pairs(params, grads)
        if not self._state_fits(params):
            count = self.step_count
            self.reset(params)
            self.state.count = count
        updates, self.state = self.update(grads, self.state, params)
        for p, u in zip(params, updates):
            p += u

    def _state_fits(self, params: Arrays) -> bool:
        if not isinstance(self.state, self.state_type):
            return False
        for name in self.state_names:
            buffers = getattr(self.state, name)
            if len(buffers) != len(params) or any(
                (b.shape, b.dtype) != (p.shape, p.dtype) for b, p in zip(buffers, params)
            ):
                return False
        return True

    # -- state and configuration ------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        """``{"step_count": int, "buffers": {name: [array, ...]}}`` (the arrays, not copies)."""
        buffers = {name: list(getattr(self, name)) for name in self.state_names}
        return {"step_count": self.step_count, "buffers": buffers}

    def set_state(self, step_count: int, buffers: dict[str, Arrays]) -> None:
        """Restore the state saved by :meth:`get_state` (used by ``scratchnn.load``).

        Every buffer list must hold arrays of the same shapes and dtypes, in parameter order.
        An empty ``buffers`` (or a stateless optimiser) only sets the step count; the buffers
        are then created at the next step.
        """
        step_count = check_int(step_count, "step_count", low=0)
        unknown = set(buffers) - set(self.state_names)
        if unknown:
            raise ValueError(
                f"{type(self).__name__} has no state named {sorted(unknown)}; "
                f"expected {list(self.state_names)}"
            )
        lists = [[np.array(a) for a in buffers.get(name, ())] for name in self.state_names]
        signatures = [[(a.shape, a.dtype) for a in lst] for lst in lists if lst]
        if signatures and any(s != signatures[0] for s in signatures):
            raise ValueError("optimiser buffers must all match the same parameters")
        if len(signatures) not in (0, len(self.state_names)):
            raise ValueError(f"expected all of the buffers {list(self.state_names)}")
        if signatures or not self.state_names:
            self.state = self.state_type(step_count, *lists)
        else:
            self.state = _PendingState(step_count)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments. A :class:`Schedule` learning rate is described as
        ``{"type": name, "config": {...}}``; any other callable by its ``repr`` (not
        rebuildable)."""
        lr = self.learning_rate
        if isinstance(lr, Schedule):
            lr = {"type": type(lr).__name__, "config": lr.get_config()}
        elif callable(lr):
            lr = repr(lr)
        return {"learning_rate": lr}

    def __repr__(self) -> str:
        config = self.get_config()
        if callable(self.learning_rate):
            config["learning_rate"] = self.learning_rate
        args = ", ".join(f"{k}={v!r}" for k, v in config.items())
        return f"{type(self).__name__}({args})"


@dataclass
class _PendingState(State):
    """A count without buffers yet (a restored count; the buffers come at the next step)."""


def _check_pairs(params: Arrays, grads: Arrays) -> None:
    if len(params) != len(grads):
        raise ValueError(
            f"params and grads must have the same length, got {len(params)} and {len(grads)}"
        )
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.shape != g.shape:
            raise ValueError(
                f"grads[{i}] must have the shape of params[{i}] {p.shape}, got {g.shape}"
            )


# ---------------------------------------------------------------------------------------------
# Composition
# ---------------------------------------------------------------------------------------------


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

    @property
    def state_type(self) -> type[State]:  # type: ignore[override]
        return self.optimizer.state_type

    @property
    def state(self) -> tuple:  # type: ignore[override]
        return (*self.transform_states, self.optimizer.state)

    @state.setter
    def state(self, value: tuple) -> None:
        if value is None:  # Optimizer.__init__
            return
        *self.transform_states, self.optimizer.state = value

    @property
    def step_count(self) -> int:  # type: ignore[override]
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
        _check_pairs(params, grads)
        for i, transform in enumerate(self.transforms):
            if self.transform_states[i] is None:
                self.transform_states[i] = transform.init(params)
            grads, self.transform_states[i] = transform.update(
                grads, self.transform_states[i], params
            )
        self.optimizer.step(params, grads)

    def get_state(self) -> dict[str, Any]:
        return self.optimizer.get_state()

    def set_state(self, step_count: int, buffers: dict[str, Arrays]) -> None:
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
