"""Gradient transformations: L2 weight decay and global-norm clipping, each written once.

A gradient transformation has explicit state, as the optimisers do (optax's shape):

* ``init(params) -> state``;
* ``update(grads, state, params) -> (grads, state)``: new gradient arrays, never in place.

They compose with an optimiser through :func:`scratchnn.optimizers.chain`, and the training
loop's ``weight_decay`` and ``clip_norm`` arguments build exactly that chain:
weight decay first, then clipping, so the clipped gradient is the one the optimiser sees.
:class:`~scratchnn.optimizers.AdamW` reuses :meth:`WeightDecay.terms` for its decoupled decay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ._validation import check_real

__all__ = ["WeightDecay", "ClipByGlobalNorm", "ClipState", "global_norm"]


class WeightDecay:
    """L2 weight decay: the gradient of :math:`\\frac{\\lambda}{2}\\sum_\\theta \\lVert\\theta\\rVert^2`.

    .. math:: g \\leftarrow g + \\lambda\\theta

    for every decayed parameter :math:`\\theta`: by default the weight matrices (arrays with
    two or more dimensions), not the biases.

    Parameters
    ----------
    weight_decay : float
        :math:`\\lambda \\ge 0`.
    decay_biases : bool, default False
        Decay 1-D parameters (biases) too.
    per_batch : bool, default False
        Divide :math:`\\lambda` by each batch's size :math:`b` (with sample weights, their
        sum): the penalty :math:`\\frac{\\lambda}{2b}\\lVert\\theta\\rVert^2` joins the
        *summed* loss of the batch before a mean loss divides both by :math:`b`, so its
        gradient is :math:`\\lambda\\theta / b`. This is scikit-learn's ``alpha``
        (:math:`\\lambda = \\alpha`), whose regularisation weighs more on a smaller batch.
        :meth:`terms`, :meth:`penalty` and :meth:`update` then need ``batch_weight`` =
        :math:`b`; ``train`` and :func:`~scratchnn.optimizers.chain` do not pass it, so such a
        decay is applied by a loop that knows its batches (the estimators').

    Examples
    --------
    >>> import numpy as np
    >>> W, b = np.ones((2, 2)), np.ones(2)
    >>> WeightDecay(0.5).penalty([W, b])  # 0.5 / 2 * 4: the bias does not decay
    1.0
    >>> WeightDecay(0.5, per_batch=True).terms([W, b], batch_weight=4.0)[0]
    array([[0.125, 0.125],
           [0.125, 0.125]])
    """

    #: :meth:`update` reads ``params`` (see :class:`~scratchnn.optimizer_base.Optimizer`).
    reads_params = True

    def __init__(
        self, weight_decay: float, decay_biases: bool = False, *, per_batch: bool = False
    ) -> None:
        self.weight_decay = check_real(weight_decay, "weight_decay", "[0, inf)")
        self.decay_biases = bool(decay_biases)
        self.per_batch = bool(per_batch)

    def decays(self, param: np.ndarray) -> bool:
        """Whether ``param`` decays (a matrix, or any array with ``decay_biases``)."""
        return self.decay_biases or param.ndim >= 2

    def coefficient(self, batch_weight: float | None = None) -> float:
        """:math:`\\lambda`, or :math:`\\lambda / b` with ``per_batch`` (``batch_weight`` =
        :math:`b > 0`, required then; ignored otherwise).

        Raises
        ------
        ValueError
            With ``per_batch`` and no positive ``batch_weight``.
        """
        if not self.per_batch:
            return self.weight_decay
        if batch_weight is None:
            raise ValueError(
                "WeightDecay(per_batch=True) needs batch_weight, the batch's size or the sum "
                "of its sample weights; train() and chain() do not pass it"
            )
        return self.weight_decay / check_real(batch_weight, "batch_weight", "(0, inf)")

    def terms(
        self, params: Sequence[np.ndarray], batch_weight: float | None = None
    ) -> list[np.ndarray | None]:
        """:math:`\\lambda\\theta` (over :math:`b` with ``per_batch``) for every decayed
        parameter, None for the others."""
        c = self.coefficient(batch_weight)
        return [c * p if self.decays(p) else None for p in params]

    def penalty(self, params: Sequence[np.ndarray], batch_weight: float | None = None) -> float:
        """The penalty value :math:`\\frac{\\lambda}{2}\\sum_\\theta \\lVert\\theta\\rVert^2`
        (over :math:`b` with ``per_batch``)."""
        squares = sum(float(np.vdot(p, p)) for p in params if self.decays(p))  # ‖θ‖² = θ·θ
        return 0.5 * self.coefficient(batch_weight) * squares

    def init(self, params: Sequence[np.ndarray]) -> None:
        return None

    def update(
        self,
        grads: Sequence[np.ndarray],
        state: None,
        params: Sequence[np.ndarray],
        batch_weight: float | None = None,
    ) -> tuple[list[np.ndarray], None]:
        """``(grads + terms, state)``: new arrays, the inputs untouched."""
        grads = [g if d is None else g + d for g, d in zip(grads, self.terms(params, batch_weight))]
        return grads, state

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "weight_decay": self.weight_decay,
            "decay_biases": self.decay_biases,
        }
        if self.per_batch:
            config["per_batch"] = True
        return config

    def __repr__(self) -> str:
        extra = ", per_batch=True" if self.per_batch else ""
        return f"WeightDecay({self.weight_decay!r}, decay_biases={self.decay_biases}{extra})"


def global_norm(arrays: Sequence[np.ndarray]) -> float:
    """:math:`\\sqrt{\\sum_k \\lVert a_k \\rVert_2^2}` over all arrays (elements flattened).

    The sum of squares is taken in float64 whatever the arrays' dtype, so float32 gradients
    as large as float32 allows (about 3e38) still have a finite norm.
    """
    squares = (np.asarray(a, dtype=np.float64).ravel() for a in arrays)
    return math.sqrt(sum(float(np.vdot(a, a)) for a in squares))  # ‖a‖² = a·a


@dataclass
class ClipState:
    """State of :class:`ClipByGlobalNorm`: the global norm of the last gradient, before
    clipping (NaN before the first update)."""

    norm: float = math.nan


class ClipByGlobalNorm:
    """Rescale the gradients so their global norm is at most ``max_norm``.

    .. math::

        g_k \\leftarrow g_k \\cdot \\min\\Big(1, \\frac{c}{\\lVert g \\rVert}\\Big), \\qquad
        \\lVert g \\rVert = \\sqrt{\\textstyle\\sum_k \\lVert g_k \\rVert^2}

    The direction of the whole gradient is kept; gradients already within ``max_norm`` are
    returned as they are. A non-finite norm is left alone too: the training loop reports the
    divergence. The state records the norm before clipping.

    Parameters
    ----------
    max_norm : float
        :math:`c > 0`.
    """

    reads_params = False

    def __init__(self, max_norm: float) -> None:
        self.max_norm = check_real(max_norm, "max_norm", "(0, inf)")

    def init(self, params: Sequence[np.ndarray]) -> ClipState:
        return ClipState()

    def update(
        self, grads: Sequence[np.ndarray], state: ClipState, params: Sequence[np.ndarray]
    ) -> tuple[list[np.ndarray], ClipState]:
        norm = global_norm(grads)
        if norm > self.max_norm and math.isfinite(norm):
            grads = [g * (self.max_norm / norm) for g in grads]
        return list(grads), ClipState(norm)

    def get_config(self) -> dict[str, Any]:
        return {"max_norm": self.max_norm}

    def __repr__(self) -> str:
        return f"ClipByGlobalNorm({self.max_norm!r})"
