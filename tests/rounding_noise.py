"""The plain path against itself: how far rounding alone moves a training run.

The equivalence suite (``test_equivalence_magnitudes.py``) holds the fast path to the plain
path "to rounding". Where a gradient cancels to almost nothing, a difference in the order of
a sum is a large relative difference, and an optimiser that normalises its step (Adam,
RMSprop) turns it into a step of the learning rate's size. So the allowed difference of
every parameter entry is measured: the plain path runs again on the problem rounded
otherwise (:func:`perturbed`), and its distance from the plain run is the entry's noise.
"""

from __future__ import annotations

import copy
from typing import Callable

import numpy as np

from scratchnn.training import TrainingDivergedError, split_batches

#: Relative tolerance of each dtype, times the largest magnitude of the tensor compared.
RTOL = {np.float32: 1e-4, np.float64: 1e-10}

#: How many times the plain path's own rounding noise (:func:`assert_same`) a difference
#: may be.
NOISE = 4

#: The fraction of a tensor's magnitude that its rounding noise reaches where the run
#: becomes chaotic (:func:`assert_same` compares no further).
CHAOTIC = 1e-2

#: How :func:`perturbed` rounds a problem otherwise.
PERTURBATIONS = ("params", "reverse", "inputs", "targets", "gradients")


class GradientNoise:
    """A gradient transformation that adds noise of the size of rounding errors.

    Every gradient entry is a sum: :math:`\\sum_i x_{ik} g_{ij}` for a weight,
    :math:`\\sum_i g_{ij}` for a bias (``g``: the gradient at the layer's output). Summed in
    another order it may differ by up to about ``n_terms`` (the number of samples) epsilons
    of the sum of the terms' magnitudes: much more than the entry itself where the terms
    cancel. So the backward passes of ``network``'s layers with parameters are watched for
    those magnitudes, and every entry moves by a random amount up to that bound.
    """

    def __init__(self, network, n_terms: int, seed: int) -> None:
        self.network, self.rng = network, np.random.default_rng(seed)
        self.n_terms = n_terms
        self.sizes: dict[tuple[int, str], np.ndarray] = {}
        for i, layer in enumerate(network.layers):
            if layer.params:
                layer.backward = self._watched(i, layer, layer.backward)

    def _watched(self, i: int, layer, backward: Callable) -> Callable:
        def watched(grad_y: np.ndarray) -> np.ndarray:
            with np.errstate(over="ignore", invalid="ignore"):
                g = np.abs(grad_y)
                for key in layer.params:
                    terms = np.abs(layer._x).T @ g if key == "W" else g.sum(axis=0)
                    self.sizes[i, key] = self.n_terms * np.finfo(g.dtype).eps * terms
            return backward(grad_y)

        return watched

    def init(self, params) -> None:
        return None

    def update(self, grads, state, params):
        keys = [(i, key) for i, layer in enumerate(self.network.layers) for key in layer.params]
        noisy = []
        for key, g in zip(keys, grads):
            size = np.where(np.isfinite(self.sizes[key]), self.sizes[key], 0.0)
            noisy.append((g + self.rng.uniform(-1.0, 1.0, g.shape) * size).astype(g.dtype))
        return noisy, state


def perturbed(net, X: np.ndarray, T: np.ndarray, batch_size, kind: str):
    """A copy of the network and the data, the same problem rounded otherwise (what a
    rounding error does to it).

    ``"params"`` moves every initial parameter by a random fraction of its last digit;
    ``"reverse"`` reverses the rows of every batch (the same mean losses and gradients,
    summed in another order); ``"inputs"`` moves every input by a random fraction of its
    last digit; ``"targets"`` moves real targets by a random fraction of the last digit of
    the larger of them and the network's initial outputs (as rounding ``y - t`` does), and
    0/1 targets by a few epsilons towards each other, by row (rows of two classes still sum
    to 1); ``"gradients"`` leaves the problem as it is, for a run with :class:`GradientNoise`.
    """
    rng = np.random.default_rng(0)
    copied = copy.deepcopy(net)
    if kind == "params":
        for p in copied.parameters():
            p[...] = _jitter(p, rng)
        return copied, X, T
    if kind == "inputs":
        return copied, _jitter(X, rng), T
    if kind == "targets":
        if np.all((T == 0) | (T == 1)):
            shift = rng.uniform(1.0, 4.0, (T.shape[0], 1)) * np.finfo(T.dtype).eps
            return copied, X, (T * (1 - shift) + (1 - T) * shift).astype(T.dtype)
        with np.errstate(over="ignore", invalid="ignore"):
            size = np.maximum(np.abs(T), np.abs(net.predict(X)))  # y - t is rounded so
        size = np.where(np.isfinite(size), size, np.abs(T)).astype(T.dtype)
        return copied, X, (T + rng.uniform(-1.0, 1.0, T.shape) * np.spacing(size)).astype(T.dtype)
    if kind == "gradients":  # the run adds GradientNoise
        return copied, X, T
    batches = split_batches(X.shape[0], batch_size)
    order = np.concatenate([np.arange(s.start, s.stop)[::-1] for s in batches])
    return copied, X[order], T[order]


