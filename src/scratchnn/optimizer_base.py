"""The optimiser base class: the learning rate and the stateful front over ``init``/``update``.

The update rules themselves are in :mod:`scratchnn.optimizers`, their state records in
``scratchnn.optimizer_state``, and :func:`~scratchnn.optimizers.chain` composes gradient
transformations with an optimiser.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Mapping, Sequence, Union

import numpy as np

from ._validation import check_int, check_real
from .optimizer_state import PendingState, State
from .schedules import Schedule

__all__ = ["Optimizer", "LearningRate", "check_pairs"]

LearningRate = Union[float, Callable[[int], float]]
Arrays = Sequence[np.ndarray]


def _zeros(params: Arrays) -> list[np.ndarray]:
    return [np.zeros_like(p) for p in params]


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
    Subclasses name their state record in ``state_type`` (``scratchnn.optimizer_state``)
    and implement ``update``. ``reads_params`` says whether ``update`` reads ``params``
    (only decoupled weight decay does): the executor gathers them only then.
    """

    state_type: type[State] = State
    #: Whether :meth:`update` reads ``params`` (the executor passes them only then).
    reads_params: bool = False

    def __init__(self, learning_rate: LearningRate) -> None:
        if not callable(learning_rate):
            learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
        self.learning_rate = learning_rate
        self.state: Any = None

    # -- the pure pair ----------------------------------------------------------------------
    def init(self, params: Arrays) -> Any:
        """A fresh state for ``params``: count 0 and zero buffers."""
        return self.state_type(0, *(_zeros(params) for _ in self.state_type.buffer_names()))

    # The state is each optimiser's own record (its ``state_type``; a tuple for a Chain): typed
    # ``Any`` here so that subclasses may name their record without breaking the override.
    def update(self, grads: Arrays, state: Any, params: Arrays) -> tuple[list[np.ndarray], Any]:
        """``(updates, next state)``; the parameters become ``params + updates``."""
        raise NotImplementedError  # pragma: no cover - abstract

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
        check_pairs(params, grads)
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

    def set_state(self, step_count: int, buffers: Mapping[str, Arrays]) -> None:
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
            self.state = PendingState(step_count)

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments. A :class:`Schedule` learning rate is described as
        ``{"type": name, "config": {...}}``; any other callable by its ``repr`` (not
        rebuildable)."""
        lr: object = self.learning_rate
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


def check_pairs(params: Arrays, grads: Arrays) -> None:
    """Raise ValueError unless ``grads`` pairs with ``params``: same length and shapes."""
    if len(params) != len(grads):
        raise ValueError(
            f"params and grads must have the same length, got {len(params)} and {len(grads)}"
        )
    for i, (p, g) in enumerate(zip(params, grads)):
        if p.shape != g.shape:
            raise ValueError(
                f"grads[{i}] must have the shape of params[{i}] {p.shape}, got {g.shape}"
            )
