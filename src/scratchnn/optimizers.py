"""Optimisers and learning-rate schedules: update rules applied to lists of arrays, in place.

Each optimiser keeps its state explicitly, as attributes that can be read (and logged) at any
time:

* ``step_count`` — updates done so far (:math:`t` below counts from 1 for the update in
  progress, so ``t = step_count + 1``);
* ``current_learning_rate`` — the rate the *next* update uses;
* per-parameter buffers, one array per parameter in the order of ``params``, with the
  parameter's shape and dtype (``velocities``, ``square_averages``, ``first_moments``,
  ``second_moments``), created by :meth:`Optimizer.init` and listed in ``state_names``.

The learning rate is a positive number or a *schedule*: any callable ``f(step) -> float`` of
the number of updates done (0 for the first update). The schedule classes below
(:class:`Constant`, :class:`StepDecay`, :class:`ExponentialDecay`, :class:`InverseScaling`,
:class:`CosineDecay`, :class:`LinearDecay`) also describe themselves with ``get_config``, so an
optimiser using them can be saved (:mod:`scratchnn.checkpoint`); a plain function or lambda
works for training but cannot be saved.

Notation: :math:`\\theta` a parameter, :math:`g = \\partial\\xi/\\partial\\theta` its gradient,
:math:`\\mu` the learning rate. Every buffer starts at zero.

==================  ==========================================================================
optimiser           update
==================  ==========================================================================
GradientDescent     :math:`\\theta \\leftarrow \\theta - \\mu g` (optionally heavy-ball or Nesterov
                    momentum)
RMSprop             :math:`s \\leftarrow \\rho s + (1-\\rho) g^2`,
                    :math:`\\theta \\leftarrow \\theta - \\mu g / (\\sqrt{s} + \\epsilon)`
Adam                :math:`m \\leftarrow \\beta_1 m + (1-\\beta_1) g`,
                    :math:`v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2`,
                    :math:`\\theta \\leftarrow \\theta - \\mu \\hat m / (\\sqrt{\\hat v} + \\epsilon)`
AdamW               Adam with decoupled weight decay
                    :math:`\\theta \\leftarrow (1 - \\mu\\lambda)\\theta` before the Adam step
==================  ==========================================================================

Example
-------
>>> import numpy as np
>>> from scratchnn.optimizers import Adam, ExponentialDecay
>>> theta = np.array([1.0, -2.0])
>>> opt = Adam(ExponentialDecay(0.1, decay_rate=0.5, decay_steps=100))
>>> opt.init([theta])
>>> opt.step([theta], [2 * theta])          # gradient of |theta|^2
>>> opt.step_count, round(opt.current_learning_rate, 6)
(1, 0.099309)
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Sequence, Union

import numpy as np

from ._storage import flat_span, packed_copies, zeros_like_packed
from ._validation import check_int, check_real

__all__ = [
    "Optimizer",
    "GradientDescent",
    "Momentum",
    "RMSprop",
    "Adam",
    "AdamW",
    "Schedule",
    "Constant",
    "StepDecay",
    "ExponentialDecay",
    "InverseScaling",
    "CosineDecay",
    "LinearDecay",
    "OPTIMIZER_TYPES",
    "SCHEDULE_TYPES",
    "schedule_from_config",
    "optimizer_from_config",
]

LearningRate = Union[float, Callable[[int], float]]


# ---------------------------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------------------------


class Schedule:
    """Base class of learning-rate schedules: ``schedule(step) -> float``.

    ``step`` is the number of updates done before the one that uses the rate (0, 1, 2 …).
    Subclasses implement :meth:`__call__` and :meth:`get_config` (the constructor arguments).
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
        self.factor = check_real(factor, "factor", "(0, inf)")
        if self.factor > 1.0:
            raise ValueError(f"factor must be in (0, 1], got {factor!r}")
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
        self.decay_rate = check_real(decay_rate, "decay_rate", "(0, inf)")
        if self.decay_rate > 1.0:
            raise ValueError(f"decay_rate must be in (0, 1], got {decay_rate!r}")
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