def _jitter(a: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``a`` with every entry moved by a random fraction of its last digit."""
    return (a + rng.uniform(-1.0, 1.0, a.shape) * np.spacing(a)).astype(a.dtype)


def assert_same(fast: tuple, plain: tuple, again: list, names: list, initial: list) -> None:
    """The same error (or none), and the same parameters after every update.

    ``again`` holds the plain path on the same problem rounded otherwise (:func:`perturbed`):
    how far they are from ``plain``, entry by entry, is the rounding noise of the problem
    (the plain path against itself). A difference in rounding becomes large where a gradient
    cancels to almost nothing, and Adam's normalised step turns it into a step of the
    learning rate's size. So ``fast`` must have the error of ``plain`` (or of one of
    ``again`` where they differ), and every finite parameter within ``RTOL`` times the
    largest magnitude the tensor has had so far, plus ``NOISE`` times its noise; non-finite
    entries equal (or as in one of ``again``: an overflow decided by rounding). Once the
    noise of a tensor is ``CHAOTIC`` times its magnitude, or rounding decided an overflow,
    rounding decides the rest of the run, and the comparison ends.
    """
    (fast_error, fast_steps), (plain_error, plain_steps) = fast, plain
    errors = [plain_error, *(error for error, _ in again)]
    assert fast_error in errors, f"train raised {fast_error}, the plain loop {plain_error}"
    assert fast_error is None or fast_error[0] is TrainingDivergedError, (
        f"both paths raised {fast_error}"
    )
    n = min(len(steps) for _, steps in [fast, plain, *again])
    scales = [float(np.max(np.abs(p))) for p in initial]
    for k in range(n):
        chaotic = False
        for i, (a, b) in enumerate(zip(fast_steps[k], plain_steps[k])):
            where = f"{names[i]} after update {k + 1}"
            assert a.dtype == b.dtype == initial[i].dtype, (where, a.dtype, b.dtype)
            others = [steps[k][i] for _, steps in again]
            finite = np.isfinite(a) & np.isfinite(b)
            if not np.isfinite(a).all() and not np.isfinite(b).all():
                # Both paths overflowed in this tensor (and raised the same error, checked
                # above): which entries, and NaN or ±inf there, is decided by the order of the
                # sums near the largest float (BLAS against NumPy's pairwise sum; inf − inf,
                # 0 · inf). Diverged alike: nothing left to compare.
                return
            if not np.array_equal(a[~finite], b[~finite], equal_nan=True):
                # Overflow at the edge of the dtype, decided by rounding, if the plain path
                # overflows so too on the problem rounded otherwise: then chaotic from here.
                assert any(_same_non_finite(a, c) for c in others), (
                    f"{where}: train {a} against the plain loop {b}"
                )
                return
            scales[i] = max(scales[i], _largest(a, finite))
            noise = _assert_close(a, b, others, finite, RTOL[a.dtype.type] * scales[i], where)
            chaotic = chaotic or noise > CHAOTIC * scales[i]
        if chaotic:  # rounding decides the rest of the run: nothing left to compare
            return


def _assert_close(a, b, others: list, finite, atol: float, where: str) -> float:
    """``|a - b| <= atol + RTOL |b| + NOISE * noise`` entry by entry where ``finite``, the
    noise of an entry being its largest distance from ``b`` in ``others``; return the
    largest noise."""
    a64, b64 = a[finite].astype(np.float64), b[finite].astype(np.float64)
    noise = np.zeros_like(b64)
    for c in others:
        c64 = c[finite].astype(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            gap = np.abs(b64 - c64)
        noise = np.maximum(noise, np.where(np.isfinite(gap), gap, 0.0))
    bound = atol + RTOL[a.dtype.type] * np.abs(b64) + NOISE * noise
    bad = np.abs(a64 - b64) > bound
    assert not bad.any(), (
        f"{where}: train {a64[bad][:4]} against the plain loop {b64[bad][:4]} (allowed "
        f"difference {bound[bad][:4]}, of which rounding noise {noise[bad][:4]}); "
        f"{int(bad.sum())} of {bad.size} entries differ"
    )
    return float(np.max(noise, initial=0.0))


def _same_non_finite(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` and ``b`` have the same NaN and infinite entries."""
    bad = ~np.isfinite(a)
    return np.array_equal(bad, ~np.isfinite(b)) and np.array_equal(a[bad], b[bad], equal_nan=True)


def _largest(a: np.ndarray, where: np.ndarray) -> float:
    """The largest magnitude of ``a`` where ``where`` is true; 0 where it is nowhere."""
    return float(np.max(np.abs(a[where]), initial=0.0))
