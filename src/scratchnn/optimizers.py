"""Optimisers: update rules with explicit state, one NumPy expression per formula.

Every optimiser is a pure pair of functions (optax's shape) plus a small stateful front:

* ``init(params) -> state``: a small record (``count``, the number of updates done, and the
  per-parameter buffers, one array per parameter with its shape and dtype: ``velocities``,
  ``square_averages``, ``first_moments``, ``second_moments``);
* ``update(grads, state, params) -> (updates, state)``: the parameter changes
  :math:`\\Delta\\theta` and the next state, as new arrays (nothing is modified);
* ``step(params, grads)``: the front that keeps ``optimizer.state`` and adds the updates to
  the parameters in place. ``step_count``, ``current_learning_rate`` and the buffer names
  read the state.

The learning rate is a positive number or a schedule (:mod:`scratchnn.schedules`).
:func:`chain` composes gradient transformations (:mod:`scratchnn.regularization`) with an
optimiser. The training loop runs the same updates in place on flat arrays
(:mod:`scratchnn.executor`), held equal to these by the test suite.

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
>>> opt.step([theta], [2 * theta])          # gradient of |theta|^2
>>> opt.step_count, round(opt.current_learning_rate, 6)
(1, 0.099309)
"""

from __future__ import annotations

from typing import Any, Sequence, cast

import numpy as np

from ._validation import check_real
from .composition import Chain, chain
from .optimizer_base import LearningRate, Optimizer
from .optimizer_state import AdamState, MomentumState, RMSpropState, State
from .regularization import WeightDecay
from .schedules import (
    SCHEDULE_TYPES,
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseScaling,
    LinearDecay,
    Schedule,
    StepDecay,
    schedule_from_config,
)