# ---------------------------------------------------------------------------------------------
# Optimisers
# ---------------------------------------------------------------------------------------------


class Optimizer:
    """Base class holding the learning rate (or schedule), the step count and the buffers.

    Parameters
    ----------
    learning_rate : float or callable
        A positive number, or a schedule ``f(step) -> float`` of the number of updates done.

    Notes
    -----
    Subclasses list their buffer attributes in ``state_names`` and implement
    ``_update(params, grads, lr)``, which updates every array in place, looping over
    :meth:`_arrays`. Buffers have the parameters' shapes and dtype (float32 parameters give
    float32 state).

    When the parameters are consecutive views into one array, as a
    :class:`~scratchnn.network.Sequential` keeps them, and so are the gradients, the update
    runs once on the whole flat arrays instead of once per parameter: the same arithmetic
    element by element, with a handful of NumPy calls instead of one per parameter.
    """

    #: Names of the per-parameter buffer attributes (each a list with one array per parameter).
    state_names: tuple[str, ...] = ()

    def __init__(self, learning_rate: LearningRate) -> None:
        if not callable(learning_rate):
            learning_rate = check_real(learning_rate, "learning_rate", "(0, inf)")
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
            value = float(value)
            if not math.isfinite(value) or value < 0:
                raise ValueError(
                    f"learning-rate schedule returned {value!r} at step {self.step_count}; "
                    "expected a finite number >= 0"
                )
            return value
        return self.learning_rate

    def init(self, params: Sequence[np.ndarray]) -> None:
        """Create the state for ``params`` (zero buffers) and reset the step count."""
        self.step_count = 0
        self._initialised_for = [(p.shape, p.dtype) for p in params]
        self._checked = (None, None)
        self._init_state(params)

    def _init_state(self, params: Sequence[np.ndarray]) -> None:
        for name in self.state_names:
            setattr(self, name, zeros_like_packed(params))
        self._scratch: list[np.ndarray] = []
        self._scratch_for = None

    def _buffers(self, params: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Scratch arrays shaped like ``params`` for temporaries of an update (not state:
        they hold nothing between steps). Reusing them avoids allocating per update."""
        if params is getattr(self, "_scratch_for", None):
            return self._scratch
        self._scratch_for = params if isinstance(params, list) else None
        scratch = getattr(self, "_scratch", [])
        if len(scratch) != len(params) or any(
            b.shape != p.shape or b.dtype != p.dtype for b, p in zip(scratch, params)
        ):
            scratch = self._scratch = zeros_like_packed(params)
        return scratch

    def _arrays(self, params, grads) -> list[tuple[np.ndarray, ...]]:
        """What ``_update`` loops over: tuples ``(param, grad, *state buffers, scratch)``.

        One tuple of flat arrays when the parameters, the gradients and each buffer are
        consecutive views into one array each (see :mod:`scratchnn._storage`); otherwise one
        tuple per parameter. Cached for the lists the training loop passes every update.
        """
        cache = self.__dict__.get("_arrays_cache")
        if cache is not None and cache[0] is params and cache[1] is grads:
            for name, buffers in cache[2]:
                if getattr(self, name) is not buffers:
                    break
            else:
                return cache[3]
        states = [(name, getattr(self, name)) for name in self.state_names]
        columns = [list(params), list(grads), *(b for _, b in states), self._buffers(params)]
        flats = [flat_span(column) for column in columns]
        if all(flat is not None for flat in flats):
            arrays = [tuple(flats)]
        else:
            arrays = list(zip(*columns))
        if isinstance(params, list) and isinstance(grads, list):
            self._arrays_cache = (params, grads, states, arrays)
        return arrays

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """Update every array of ``params`` in place from ``grads`` (same order and shapes).

        When ``params`` differ in number, shape or dtype from those the state was created
        for, the buffers are re-created (zero) and the step count is kept.

        Raises
        ------
        ValueError
            If ``params`` and ``grads`` differ in length or in the shape of some entry.
        """
        if params is self._checked[0] and grads is self._checked[1]:
            # the training loop passes the same two lists every update: checked already
            self._update(params, grads, self.current_learning_rate)
            self.step_count += 1
            return
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must have the same length, got {len(params)} and {len(grads)}"
            )
        state = self._initialised_for
        if state is None or len(state) != len(params) or any(
            (p.shape, p.dtype) != sd for p, sd in zip(params, state)
        ):
            step_count = self.step_count
            self.init(params)
            self.step_count = step_count
        for i, (p, g) in enumerate(zip(params, grads)):
            if p.shape != g.shape:
                raise ValueError(
                    f"grads[{i}] must have the shape of params[{i}] {p.shape}, got {g.shape}"
                )
        self._update(params, grads, self.current_learning_rate)
        self.step_count += 1
        if isinstance(params, list) and isinstance(grads, list):
            self._checked = (params, grads)

    #: The (params, grads) lists of the last checked step; the same lists (and lengths,
    #: shapes and dtypes, which lists of arrays returned by a network keep) skip the checks.
    _checked: tuple = (None, None)

    def _update(self, params, grads, lr: float) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- state and configuration -----------------------------------------------------------
    #: Attributes that only speed up updates (scratch space, caches of checked lists).
    _transient_names = ("_arrays_cache", "_checked", "_scratch", "_scratch_for")

    def __getstate__(self) -> dict[str, Any]:
        """Pickles hold the settings and state, not scratch space or caches."""
        return {k: v for k, v in self.__dict__.items() if k not in self._transient_names}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._scratch, self._scratch_for = [], None
        # the state buffers were copied one by one: keep them contiguous again
        for name in self.state_names:
            buffers = getattr(self, name, [])
            if buffers and flat_span(buffers) is None:
                setattr(self, name, packed_copies(buffers))

    def get_state(self) -> dict[str, Any]:
        """``{"step_count": int, "buffers": {name: [array, ...]}}`` (the arrays, not copies)."""
        return {
            "step_count": self.step_count,
            "buffers": {name: list(getattr(self, name, [])) for name in self.state_names},
        }

    def set_state(self, step_count: int, buffers: dict[str, Sequence[np.ndarray]]) -> None:
        """Restore the state saved by :meth:`get_state` (used by ``scratchnn.load``).

        Every buffer list must hold arrays of the same shapes and dtypes, in parameter order.
        An empty ``buffers`` (or a stateless optimiser) only sets the step count.
        """
        self._checked = (None, None)
        step_count = check_int(step_count, "step_count", low=0)
        unknown = set(buffers) - set(self.state_names)
        if unknown:
            raise ValueError(
                f"{type(self).__name__} has no state named {sorted(unknown)}; "
                f"expected {list(self.state_names)}"
            )
        lists = [list(buffers.get(name, ())) for name in self.state_names]
        signatures = [[(a.shape, a.dtype) for a in lst] for lst in lists if lst]
        if signatures and any(s != signatures[0] for s in signatures):
            raise ValueError("optimiser buffers must all match the same parameters")
        if len(signatures) not in (0, len(self.state_names)):
            raise ValueError(f"expected all of the buffers {list(self.state_names)}")
        for name, lst in zip(self.state_names, lists):
            setattr(self, name, packed_copies(lst))
        self._initialised_for = signatures[0] if signatures else None
        self.step_count = step_count

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


class GradientDescent(Optimizer):
    """(Stochastic) gradient descent, optionally with heavy-ball or Nesterov momentum.

    Without momentum:

    .. math:: \\theta \\leftarrow \\theta - \\mu g

    With momentum :math:`\\lambda > 0` (the series' Part 4; the velocity :math:`M` starts at
    zero):

    .. math:: M \\leftarrow \\lambda M - \\mu g, \\qquad \\theta \\leftarrow \\theta + M

    With ``nesterov=True`` the parameter step looks ahead along the new velocity:

    .. math:: M \\leftarrow \\lambda M - \\mu g, \\qquad \\theta \\leftarrow \\theta + \\lambda M - \\mu g

    Parameters
    ----------
    learning_rate : float or callable, default 0.01
    momentum : float, default 0
        :math:`\\lambda` in [0, 1).
    nesterov : bool, default False

    Attributes
    ----------
    velocities : list of ndarray
        :math:`M` per parameter (empty without momentum).
    """

    def __init__(
        self, learning_rate: LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False
    ) -> None:
        super().__init__(learning_rate)
        momentum = check_real(momentum, "momentum", "[0, 1)")
        if nesterov and momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0")
        self.momentum = momentum
        self.nesterov = bool(nesterov)
        self.velocities: list[np.ndarray] = []

    @property
    def state_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("velocities",) if self.momentum else ()

    def _update(self, params, grads, lr: float) -> None:
        if not self.momentum:
            for p, g, step in self._arrays(params, grads):
                p -= np.multiply(g, lr, out=step)  # θ ← θ − μJ
            return
        for p, g, v, step in self._arrays(params, grads):
            np.multiply(g, lr, out=step)  # μJ
            v *= self.momentum
            v -= step  # M ← λM − μJ
            if self.nesterov:
                p += v * self.momentum - step  # θ ← θ + λM − μJ
            else:
                p += v  # θ ← θ + M

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


def Momentum(learning_rate: LearningRate, momentum: float = 0.9) -> GradientDescent:
    """Heavy-ball momentum, the series' Part 4 rule: ``GradientDescent(lr, momentum)``."""
    return GradientDescent(learning_rate, momentum=momentum)


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root mean square of its recent values.

    .. math::

        s \\leftarrow \\rho\\, s + (1 - \\rho)\\, g^2, \\qquad
        \\theta \\leftarrow \\theta - \\mu \\frac{g}{\\sqrt{s} + \\epsilon}

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    rho : float, default 0.9
        Decay of the running average, in [0, 1).
    epsilon : float, default 1e-8
        Added to :math:`\\sqrt{s}` so the division is safe.

    Attributes
    ----------
    square_averages : list of ndarray
        :math:`s` per parameter.
    """

    state_names = ("square_averages",)

    def __init__(
        self, learning_rate: LearningRate = 0.001, rho: float = 0.9, epsilon: float = 1e-8
    ) -> None:
        super().__init__(learning_rate)
        self.rho = check_real(rho, "rho", "[0, 1)")
        self.epsilon = check_real(epsilon, "epsilon", "(0, inf)")
        self.square_averages: list[np.ndarray] = []

    def _update(self, params, grads, lr: float) -> None:
        rho = self.rho
        for p, g, s, tmp in self._arrays(params, grads):
            s *= rho
            np.square(g, out=tmp)
            tmp *= 1.0 - rho
            s += tmp  # s ← ρs + (1 − ρ)J²
            np.sqrt(s, out=tmp)
            tmp += self.epsilon
            np.divide(g, tmp, out=tmp)
            tmp *= lr
            p -= tmp  # θ ← θ − μJ / (√s + ε)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient and on its square, bias-corrected.

    For update number :math:`t = \\text{step\\_count} + 1`:

    .. math::

        m &\\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\qquad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2, \\\\
        \\hat m &= m / (1 - \\beta_1^t), \\qquad \\hat v = v / (1 - \\beta_2^t), \\\\
        \\theta &\\leftarrow \\theta - \\mu \\frac{\\hat m}{\\sqrt{\\hat v} + \\epsilon}

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the two moments, in [0, 1).
    epsilon : float, default 1e-8

    Attributes
    ----------
    first_moments, second_moments : list of ndarray
        :math:`m` and :math:`v` per parameter.
    """

    state_names = ("first_moments", "second_moments")

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
    ) -> None:
        super().__init__(learning_rate)
        self.beta1 = check_real(beta1, "beta1", "[0, 1)")
        self.beta2 = check_real(beta2, "beta2", "[0, 1)")
        self.epsilon = check_real(epsilon, "epsilon", "(0, inf)")
        self.first_moments: list[np.ndarray] = []
        self.second_moments: list[np.ndarray] = []

    def _update(self, params, grads, lr: float) -> None:
        b1, b2 = self.beta1, self.beta2
        t = self.step_count + 1
        correction1 = 1.0 - b1**t
        correction2 = 1.0 - b2**t
        # θ ← θ − μ m̂ / (√v̂ + ε) with m̂ = m / c₁, v̂ = v / c₂, computed as Kingma & Ba's
        # equivalent θ ← θ − μ_t m / (√v + ε_t), μ_t = μ √c₂ / c₁, ε_t = ε √c₂, in buffers.
        root2 = math.sqrt(correction2)
        lr_t = lr * root2 / correction1
        eps_t = self.epsilon * root2
        for p, g, m, v, tmp in self._arrays(params, grads):
            m *= b1
            m += np.multiply(g, 1.0 - b1, out=tmp)  # m ← β₁m + (1 − β₁)J
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp  # v ← β₂v + (1 − β₂)J²
            np.sqrt(v, out=tmp)
            tmp += eps_t
            np.divide(m, tmp, out=tmp)
            tmp *= lr_t
            p -= tmp

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta1": self.beta1,
            "beta2": self.beta2,
            "epsilon": self.epsilon,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The decay shrinks the weights directly instead of being added to the gradient, so it is
    not rescaled by Adam's per-parameter step sizes:

    .. math::

        \\theta \\leftarrow (1 - \\mu\\lambda)\\,\\theta, \\quad \\text{then the Adam update above}

    (the learning rate multiplies :math:`\\lambda`, as in PyTorch's ``AdamW``, so a schedule
    scales both).

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta1, beta2, epsilon : see :class:`Adam`
    weight_decay : float, default 0.01
        :math:`\\lambda \\ge 0`.
    decay_biases : bool, default False
        By default only arrays with two or more dimensions (weight matrices) decay; biases
        and other 1-D parameters do not.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.01,
        decay_biases: bool = False,
    ) -> None:
        super().__init__(learning_rate, beta1, beta2, epsilon)
        self.weight_decay = check_real(weight_decay, "weight_decay", "[0, inf)")
        self.decay_biases = bool(decay_biases)

    def _update(self, params, grads, lr: float) -> None:
        if self.weight_decay:
            shrink = 1.0 - lr * self.weight_decay
            for p in params:
                if self.decay_biases or p.ndim >= 2:
                    p *= shrink
        super()._update(params, grads, lr)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "weight_decay": self.weight_decay,
            "decay_biases": self.decay_biases,
        }


