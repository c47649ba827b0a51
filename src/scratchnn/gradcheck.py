"""Gradient checking by central finite differences.

For a scalar function :math:`f` of an array :math:`\\theta`, each element's derivative is
estimated by

.. math::

    \\frac{\\partial f}{\\partial \\theta_j} \\approx
    \\frac{f(\\theta + \\epsilon e_j) - f(\\theta - \\epsilon e_j)}{2\\epsilon}

(:math:`\\epsilon = 10^{-4}` as in the series) and compared with backpropagation using
``np.isclose`` (``rtol=1e-5, atol=1e-8`` by default, the series' tolerances). Perturbations
are made in place and each element is restored to its exact original value afterwards.

Check each layer and loss *alone* (:func:`check_layer`, :func:`check_loss`) as well as the
whole network (:func:`check_gradients`): errors in two places can cancel in a whole-network
check. Use float64; float32 round-off swamps differences of size :math:`\\epsilon`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ._validation import as_rng
from .layers import Layer
from .losses import Loss
from .network import Sequential

__all__ = [
    "GradientCheckError",
    "ParameterCheck",
    "GradientCheckReport",
    "numerical_gradient",
    "compare",
    "check_gradients",
    "check_layer",
    "check_loss",
]


class GradientCheckError(ValueError):
    """Backpropagated and numerical gradients disagree."""


def numerical_gradient(
    f: Callable[[], float], theta: np.ndarray, epsilon: float = 1e-4
) -> np.ndarray:
    """Central-difference gradient of ``f()`` with respect to every element of ``theta``.

    ``theta`` is perturbed in place (``f`` must read it) and restored exactly.

    Parameters
    ----------
    f : callable
        Returns the scalar to differentiate, computed from the current ``theta``.
    theta : ndarray
        Any shape; writable.
    epsilon : float

    Returns
    -------
    ndarray, shape of ``theta``
    """
    grad = np.zeros(theta.shape, dtype=np.float64)
    flat = theta.reshape(-1)  # a view: theta is contiguous for every array we own
    if not np.shares_memory(flat, theta):
        raise ValueError("numerical_gradient needs a contiguous array to perturb in place")
    for j in range(flat.size):
        original = flat[j]
        flat[j] = original + epsilon
        plus = f()
        flat[j] = original - epsilon
        minus = f()
        flat[j] = original
        grad.flat[j] = (plus - minus) / (2.0 * epsilon)
    return grad


@dataclass
class ParameterCheck:
    """The comparison for one array.

    Attributes
    ----------
    name : str
    max_abs_error : float
        Largest :math:`|g_{num} - g_{bp}|`.
    max_rel_error : float
        Largest :math:`|g_{num} - g_{bp}| / \\max(|g_{num}|, |g_{bp}|)` (0 where both are 0).
    passed : bool
        Every element satisfies ``np.isclose(g_num, g_bp, rtol, atol)``.
    worst_numerical, worst_backprop : float
        The pair at the element failing ``isclose`` by the most (or with the largest error).
    """

    name: str
    max_abs_error: float
    max_rel_error: float
    passed: bool
    worst_numerical: float
    worst_backprop: float


@dataclass
class GradientCheckReport:
    """Per-array results of a gradient check; ``passed`` when every array passed."""

    checks: list[ParameterCheck] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def max_rel_error(self) -> float:
        return max((c.max_rel_error for c in self.checks), default=0.0)

    def raise_if_failed(self) -> None:
        """Raise :class:`GradientCheckError` naming the first failing array."""
        for c in self.checks:
            if not c.passed:
                raise GradientCheckError(
                    f"Numerical gradient of {c.worst_numerical:.6f} is not close to the "
                    f"backpropagation gradient of {c.worst_backprop:.6f}! (parameter {c.name})"
                )

    def __str__(self) -> str:
        lines = [f"{'array':<12} {'max abs err':>12} {'max rel err':>12}  ok"]
        for c in self.checks:
            lines.append(
                f"{c.name:<12} {c.max_abs_error:12.3e} {c.max_rel_error:12.3e}  "
                f"{'yes' if c.passed else 'NO'}"
            )
        return "\n".join(lines)


def compare(
    name: str, numerical: np.ndarray, backprop: np.ndarray, rtol: float = 1e-5, atol: float = 1e-8
) -> ParameterCheck:
    """Compare a numerical and a backpropagated gradient array."""
    numerical = np.asarray(numerical, dtype=np.float64)
    backprop = np.asarray(backprop, dtype=np.float64)
    if numerical.shape != backprop.shape:
        raise ValueError(
            f"gradient of {name} has shape {backprop.shape}, expected {numerical.shape}"
        )
    if numerical.size == 0:
        return ParameterCheck(name, 0.0, 0.0, True, 0.0, 0.0)
    diff = np.abs(numerical - backprop)
    scale = np.maximum(np.abs(numerical), np.abs(backprop))
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    close = np.isclose(numerical, backprop, rtol=rtol, atol=atol)
    excess = diff - (atol + rtol * np.abs(backprop))  # > 0 exactly where isclose fails
    worst = int(np.argmax(excess))
    return ParameterCheck(
        name=name,
        max_abs_error=float(diff.max()),
        max_rel_error=float(rel.max()),
        passed=bool(close.all()),
        worst_numerical=float(numerical.flat[worst]),
        worst_backprop=float(backprop.flat[worst]),
    )


def check_gradients(
    network: Sequential,
    loss: Loss,
    X: np.ndarray,
    T: np.ndarray,
    *,
    epsilon: float = 1e-4,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    raise_on_failure: bool = True,
) -> GradientCheckReport:
    """Check every parameter of every layer of ``network`` against finite differences.

    Parameters
    ----------
    network : Sequential
    loss : Loss
    X : ndarray, shape (N, n_in)
    T : ndarray, shape (N, n_out)
    epsilon, rtol, atol : float
    raise_on_failure : bool, default True
        Raise :class:`GradientCheckError` when some element is not close.

    Returns
    -------
    GradientCheckReport
        One entry per parameter array, named as in ``network.named_parameters()``.
        The parameters are left exactly as they were. The check runs in evaluation mode
        (dropout off); each layer's mode is restored afterwards.
    """
    # Evaluation mode: a layer such as dropout must compute the same function every call.
    modes = [layer.training for layer in network.layers]
    network.eval()
    try:
        network.loss_and_gradients(loss, X, T)
        backprop = [g.copy() for g in network.gradients()]

        def f() -> float:
            return loss.value(network.forward(X), T)

        report = GradientCheckReport()
        for (name, theta), bp in zip(network.named_parameters(), backprop):
            report.checks.append(
                compare(name, numerical_gradient(f, theta, epsilon), bp, rtol=rtol, atol=atol)
            )
    finally:
        for layer, mode in zip(network.layers, modes):
            layer.training = mode
    if raise_on_failure:
        report.raise_if_failed()
    return report


def check_layer(
    layer: Layer,
    x: np.ndarray,
    *,
    rng: Any = None,
    epsilon: float = 1e-4,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> GradientCheckReport:
    """Check one layer alone: its input gradient and every parameter gradient.

    The layer's output is reduced to the scalar :math:`f = \\sum_{ij} Y_{ij} G_{ij}` with a
    fixed random :math:`G`, so :math:`\\partial f/\\partial Y = G` exercises every output.
    Entries are named ``"input"`` and the parameter keys.
    """
    rng = as_rng(rng)
    x = np.array(x, dtype=np.float64)
    y = layer.forward(x)
    G = rng.standard_normal(y.shape)
    grad_x = layer.backward(G.copy())
    param_grads = {k: g.copy() for k, g in layer.grads.items()}

    def f() -> float:
        return float(np.sum(layer.forward(x) * G))

    report = GradientCheckReport()
    report.checks.append(
        compare("input", numerical_gradient(f, x, epsilon), grad_x, rtol=rtol, atol=atol)
    )
    for name, theta in layer.params.items():
        report.checks.append(
            compare(name, numerical_gradient(f, theta, epsilon), param_grads[name], rtol, atol)
        )
    return report


def check_loss(
    loss: Loss,
    y: np.ndarray,
    t: np.ndarray,
    *,
    fused: bool = False,
    w: np.ndarray | None = None,
    epsilon: float = 1e-4,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> GradientCheckReport:
    """Check a loss's gradient alone.

    With ``fused=False`` ``y`` is the network output and :meth:`~scratchnn.losses.Loss.gradient` is checked.
    With ``fused=True`` ``y`` is the *input* ``z`` of the loss's fused activation and
    :meth:`~scratchnn.losses.Loss.fused_gradient` at ``activation(z)`` is checked against differences of
    ``loss(activation(z), t)``. ``w``: optional sample weights, shape (N,).
    """
    y = np.array(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
    if fused:
        if getattr(loss, "from_logits", False):
            raise ValueError("fused=True checks a loss of probabilities, not from_logits=True")
        # None for a loss that fuses with nothing: calling it raises TypeError, as before
        activation_type: Any = type(loss).fused_activation
        activation = activation_type()
        backprop = loss.fused_gradient(activation.forward(y), t, w)

        def f() -> float:
            return loss.value(activation.forward(y), t, w)

    else:
        backprop = loss.gradient(y, t, w)

        def f() -> float:
            return loss.value(y, t, w)

    report = GradientCheckReport()
    report.checks.append(
        compare("output", numerical_gradient(f, y, epsilon), backprop, rtol=rtol, atol=atol)
    )
    return report
