"""Optimiser updates on flat storage: the update rules of :mod:`scratchnn.optimizers`, in place.

The executor keeps every gradient in one flat array, and so every optimiser buffer
(``first_moments`` …): an update is then one NumPy call per operation for the whole network
instead of one per parameter array (PyTorch's ``_multi_tensor_adam`` beside
``_single_tensor_adam``). The optimiser's ``state`` record is re-pointed at views into those
flat buffers, so it stays readable (and savable) while training runs here. The parameters stay
the layers' own arrays; the computed step is added to each of them.

Only exact known types get a kernel (a subclass may change the math); anything else runs its
own ``update``. The equivalence tests hold every kernel equal to its reference rule.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from ..optimizer_base import Chain, Optimizer
from ..optimizers import Adam, AdamW, GradientDescent, RMSprop
from ..regularization import ClipByGlobalNorm, ClipState, WeightDecay

__all__ = ["FlatUpdate"]


def _views(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return views


class FlatUpdate:
    """Transformations and an optimiser step for one list of parameters and flat gradients.

    Parameters
    ----------
    optimizer : Optimizer
        A plain optimiser or a :class:`~scratchnn.optimizer_base.Chain`.
    params : list of ndarray
        The layers' parameter arrays (updated in place).
    grad_flat : ndarray, shape (n_parameters,)
        The flat gradient storage; ``grad_views`` are its views shaped like ``params``.
    """

    def __init__(self, optimizer: Optimizer, params: list, grad_flat: np.ndarray, grad_views: list):
        self.chain = optimizer if isinstance(optimizer, Chain) else None
        self.optimizer = optimizer.optimizer if self.chain else optimizer
        self.params, self.flat, self.views = params, grad_flat, grad_views
        self.shapes = [p.shape for p in params]
        self.scratch = np.empty_like(grad_flat)
        self.scratch_views = _views(self.scratch, self.shapes)
        self.record: Any = None
        self.mask: np.ndarray | None = None
        self.kernel = _OPTIMIZER_KERNELS.get(type(self.optimizer))

    def __call__(self) -> None:
        """One update: the chain's transformations, then the optimiser step."""
        if self.chain is not None:
            self._transforms()
        opt = self.optimizer
        if self.kernel is None:
            opt.step(self.params, self.views)
            return
        if opt.state is not self.record or self.record is None:
            self._adopt_state()
        record = self.record
        self.kernel(self, opt, record, opt.learning_rate_at(record.count))
        record.count += 1
        if opt.flush_interval and not record.count % opt.flush_interval:
            self._flush_subnormals()

    def _adopt_state(self) -> None:
        """Point the optimiser's state at flat buffers (copying a fitting state in)."""
        opt = self.optimizer
        state, count = opt.state, opt.step_count
        record = opt.state_type(count)
        for name in opt.state_names:
            flat = np.zeros_like(self.flat)
            views = _views(flat, self.shapes)
            old = getattr(state, name, None) if isinstance(state, opt.state_type) else None
            if old is not None and [a.shape for a in old] == self.shapes:
                for view, value in zip(views, old):
                    view[...] = value
            setattr(record, name, views)
            setattr(self, name, flat)
        opt.state = self.record = record

    def _flush_subnormals(self) -> None:
        """Zero the state's entries below the smallest normal number, in place
        (:meth:`~scratchnn.optimizer_base.Optimizer.flush`)."""
        tiny = np.finfo(self.flat.dtype).tiny
        if self.mask is None:
            self.mask = np.empty(self.flat.shape, dtype=bool)
        for name in self.optimizer.state_names:
            buffer = getattr(self, name)
            np.less(np.abs(buffer, out=self.scratch), tiny, out=self.mask)
            np.copyto(buffer, 0, where=self.mask)

    def _transforms(self) -> None:
        chain, params, views = self.chain, self.params, self.views
        for i, transform in enumerate(chain.transforms):
            kind = type(transform)
            if kind is WeightDecay:
                for p, g, tmp in zip(params, views, self.scratch_views):
                    if transform.decays(p):
                        g += np.multiply(p, transform.weight_decay, out=tmp)  # g ← g + λθ
            elif kind is ClipByGlobalNorm:
                norm = math.sqrt(float(np.dot(self.flat, self.flat)))
                if norm > transform.max_norm and math.isfinite(norm):
                    self.flat *= transform.max_norm / norm
                chain.transform_states[i] = ClipState(norm)
            else:
                state = chain.transform_states[i]
                if state is None:
                    state = transform.init(params)
                grads, chain.transform_states[i] = transform.update(views, state, params)
                for view, g in zip(views, grads):
                    if view is not g:
                        view[...] = g

    def subtract_step(self) -> None:
        """θ ← θ − step for every parameter, the step being in ``scratch``."""
        for p, s in zip(self.params, self.scratch_views):
            p -= s


