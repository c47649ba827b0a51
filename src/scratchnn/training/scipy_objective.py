"""The objective SciPy's optimisers take: a network's loss on a whole data set as a function
of one flat parameter vector (``scipy.optimize.minimize(..., jac=True)``).

Quasi-Newton methods such as SciPy's L-BFGS-B see a model as a function
:math:`f: \\mathbb{R}^P \\to \\mathbb{R}` and its gradient. :class:`FlatObjective` gives them

.. math::

    f(\\theta) = \\xi\\big(\\mathrm{net}_\\theta(X), T\\big)
        + \\frac{\\lambda}{2} \\sum_l \\lVert W_l \\rVert^2,

the engine loss :math:`\\xi` on all of ``(x, t)`` (its convention is the loss's own, e.g.
``outputs="sum"``), plus an L2
penalty :math:`\\lambda` = ``l2`` on the weight matrices (not the biases, as
:class:`~scratchnn.regularization.WeightDecay`). The vector :math:`\\theta` lists the
network's parameters in their stable order (:meth:`~scratchnn.network.Sequential.parameters`:
``0.W``, ``0.b``, ``2.W`` …), each flattened in C order. Each call writes :math:`\\theta`
into the layers' own arrays, then runs one forward and backward pass of the executor
(:class:`~scratchnn.executor.TrainingStep`, whose flat gradient already has that layout)::

    objective = FlatObjective(net, loss, x, t, l2=1e-3)
    result = scipy.optimize.minimize(objective, objective.pack(), jac=True, method="L-BFGS-B")
    objective.unpack(result.x)     # the network now holds the solution
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._sparse import is_sparse
from .._validation import as_float_array, check_real
from ..executor import TrainingStep
from ..executor.step import check_training_objects
from ..losses import Loss
from ..network import Sequential
from ..optimizers import GradientDescent
from ..regularization import WeightDecay
from .data import check_sample_weight

__all__ = ["FlatObjective"]


class FlatObjective:
    """``f(theta) -> (value, gradient)`` of a network's penalised loss on ``(x, t)``.

    Parameters
    ----------
    network : Sequential
        Deterministic (no dropout): the objective must be a function of :math:`\\theta`.
    loss : Loss
    x : array_like or scipy.sparse matrix (CSR/CSC), shape (N, n_in)
        All the inputs (finite), converted once to the network's dtype.
    t : array_like, shape (N, n_out)
        The targets, likewise.
    l2 : float, default 0
        :math:`\\lambda \\ge 0` of the penalty :math:`\\frac{\\lambda}{2}\\sum\\lVert W\\rVert^2`
        (:class:`~scratchnn.regularization.WeightDecay`).
    sample_weight : array_like, shape (N,), optional
        Non-negative weights of the samples (the loss's weighted mean).

    Attributes
    ----------
    size : int
        :math:`P`, the length of :math:`\\theta`.
    slices : list of slice
        Where each parameter (in :meth:`~scratchnn.network.Sequential.parameters` order)
        lies in :math:`\\theta`.
    n_calls : int
        Evaluations so far.

    Notes
    -----
    Values and gradients are float64 (what SciPy's optimisers take) whatever the network's
    dtype; a float32 network computes in float32, so its objective is only as smooth as
    float32 rounding allows.

    Raises
    ------
    TypeError
        If ``network`` or ``loss`` is not a scratchnn one.
    ValueError
        For a network with dropout, a negative ``l2``, or ``x``,
        ``t`` of the wrong shape, empty or not finite.
    """

    def __init__(
        self,
        network: Sequential,
        loss: Loss,
        x: Any,
        t: Any,
        *,
        l2: float = 0.0,
        sample_weight: Any = None,
    ) -> None:
        check_training_objects(network, loss, GradientDescent())
        if network.stochastic:
            raise ValueError(
                "network has stochastic layers (dropout): a flat objective must be "
                "deterministic; remove them or use train() instead"
            )
        self.l2 = check_real(l2, "l2", "[0, inf)")
        self.network, self.loss = network, loss
        self._params = network.parameters()
        dtype = self._params[0].dtype if self._params else np.dtype(np.float64)
        if is_sparse(x):  # CSR/CSC: the first Linear multiplies it as it is
            self.x = network.check_sparse(x, "x", dtype=dtype)
        else:
            self.x = as_float_array(x, "x", ndim=2, dtype=dtype)
        self.t = as_float_array(t, "t", ndim=2, dtype=dtype)
        if self.x.shape[0] != self.t.shape[0]:
            raise ValueError(
                f"x and t must have the same number of samples, got {self.x.shape[0]} "
                f"and {self.t.shape[0]}"
            )
        network.check_features(self.x, "x")
        self.w = (
            None
            if sample_weight is None
            else check_sample_weight(sample_weight, self.x.shape[0], dtype)
        )
        # The step's optimiser is never applied: only its loss and gradient passes run.
        self._step = TrainingStep(network, loss, GradientDescent())
        self._decay = WeightDecay(self.l2)
        ends = np.cumsum([p.size for p in self._params])
        self.slices = [slice(int(e - p.size), int(e)) for p, e in zip(self._params, ends)]
        self.size = int(ends[-1]) if self._params else 0
        self.n_calls = 0

    def pack(self) -> np.ndarray:
        """:math:`\\theta`: a float64 copy of the network's current parameters."""
        theta = np.empty(self.size, dtype=np.float64)
        for p, s in zip(self._params, self.slices):
            theta[s] = p.ravel()
        return theta

    def unpack(self, theta: Any) -> None:
        """Write :math:`\\theta` into the network's parameter arrays (in place).

        Raises
        ------
        ValueError
            If ``theta`` does not hold ``size`` numbers.
        """
        theta = np.asarray(theta)
        if theta.shape != (self.size,):
            raise ValueError(f"theta must have shape ({self.size},), got {theta.shape}")
        for p, s in zip(self._params, self.slices):
            p[...] = theta[s].reshape(p.shape)

    def __call__(self, theta: Any) -> tuple[float, np.ndarray]:
        """:math:`f(\\theta)` and :math:`\\nabla f(\\theta)` (float64, shape (P,)).

        The network keeps :math:`\\theta` (and the gradient in its layers' ``grads``).
        """
        self.unpack(theta)
        self.n_calls += 1
        value = self._step.loss_and_gradients(self.x, self.t, self.w)
        grad = np.empty(self.size, dtype=np.float64)  # the parameters' order, not the step's
        for g, s in zip(self._step.grad_views, self.slices):
            grad[s] = g.ravel()
        if self.l2:
            value += self._decay.penalty(self._params)
            for s, term in zip(self.slices, self._decay.terms(self._params)):
                if term is not None:
                    grad[s] += term.ravel()  # the gradient of λ/2 ‖W‖², λW
        return float(value), grad
