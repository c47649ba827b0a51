"""Optimiser updates on flat storage: one NumPy call per operation for the whole network.

The executor keeps every gradient in one flat array, and every optimiser buffer
(``first_moments`` …) too, laid out by kind (:class:`FlatLayout`): every weight matrix first,
then every vector. An update is then one NumPy call per operation for the whole network instead
of one per parameter array (PyTorch's ``_multi_tensor_adam`` beside ``_single_tensor_adam``).

* **Transformations** (weight decay, clipping: :mod:`scratchnn.regularization`) run as their
  own reference ``update`` on the flat arrays, flattened around the formula (tinygrad's fused
  step): the executor hands them one array per kind, the matrices as one row of shape
  ``(1, n)`` and the vectors as one ``(m,)`` array, so a rule that treats matrices and vectors
  differently (weight decay leaves the biases alone) still sees which is which, and a global
  norm is a sum over everything either way.
* **Optimisers** run their in-place kernels (:mod:`.optimizer_kernels`, the only other copy of
  their rules: why, measured, is said there), AdamW's decoupled decay being the reference
  :meth:`~scratchnn.regularization.WeightDecay.terms`.
* The optimiser's ``state`` record stays readable per parameter: its buffers are views of the
  flat buffers (``optimizer.first_moments[0]`` is the first layer's weight matrix's).
* Every ``flush_every`` updates the state's subnormal entries are set to zero
  (:func:`flush_subnormals`): a CPU matter, kept here, out of the math.

Anything else (a user's own optimiser or transformation, a subclass) runs its own ``update``
on per-parameter arrays, as the plain path does.
"""

from __future__ import annotations

import math
from typing import Any, Sequence, cast

import numpy as np

from ..composition import Chain
from ..optimizer_base import Optimizer
from ..optimizers import AdamW
from ..regularization import ClipByGlobalNorm, WeightDecay
from .optimizer_kernels import OPTIMIZER_KERNELS

__all__ = ["FlatLayout", "FlatUpdate", "flush_subnormals", "FLUSH_EVERY"]

#: The transformations whose math is elementwise (or a sum over all entries): they run on the
#: flat arrays as they are (exact types: a subclass may change the math).
FLAT_TRANSFORMS = frozenset({WeightDecay, ClipByGlobalNorm})

#: Every how many updates the optimiser state's subnormal entries are set to zero.
FLUSH_EVERY = 16


