"""Optimiser updates on flat storage: the reference update rules, run on whole-network arrays.

The update rules of :mod:`scratchnn.optimizers` and the transformations of
:mod:`scratchnn.regularization` are written once, as plain NumPy on lists of arrays. They are
elementwise, but for the global norm (a sum over everything), so they compute the same on a
concatenation of the parameters as on each parameter apart. The executor therefore keeps
every gradient in one flat array and hands the *reference* rules a few long arrays instead
of one per parameter: each operation is then one NumPy call for the whole network
(PyTorch's ``_multi_tensor_adam`` beside ``_single_tensor_adam``; tinygrad's fused step,
which flattens around the formula rather than restating it).

The flat storage is laid out by kind (:class:`FlatLayout`): every weight matrix first, then
every vector. The rules get one array per kind, the matrices as one row of shape ``(1, n)``
and the vectors as one ``(m,)`` array, so that a rule which treats matrices and vectors
differently (weight decay leaves the biases alone) still sees which is which.

Around the formulas the executor adds only what is about the machine:

* the optimiser's ``state`` record stays readable per parameter: its buffers are views of
  the flat state the rules return (``optimizer.first_moments[0]`` is the first layer's);
* every ``flush_every`` updates it sets the state's subnormal entries to zero
  (:func:`flush_subnormals`), a CPU matter kept out of the math;
* parameters are gathered into flat storage only for rules that read them
  (``reads_params``: weight decay), and the update is added to each layer's own array.

Only the built-in rules take this route (a subclass may change the math); anything else runs
on per-parameter arrays, as the plain path does.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..chain import Chain
from ..optimizer_base import Optimizer
from ..optimizer_state import State
from ..optimizers import Adam, AdamW, GradientDescent, Momentum, RMSprop
from ..regularization import ClipByGlobalNorm, WeightDecay

__all__ = ["FlatLayout", "FlatUpdate", "flush_subnormals", "FLUSH_EVERY"]

#: The rules whose math is elementwise over the parameters (or a sum over all of them).
FLAT_RULES = frozenset(
    {GradientDescent, Momentum, RMSprop, Adam, AdamW, WeightDecay, ClipByGlobalNorm}
)

#: Every how many updates the optimiser state's subnormal entries are set to zero.
FLUSH_EVERY = 16


def flush_subnormals(x: np.ndarray) -> None:
    """Set, in place, every entry of ``x`` smaller in magnitude than the dtype's smallest
    normal number (``np.finfo(x.dtype).tiny``: about 1.2e-38 in float32, 2.2e-308 in
    float64) to zero.

    A buffer entry whose gradient stays exactly zero (a ReLU unit that no longer fires)
    decays geometrically (:math:`m \\leftarrow \\beta_1 m`) into the subnormal range, where
    arithmetic is many times slower on some CPUs. Such values change nothing that matters:
    a first moment of 1e-39 moves a parameter by about 1e-34.
    """
    np.copyto(x, 0, where=np.abs(x) < np.finfo(x.dtype).tiny)


class FlatLayout:
    """Where each parameter's entries lie in flat storage laid out by kind.

    Parameters
    ----------
    shapes : list of tuple of int
        The parameters' shapes, in the network's order.

    Attributes
    ----------
    size : int
        Entries in all.
    groups : list of (start, stop, is_matrix)
        The non-empty kinds: the matrices (``ndim >= 2``) then the vectors, each contiguous.
    """

    def __init__(self, shapes: Sequence[tuple[int, ...]]) -> None:
        self.shapes = [tuple(s) for s in shapes]
        kinds = [len(s) >= 2 for s in self.shapes]
        self.places: list[tuple[int, int, int]] = [(0, 0, 0)] * len(self.shapes)
        self.groups: list[tuple[int, int, bool]] = []
        start = 0
        for matrix in (True, False):
            group_start = start
            for i, shape in enumerate(self.shapes):
                if kinds[i] is matrix:
                    size = math.prod(shape)
                    self.places[i] = (len(self.groups), start - group_start, size)
                    start += size
            if start > group_start:
                self.groups.append((group_start, start, matrix))
        self.size = start

    def group_views(self, flat: np.ndarray) -> list[np.ndarray]:
        """``flat`` (shape ``(size,)``) as one array per kind: ``(1, n)`` for the matrices,
        ``(m,)`` for the vectors (views)."""
        return [flat[a:b].reshape(1, -1) if matrix else flat[a:b] for a, b, matrix in self.groups]

    def split(self, groups: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Per-parameter views of arrays shaped as :meth:`group_views`' (the parameters'
        shapes, the network's order)."""
        rows = [g.reshape(-1) for g in groups]
        return [
            rows[g][offset : offset + size].reshape(shape)
            for (g, offset, size), shape in zip(self.places, self.shapes)
        ]

    def join(self, arrays: Sequence[np.ndarray], dtype: Any) -> list[np.ndarray]:
        """New arrays shaped as :meth:`group_views`' holding the per-parameter ``arrays``."""
        flat = np.empty(self.size, dtype=dtype)
        for view, a in zip(self.split(self.group_views(flat)), arrays):
            view[...] = a
        return self.group_views(flat)