def _sgd(run: FlatUpdate, opt: GradientDescent, record: Any, lr: float) -> None:
    step = np.multiply(run.flat, lr, out=run.scratch)  # μg
    if not opt.momentum:
        run.subtract_step()  # θ ← θ − μg
        return
    v = run.velocities
    v *= opt.momentum
    v -= step  # M ← λM − μg
    if opt.nesterov:
        np.subtract(step, np.multiply(v, opt.momentum), out=step)  # −(λM − μg)
        run.subtract_step()  # θ ← θ + λM − μg
    else:
        for p, m in zip(run.params, record.velocities):
            p += m  # θ ← θ + M


def _rmsprop(run: FlatUpdate, opt: RMSprop, record: Any, lr: float) -> None:
    g, s, tmp = run.flat, run.square_averages, run.scratch
    s *= opt.rho
    np.square(g, out=tmp)
    tmp *= 1.0 - opt.rho
    s += tmp  # s ← ρs + (1 − ρ)g²
    np.sqrt(s, out=tmp)
    tmp += opt.epsilon
    np.divide(g, tmp, out=tmp)
    tmp *= lr
    run.subtract_step()  # θ ← θ − μg / (√s + ε)


def _adam(run: FlatUpdate, opt: Adam, record: Any, lr: float) -> None:
    if type(opt) is AdamW and opt.weight_decay:
        shrink = 1.0 - lr * opt.weight_decay  # θ ← θ − μλθ (decoupled decay)
        for p in run.params:
            if opt.decay.decays(p):
                p *= shrink
    g, m, v, tmp = run.flat, run.first_moments, run.second_moments, run.scratch
    t = record.count + 1
    b1, b2 = opt.beta1, opt.beta2
    c1, c2 = 1.0 - b1**t, 1.0 - b2**t
    m *= b1
    m += np.multiply(g, 1.0 - b1, out=tmp)  # m ← β₁m + (1 − β₁)g
    v *= b2
    np.multiply(g, g, out=tmp)
    tmp *= 1.0 - b2
    v += tmp  # v ← β₂v + (1 − β₂)g²
    # μ m̂ / (√v̂ + ε) with m̂ = m/c₁, v̂ = v/c₂, as Kingma & Ba's equivalent
    # μ_t m / (√v + ε_t), μ_t = μ√c₂/c₁, ε_t = ε√c₂: two passes fewer
    # (with epsilon_hat, ε_t = ε̂: the paper's efficient form itself).
    root2 = math.sqrt(c2)
    np.sqrt(v, out=tmp)
    tmp += opt.epsilon if opt.epsilon_hat else opt.epsilon * root2
    np.divide(m, tmp, out=tmp)
    tmp *= lr * root2 / c1
    run.subtract_step()


_OPTIMIZER_KERNELS: dict[type, Callable[..., None]] = {
    GradientDescent: _sgd,
    RMSprop: _rmsprop,
    Adam: _adam,
    AdamW: _adam,
}