def flush_subnormals(
    x: np.ndarray, work: np.ndarray | None = None, mask: np.ndarray | None = None
) -> None:
    """Set, in place, every entry of ``x`` smaller in magnitude than the dtype's smallest
    normal number (``np.finfo(x.dtype).tiny``: about 1.2e-38 in float32, 2.2e-308 in
    float64) to zero.

    A buffer entry whose gradient stays exactly zero (a ReLU unit that no longer fires)
    decays geometrically (:math:`m \\leftarrow \\beta_1 m`) into the subnormal range, where
    arithmetic is many times slower on some CPUs. Such values change nothing that matters:
    a first moment of 1e-39 moves a parameter by about 1e-34.

    ``work`` (shaped and typed as ``x``) and ``mask`` (bool, shaped as ``x``) are arrays to
    compute in, when the caller has them.
    """
    magnitude = np.abs(x, out=work)
    np.copyto(x, 0, where=np.less(magnitude, np.finfo(x.dtype).tiny, out=mask))


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
        A plain optimiser or a :class:`~scratchnn.composition.Chain`.
    params : list of ndarray
        The layers' parameter arrays (updated in place), in the network's order.
    layout : FlatLayout
    grad_flat : ndarray, shape (layout.size,)
        The flat gradients the layer kernels write (never modified here).
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
        self.grad_flat, self.grads = grad_flat, layout.group_views(grad_flat)
        self.kernel = OPTIMIZER_KERNELS.get(type(self.optimizer))
        transforms = self.chain.transforms if self.chain else []
        self.flat_transforms = [type(t) in FLAT_TRANSFORMS for t in transforms]
        reads = any(getattr(t, "reads_params", True) for t in transforms)
        self._param_flat = np.empty_like(grad_flat) if reads else None
        self._transformed = np.empty_like(grad_flat) if transforms else None
        self.scratch = np.empty_like(grad_flat)
        self._steps = self._per_param(self.scratch)
        self._mask: np.ndarray | None = None
        self.record: Any = None  # the per-parameter state record handed to the optimiser
        self.buffers: dict[str, np.ndarray] = {}  # the same state, flat

    def _per_param(self, flat: np.ndarray) -> list[np.ndarray]:
        return self.layout.split(self.layout.group_views(flat))

    def __call__(self) -> None:
        """One update: the chain's transformations, then the optimiser's rule."""
        grad = self.grad_flat if self.chain is None else self._transform()
        opt = self.optimizer
        if self.kernel is None:
            opt.step(self.params, self._per_param(grad))
            return
        if opt.state is not self.record or self.record is None:
            self._adopt_state()
        record = self.record
        lr = opt.learning_rate_at(record.count)
        if type(opt) is AdamW:
            for p, d in zip(self.params, opt.decay.terms(self.params)):
                if d is not None:
                    p -= lr * d  # θ ← θ − μλθ (decoupled decay)
        self.kernel(grad, self.buffers, self.scratch, opt, lr, record.count + 1)
        for p, s in zip(self.params, self._steps):
            p -= s
        record.count += 1
        if self.flush_every and record.count % self.flush_every == 0:
            if self._mask is None:
                self._mask = np.empty(self.scratch.shape, dtype=bool)
            for buffer in self.buffers.values():
                flush_subnormals(buffer, self.scratch, self._mask)

    def _transform(self) -> np.ndarray:
        """The chain's transformations, each its reference rule (on the flat arrays when
        built in, per parameter otherwise); their states stay on the chain. The flat
        transformed gradient (``grad_flat`` itself when nothing changed it)."""
        chain, layout = cast(Chain, self.chain), self.layout  # called only with a chain
        params: Sequence[np.ndarray] = ()
        if self._param_flat is not None:
            params = layout.group_views(self._param_flat)
            for view, p in zip(layout.split(params), self.params):
                view[...] = p
        grads = self.grads
        for i, transform in enumerate(chain.transforms):
            state = chain.transform_states[i]
            if self.flat_transforms[i]:
                if state is None:
                    state = transform.init(grads)
                grads, chain.transform_states[i] = transform.update(grads, state, params)
                continue
            if state is None:
                state = transform.init(self.params)
            per_param, chain.transform_states[i] = transform.update(
                layout.split(grads), state, self.params
            )
            grads = layout.join(per_param, self.grad_flat.dtype)
        if all(g is h for g, h in zip(grads, self.grads)):
            return self.grad_flat
        transformed = cast(np.ndarray, self._transformed)  # made with the chain's transforms
        for view, g in zip(layout.group_views(transformed), grads):
            view[...] = g
        return transformed

    def _adopt_state(self) -> None:
        """Flat buffers for the optimiser's state (a fitting state is copied in; otherwise
        zero buffers, the count kept), and its record pointed at views of them."""
        opt = self.optimizer
        state, count = opt.state, opt.step_count
        record = opt.state_type(count)
        for name in opt.state_names:
            flat = np.zeros_like(self.grad_flat)
            views = self._per_param(flat)
            old = getattr(state, name, None) if isinstance(state, opt.state_type) else None
            if old is not None and [(a.shape, a.dtype) for a in old] == [
                (p.shape, p.dtype) for p in self.params
            ]:
                for view, value in zip(views, old):
                    view[...] = value
            setattr(record, name, views)
            self.buffers[name] = flat
        opt.state = self.record = record