class FlatUpdate:
    """The chain's transformations and the optimiser's update, on flat storage.

    Parameters
    ----------
    optimizer : Optimizer
        A plain optimiser or a :class:`~scratchnn.chain.Chain`.
    params : list of ndarray
        The layers' parameter arrays (updated in place), in the network's order.
    layout : FlatLayout
    grad_flat : ndarray, shape (layout.size,)
        The flat gradients the layer kernels write.
    flush_every : int, default FLUSH_EVERY
        Every how many updates the state's subnormal entries are set to zero (0: never).
    """

    def __init__(
        self,
        optimizer: Optimizer,
        params: list,
        layout: FlatLayout,
        grad_flat: np.ndarray,
        flush_every: int = FLUSH_EVERY,
    ) -> None:
        self.chain = optimizer if isinstance(optimizer, Chain) else None
        self.optimizer = optimizer.optimizer if self.chain else optimizer
        self.params, self.layout, self.flush_every = params, layout, flush_every
        self.grads = layout.group_views(grad_flat)
        self.dtype = grad_flat.dtype
        parts = [*(self.chain.transforms if self.chain else ()), self.optimizer]
        self.flat = [type(part) in FLAT_RULES for part in parts]
        self.reads_params = any(getattr(part, "reads_params", True) for part in parts)
        self._param_flat = np.empty_like(grad_flat) if self.reads_params else None
        self.record: Any = None  # the per-parameter record handed to the optimiser
        self.flat_state: Any = None  # the same state, flat

    def __call__(self) -> None:
        """One update: the chain's transformations, then the optimiser's rule."""
        params = self._gathered_params() if self.reads_params else ()
        grads = self.grads
        if self.chain is not None:
            grads = self._transform(grads, params)
        opt = self.optimizer
        if not self.flat[-1]:
            opt.step(self.params, self.layout.split(grads))
            return
        if opt.state is not self.record or self.record is None:
            self._adopt_state()
        updates, state = opt.update(grads, self.flat_state, params)
        for p, u in zip(self.params, self.layout.split(updates)):
            p += u  # θ ← θ + Δθ
        if self.flush_every and state.count % self.flush_every == 0:
            for name in state.buffer_names():
                for buffer in getattr(state, name):
                    flush_subnormals(buffer)
        self._set_state(state)

    def _gathered_params(self) -> list[np.ndarray]:
        """The parameters copied into flat storage, as one array per kind."""
        flat = self._param_flat
        for view, p in zip(self.layout.split(self.layout.group_views(flat)), self.params):
            view[...] = p
        return self.layout.group_views(flat)

    def _transform(self, grads: list, params: Sequence) -> list:
        """The chain's transformations, each the reference rule (on flat arrays when built
        in, per parameter otherwise); their states stay on the chain."""
        chain = self.chain
        for i, transform in enumerate(chain.transforms):
            state = chain.transform_states[i]
            if self.flat[i]:
                if state is None:
                    state = transform.init(grads)
                grads, chain.transform_states[i] = transform.update(grads, state, params)
                continue
            if state is None:
                state = transform.init(self.params)
            per_param, chain.transform_states[i] = transform.update(
                self.layout.split(grads), state, self.params
            )
            grads = self.layout.join(per_param, self.dtype)
        return grads

    def _adopt_state(self) -> None:
        """Flat state from the optimiser's own (a fitting state is copied in; otherwise
        zero buffers, the count kept)."""
        opt = self.optimizer
        state, count = opt.state, opt.step_count
        fits = isinstance(state, opt.state_type) and all(
            [(a.shape, a.dtype) for a in getattr(state, name)]
            == [(p.shape, p.dtype) for p in self.params]
            for name in opt.state_names
        )
        if fits:
            buffers = [self.layout.join(getattr(state, n), self.dtype) for n in opt.state_names]
            flat = opt.state_type(count, *buffers)
        else:
            flat = opt.init(self.grads)
            flat.count = count
        self._set_state(flat)

    def _set_state(self, flat: State) -> None:
        """Keep ``flat`` and give the optimiser its per-parameter views."""
        names = flat.buffer_names()
        split = self.layout.split
        self.flat_state = flat
        self.record = type(flat)(flat.count, *(split(getattr(flat, n)) for n in names))
        self.optimizer.state = self.record