#: Optimiser classes by name (used to rebuild saved optimisers).
OPTIMIZER_TYPES: dict[str, type[Optimizer]] = {
    cls.__name__: cls for cls in (GradientDescent, RMSprop, Adam, AdamW)
}


def optimizer_from_config(name: str, config: dict[str, Any]) -> Optimizer:
    """Rebuild an optimiser from its class name and :meth:`Optimizer.get_config`.

    Raises
    ------
    ValueError
        For an unknown name, a learning rate that was a plain callable (not a
        :class:`Schedule`), or arguments the class does not accept.
    """
    cls = OPTIMIZER_TYPES.get(name)
    if cls is None:
        raise ValueError(f"unknown optimiser type {name!r}; known: {', '.join(OPTIMIZER_TYPES)}")
    if not isinstance(config, dict):
        raise ValueError(f"optimiser config must be a dict, got {config!r}")
    config = dict(config)
    lr = config.get("learning_rate")
    if isinstance(lr, dict):
        config["learning_rate"] = schedule_from_config(lr)
    elif isinstance(lr, str):
        raise ValueError(
            f"the learning rate {lr} is a plain callable and cannot be rebuilt; "
            "use a scratchnn.optimizers.Schedule"
        )
    try:
        return cls(**config)
    except TypeError as exc:
        raise ValueError(f"bad configuration for optimiser {name}: {exc}") from None