__all__ = [
    "GradientDescent",
    "Momentum",
    "RMSprop",
    "Adam",
    "AdamW",
    "OPTIMIZER_TYPES",
    "optimizer_from_config",
    # re-exported from scratchnn.optimizer_state, .optimizer_base, .chain and .schedules
    "State",
    "MomentumState",
    "RMSpropState",
    "AdamState",
    "Optimizer",
    "Chain",
    "chain",
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

Arrays = Sequence[np.ndarray]


# ---------------------------------------------------------------------------------------------
# The update rules
# ---------------------------------------------------------------------------------------------


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
        :math:`\\lambda` in [0, 1] (1 keeps every past gradient undamped, as scikit-learn
        allows; below 1 is what converges).
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
        momentum = check_real(momentum, "momentum", "[0, 1]")
        if nesterov and momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0")
        self.momentum = momentum
        self.nesterov = bool(nesterov)

    # A class attribute in the base class, the record depends on ``momentum`` here: a read-only
    # property over a writable attribute, which mypy rejects (nothing assigns it).
    @property
    def state_type(self) -> type[State]:  # type: ignore[override]
        return MomentumState if self.__dict__.get("momentum") else State

    def update(self, grads: Arrays, state: State, params: Arrays) -> tuple[list, State]:
        lr, m = self.learning_rate_at(state.count), self.momentum
        if not m:
            return [-lr * g for g in grads], State(state.count + 1)  # Δθ = −μg
        velocities = [
            m * v - lr * g for v, g in zip(cast(MomentumState, state).velocities, grads)
        ]  # M ← λM − μg
        if self.nesterov:
            updates = [m * v - lr * g for v, g in zip(velocities, grads)]  # Δθ = λM − μg
        else:
            updates = velocities  # Δθ = M
        return updates, MomentumState(state.count + 1, velocities)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Momentum(GradientDescent):
    """Heavy-ball momentum, the series' Part 4 rule: :class:`GradientDescent` with a
    momentum of 0.9 by default.

    .. math:: M \\leftarrow \\lambda M - \\mu g, \\qquad \\theta \\leftarrow \\theta + M

    Parameters
    ----------
    learning_rate : float or callable
    momentum : float, default 0.9
        :math:`\\lambda` in [0, 1].
    nesterov : bool, default False
    """

    def __init__(
        self, learning_rate: LearningRate, momentum: float = 0.9, nesterov: bool = False
    ) -> None:
        super().__init__(learning_rate, momentum=momentum, nesterov=nesterov)


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

    state_type = RMSpropState

    def __init__(
        self, learning_rate: LearningRate = 0.001, rho: float = 0.9, epsilon: float = 1e-8
    ) -> None:
        super().__init__(learning_rate)
        self.rho = check_real(rho, "rho", "[0, 1)")
        self.epsilon = check_real(epsilon, "epsilon", "(0, inf)")

    def update(self, grads: Arrays, state: RMSpropState, params: Arrays) -> tuple[list, State]:
        lr, rho, eps = self.learning_rate_at(state.count), self.rho, self.epsilon
        s = [rho * s + (1 - rho) * g**2 for s, g in zip(state.square_averages, grads)]
        updates = [-lr * g / (np.sqrt(s_k) + eps) for g, s_k in zip(grads, s)]
        return updates, RMSpropState(state.count + 1, s)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015): momentum on the gradient and on its square, bias-corrected.

    For update number :math:`t` (1 for the first):

    .. math::

        m &\\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\qquad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2, \\\\
        \\hat m &= m / (1 - \\beta_1^t), \\qquad \\hat v = v / (1 - \\beta_2^t), \\\\
        \\theta &\\leftarrow \\theta - \\mu \\frac{\\hat m}{\\sqrt{\\hat v} + \\epsilon}

    With ``epsilon_hat=True``, :math:`\\epsilon` is the paper's :math:`\\hat\\epsilon` of its
    efficient form (TensorFlow 1's and scikit-learn's Adam), added to :math:`\\sqrt{v}`
    rather than to :math:`\\sqrt{\\hat v}`:

    .. math::

        \\mu_t = \\mu \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}, \\qquad
        \\theta \\leftarrow \\theta - \\mu_t \\frac{m}{\\sqrt{v} + \\hat\\epsilon}

    (the same step as :math:`\\epsilon = \\hat\\epsilon / \\sqrt{1 - \\beta_2^t}`).

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the two moments, in [0, 1).
    epsilon : float, default 1e-8
    epsilon_hat : bool, default False
        Whether ``epsilon`` is :math:`\\hat\\epsilon` (see above).

    Attributes
    ----------
    first_moments, second_moments : list of ndarray
        :math:`m` and :math:`v` per parameter.
    """

    state_type = AdamState

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        epsilon_hat: bool = False,
    ) -> None:
        super().__init__(learning_rate)
        self.beta1 = check_real(beta1, "beta1", "[0, 1)")
        self.beta2 = check_real(beta2, "beta2", "[0, 1)")
        self.epsilon = check_real(epsilon, "epsilon", "(0, inf)")
        self.epsilon_hat = bool(epsilon_hat)

    def update(self, grads: Arrays, state: AdamState, params: Arrays) -> tuple[list, AdamState]:
        lr, b1, b2, eps = self.learning_rate_at(state.count), self.beta1, self.beta2, self.epsilon
        t = state.count + 1
        m = [b1 * m + (1 - b1) * g for m, g in zip(state.first_moments, grads)]
        v = [b2 * v + (1 - b2) * g**2 for v, g in zip(state.second_moments, grads)]
        if self.epsilon_hat:
            lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)  # μ_t = μ√(1 − β₂ᵗ)/(1 − β₁ᵗ)
            updates = [-lr_t * m_k / (np.sqrt(v_k) + eps) for m_k, v_k in zip(m, v)]
        else:
            updates = [
                -lr * (m_k / (1 - b1**t)) / (np.sqrt(v_k / (1 - b2**t)) + eps)
                for m_k, v_k in zip(m, v)
            ]
        return updates, AdamState(t, m, v)

    def get_config(self) -> dict[str, Any]:
        config = {
            **super().get_config(),
            "beta1": self.beta1,
            "beta2": self.beta2,
            "epsilon": self.epsilon,
        }
        if self.epsilon_hat:  # only when set: configurations saved before it still match
            config["epsilon_hat"] = True
        return config


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    The decay shrinks the weights directly instead of being added to the gradient, so it is
    not rescaled by Adam's per-parameter step sizes:

    .. math::

        \\theta \\leftarrow \\theta - \\mu\\lambda\\theta - \\mu \\frac{\\hat m}{\\sqrt{\\hat v} + \\epsilon}

    (PyTorch's ``AdamW``: the learning rate multiplies :math:`\\lambda`, so a schedule scales
    both). :math:`\\lambda\\theta` is :meth:`scratchnn.regularization.WeightDecay.terms`.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta1, beta2, epsilon, epsilon_hat : see :class:`Adam`
    weight_decay : float, default 0.01
        :math:`\\lambda \\ge 0`.
    decay_biases : bool, default False
        By default only arrays with two or more dimensions (weight matrices) decay; biases
        and other 1-D parameters do not.
    """

    reads_params = True

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.01,
        decay_biases: bool = False,
        epsilon_hat: bool = False,
    ) -> None:
        super().__init__(learning_rate, beta1, beta2, epsilon, epsilon_hat)
        self.decay = WeightDecay(weight_decay, decay_biases)

    @property
    def weight_decay(self) -> float:
        return self.decay.weight_decay

    @property
    def decay_biases(self) -> bool:
        return self.decay.decay_biases

    def update(self, grads: Arrays, state: AdamState, params: Arrays) -> tuple[list, AdamState]:
        lr = self.learning_rate_at(state.count)
        updates, state = super().update(grads, state, params)
        terms = self.decay.terms(params)
        return [u if d is None else u - lr * d for u, d in zip(updates, terms)], state

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self.decay.get_config()}


#: Optimiser classes by name (used to rebuild saved optimisers).
OPTIMIZER_TYPES: dict[str, type[Optimizer]] = {
    cls.__name__: cls for cls in (GradientDescent, Momentum, RMSprop, Adam, AdamW)
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
