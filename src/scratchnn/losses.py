"""Losses: a value and its gradient with respect to the network output.

Every loss takes the network output ``y`` and targets ``t`` of the same shape
``(N, n_outputs)``, optional sample weights ``w`` of shape ``(N,)``, and has an explicit
``reduction``:

* ``"mean"`` (default) divides the (weighted) summed loss by the normaliser ``n``
  documented per class: with weights, :math:`N` becomes :math:`\\sum_i w_i`, so the loss is
  the weighted mean :math:`\\sum_i w_i \\ell_i / \\sum_i w_i` (scikit-learn's definition);
* ``"sum"`` does not divide (Part 2's summed gradient, Part 4's summed cross-entropy).

Under ``"mean"``, ``outputs="mean"`` also divides by the number of outputs and ``"sum"``
adds the outputs of a sample (the categorical cross-entropy's default). scikit-learn's MLP
sums them: its losses are these with ``outputs="sum"`` (``MSE`` also with ``half=True``).

Each loss has its value and its gradient :math:`\\partial\\xi/\\partial y`, one NumPy expression
each. The cross-entropies and the Poisson deviance are paired with the output activation
they fuse with (``fused_activation``: the canonical link). When a network ends in that
activation, backpropagation starts from ``fused_gradient`` at the activation's *input*,
:math:`\\partial\\xi/\\partial z = (y - t)/n`, the identity the series derives, and the value
is computed from :math:`z` too (``value_from_logits``: a softplus, a log-sum-exp), so it stays
exact when the activation saturates (:math:`\\sigma(40)` rounds to 1, a softmax probability
underflows to 0). From the probabilities alone, logarithms are taken of values clipped to
``[tiny, 1]`` of their dtype, so ``log(0)`` never happens, but the value is then only a bound.

``from_logits=True`` makes a fused loss take :math:`z` itself as its input (a network ending
in a ``Linear`` layer): its value is ``value_from_logits`` and its gradient the fused one.

Targets are checked once per training run (:meth:`Loss.check_targets`): probabilities in
[0, 1] for the binary cross-entropy, one-hot or probability rows for the categorical one,
non-negative counts for the Poisson deviance.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ._validation import check_bool, check_choice
from .layers import Exp, Layer, Logistic, Softmax

__all__ = [
    "Loss",
    "MSE",
    "BinaryCrossEntropy",
    "CategoricalCrossEntropy",
    "HalfPoissonDeviance",
    "LOSS_TYPES",
]

_REDUCTIONS = ("mean", "sum")


def _safe_log(p: np.ndarray) -> np.ndarray:
    """``log(p)`` with ``p`` clipped below at the smallest normal number of its dtype."""
    return np.log(np.maximum(p, np.finfo(p.dtype).tiny))


def _log_softmax(z: np.ndarray) -> np.ndarray:
    """:math:`z_{ic} - \\log\\sum_d e^{z_{id}}`, shifted by the row maximum (never overflows)."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def _total(elementwise: np.ndarray, w: np.ndarray | None) -> float:
    """:math:`\\sum_{i,k} w_i \\ell_{ik}` (:math:`w_i = 1` without weights)."""
    if w is None:
        return float(np.sum(elementwise))
    return float(np.dot(w, elementwise.reshape(len(w), -1).sum(axis=1)))


def _weigh(grad: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Row ``i`` of ``grad`` times :math:`w_i` (unchanged without weights)."""
    return grad if w is None else grad * w.reshape(-1, *[1] * (grad.ndim - 1))


class Loss:
    """Base class for losses.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
    outputs : {"mean", "sum"}, optional
        With ``reduction="mean"``: divide by the number of outputs too (``"mean"``) or add
        the outputs of each sample (``"sum"``); the default is the class's
        (:attr:`per_output`). Ignored by ``reduction="sum"``.
    """

    #: Output activation class whose gradient fuses with this loss, if any.
    fused_activation: type[Layer] | None = None
    #: Whether ``"mean"`` also divides by the number of outputs (else by samples only): the
    #: class's default of ``outputs``, replaced per instance by ``outputs=``.
    per_output: bool = True

    def __init__(self, reduction: str = "mean", *, outputs: str | None = None) -> None:
        self.reduction = check_choice(reduction, "reduction", _REDUCTIONS)
        if outputs is not None:
            self.per_output = check_choice(outputs, "outputs", _REDUCTIONS) == "mean"

    def _check(self, y: np.ndarray, t: np.ndarray) -> None:
        if y.shape != t.shape:
            raise ValueError(
                f"{type(self).__name__}: outputs and targets must have the same shape, "
                f"got {y.shape} and {t.shape}"
            )

    def normaliser(self, y: np.ndarray, w: np.ndarray | None = None) -> float:
        """:math:`n`, the divisor of the summed loss: :math:`N` (or :math:`\\sum_i w_i`),
        times the number of outputs when :attr:`per_output`; 1 for ``reduction="sum"``."""
        if self.reduction == "sum":
            return 1
        if w is None:
            return y.size if self.per_output else y.shape[0]
        return float(np.sum(w)) * (y[0].size if self.per_output else 1)

    def __call__(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> float:
        return self.value(y, t, w)

    def value(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> float:
        """The loss :math:`\\xi` of outputs ``y`` against targets ``t`` (sample weights ``w``)."""
        self._check(y, t)
        return _total(self.elementwise(y, t), w) / self.normaliser(y, w)

    def gradient(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        """:math:`\\partial\\xi/\\partial y`, shape of ``y``."""
        self._check(y, t)
        return _weigh(self.elementwise_gradient(y, t), w) / self.normaliser(y, w)

    def elementwise(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:  # pragma: no cover
        """:math:`\\ell_{ik}`, the loss of every output before weighting and reduction."""
        raise NotImplementedError

    def elementwise_gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:  # pragma: no cover
        """:math:`\\partial \\ell_{ik} / \\partial y_{ik}`."""
        raise NotImplementedError

    def logit_elementwise(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        """:math:`\\ell_{ik}` computed from the input ``z`` of ``fused_activation``."""
        raise NotImplementedError(f"{type(self).__name__} has no fused output activation")

    def value_from_logits(self, z: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> float:
        """The loss at ``y = activation(z)``, computed from ``z`` (exact at any saturation)."""
        self._check(z, t)
        return _total(self.logit_elementwise(z, t), w) / self.normaliser(z, w)

    def fused_gradient(
        self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None
    ) -> np.ndarray:
        """Gradient at the input ``z`` of ``fused_activation``, where ``y = activation(z)``:
        :math:`\\partial\\xi/\\partial z_{ik} = w_i (y_{ik} - t_{ik})/n`."""
        if type(self).fused_activation is None:
            raise NotImplementedError(f"{type(self).__name__} has no fused output activation")
        self._check(y, t)
        if w is None:
            return (y - t) / self.normaliser(y)
        return _weigh(y - t, w) / self.normaliser(y, w)

    def check_targets(self, t: np.ndarray, name: str = "T") -> None:
        """Raise ValueError unless ``t`` holds valid targets for this loss (any real for the
        squared error). Called once per training run on the whole target array."""

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"reduction": self.reduction}
        if self.per_output != type(self).per_output:  # only when not the class's default
            config["outputs"] = "mean" if self.per_output else "sum"
        return config

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _FusedLoss(Loss):
    """A loss with a canonical output activation, optionally taking its input directly."""

    def __init__(
        self, reduction: str = "mean", *, from_logits: bool = False, outputs: str | None = None
    ) -> None:
        super().__init__(reduction, outputs=outputs)
        if not isinstance(from_logits, (bool, np.bool_)):
            raise TypeError(f"from_logits must be True or False, got {from_logits!r}")
        self.from_logits = bool(from_logits)
        if self.from_logits:  # no output activation to fuse with: the loss applies it
            self.fused_activation = None

    def value(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> float:
        if self.from_logits:
            return self.value_from_logits(y, t, w)
        return super().value(y, t, w)

    def gradient(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        if self.from_logits:
            activation = cast("type[Layer]", type(self).fused_activation)  # every such loss has one
            return self.fused_gradient(activation().forward(y), t, w)
        return super().gradient(y, t, w)

    def _bad_targets(self, t: np.ndarray, name: str, bad: np.ndarray, what: str) -> None:
        if np.any(bad):
            i, k = np.argwhere(bad)[0]
            raise ValueError(
                f"{name}: the targets of {type(self).__name__} must be {what}; "
                f"found {float(t[i, k])!r} at row {i}, column {k}"
            )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.from_logits:
            config["from_logits"] = True
        return config


class MSE(Loss):
    """Squared error, averaged over all elements or summed; optionally halved.

    .. math::

        \\xi = \\frac{1}{c\\,n} \\sum_{i,k} w_i (y_{ik} - t_{ik})^2, \\qquad
        \\frac{\\partial\\xi}{\\partial y_{ik}} = \\frac{2}{c\\,n} w_i (y_{ik} - t_{ik}),

    with :math:`n = n_{outputs} \\sum_i w_i` (:math:`N \\cdot n_{outputs}` unweighted) for
    ``"mean"`` (:math:`\\sum_i w_i` with ``outputs="sum"``), :math:`n = 1` for ``"sum"``, and
    :math:`c = 2` with ``half=True`` (else 1).

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
    outputs : {"mean", "sum"}, optional
        See :class:`Loss` (default ``"mean"``).
    half : bool, default False
        The half squared error :math:`\\tfrac12 (y - t)^2`, whose gradient is :math:`y - t`
        (scikit-learn's regression loss). The factor is part of the normaliser
        (:meth:`normaliser` returns :math:`c\\,n`), as every path divides by it.

    Examples
    --------
    >>> import numpy as np
    >>> y, t = np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2))
    >>> MSE()(y, t), MSE(half=True, outputs="sum")(y, t), MSE(half=True)(y, t)
    (7.5, 7.5, 3.75)
    """

    def __init__(
        self, reduction: str = "mean", *, outputs: str | None = None, half: bool = False
    ) -> None:
        super().__init__(reduction, outputs=outputs)
        self.half = check_bool(half, "half")

    def normaliser(self, y: np.ndarray, w: np.ndarray | None = None) -> float:
        """:math:`c\\,n`: :meth:`Loss.normaliser` times 2 with ``half=True``."""
        n = super().normaliser(y, w)
        return 2 * n if self.half else n

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        if self.half:
            config["half"] = True
        return config

    def elementwise(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return (y - t) ** 2

    def elementwise_gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return 2.0 * (y - t)


class BinaryCrossEntropy(_FusedLoss):
    """Binary cross-entropy of probabilities ``y`` in (0, 1) and targets ``t`` in [0, 1].

    .. math::

        \\ell = -\\big[t \\log y + (1 - t) \\log(1 - y)\\big], \\qquad
        \\frac{\\partial\\ell}{\\partial y} = \\frac{y - t}{y (1 - y)},

    :math:`\\xi = \\frac{1}{n}\\sum_{i,k} w_i \\ell_{ik}`, :math:`n = n_{outputs} \\sum_i w_i` for
    ``"mean"``. From the logit :math:`z` (``y = σ(z)``), the same loss is a softplus,

    .. math::

        \\ell = \\log(1 + e^{z}) - t z, \\qquad \\frac{\\partial\\ell}{\\partial z} = y - t,

    exact at any :math:`z`; fused with a :class:`~scratchnn.layers.Logistic` output the engine
    uses these.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
    from_logits : bool, default False
        Take :math:`z` instead of :math:`y` as the input (no ``Logistic`` layer).
    """

    fused_activation = Logistic

    def elementwise(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return -(t * _safe_log(y) + (1.0 - t) * _safe_log(1.0 - y))

    def elementwise_gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        tiny = np.finfo(y.dtype).tiny
        return -t / np.maximum(y, tiny) + (1.0 - t) / np.maximum(1.0 - y, tiny)

    def logit_elementwise(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return np.logaddexp(0.0, z) - t * z  # softplus(z) − t z

    def check_targets(self, t: np.ndarray, name: str = "T") -> None:
        self._bad_targets(t, name, ~((t >= 0) & (t <= 1)), "probabilities in [0, 1]")


class CategoricalCrossEntropy(_FusedLoss):
    """Cross-entropy of row-wise class probabilities ``y`` and one-hot (or probability)
    targets ``t``.

    .. math::

        \\xi = -\\frac{1}{n} \\sum_{i} w_i \\sum_{c} t_{ic} \\log y_{ic}, \\qquad
        \\frac{\\partial\\xi}{\\partial y_{ic}} = -\\frac{w_i}{n}\\,\\frac{t_{ic}}{y_{ic}},

    :math:`n = \\sum_i w_i` (:math:`N` unweighted) for ``"mean"``. From the logits :math:`z`
    (``y = softmax(z)``) the log-probabilities are :math:`z_{ic} - \\log\\sum_d e^{z_{id}}` (a
    log-sum-exp, exact at any :math:`z`) and :math:`\\partial\\xi/\\partial z = w(y - t)/n`;
    fused with a :class:`~scratchnn.layers.Softmax` output the engine uses these.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
    from_logits : bool, default False
        Take :math:`z` instead of :math:`y` as the input (no ``Softmax`` layer).
    """

    fused_activation = Softmax
    per_output = False

    def elementwise(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return -t * _safe_log(y)

    def elementwise_gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return -t / np.maximum(y, np.finfo(y.dtype).tiny)

    def logit_elementwise(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return -t * _log_softmax(z)

    def check_targets(self, t: np.ndarray, name: str = "T") -> None:
        what = "one-hot or probability rows (non-negative, each row summing to 1)"
        self._bad_targets(t, name, ~(t >= 0), what)
        sums = t.sum(axis=1)
        tolerance = np.sqrt(np.finfo(t.dtype).eps) * max(1, t.shape[1])
        bad = np.flatnonzero(~(np.abs(sums - 1.0) <= tolerance))
        if bad.size:
            raise ValueError(
                f"{name}: the targets of {type(self).__name__} must be {what}; "
                f"row {bad[0]} sums to {float(sums[bad[0]])!r}"
            )


class HalfPoissonDeviance(_FusedLoss):
    """Half the Poisson deviance of positive means ``y`` and counts ``t`` ≥ 0
    (scikit-learn's ``MLPRegressor(loss="poisson")``).

    .. math::

        \\ell = t \\log\\frac{t}{y} - t + y, \\qquad
        \\frac{\\partial\\ell}{\\partial y} = 1 - \\frac{t}{y},

    (:math:`0 \\log 0 = 0`), :math:`\\xi = \\frac{1}{n}\\sum_{i,k} w_i \\ell_{ik}`,
    :math:`n = n_{outputs} \\sum_i w_i` for ``"mean"``. From the log-mean :math:`z`
    (``y = exp(z)``),

    .. math::

        \\ell = t \\log t - t z - t + e^{z}, \\qquad \\frac{\\partial\\ell}{\\partial z} = y - t,

    which the engine uses when the network ends in an :class:`~scratchnn.layers.Exp` layer.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
    from_logits : bool, default False
        Take the log-mean :math:`z` instead of :math:`y` as the input (no ``Exp`` layer).
    """

    fused_activation = Exp

    def elementwise(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return t * _safe_log(t) - t * _safe_log(y) - t + y

    def elementwise_gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        return 1.0 - t / np.maximum(y, np.finfo(y.dtype).tiny)

    def logit_elementwise(self, z: np.ndarray, t: np.ndarray) -> np.ndarray:
        return t * _safe_log(t) - t * z - t + np.exp(z)

    def check_targets(self, t: np.ndarray, name: str = "T") -> None:
        self._bad_targets(t, name, ~(t >= 0), "non-negative (counts or rates)")


#: Loss classes by name, used to rebuild models from a description.
LOSS_TYPES: dict[str, type[Loss]] = {
    cls.__name__: cls
    for cls in (MSE, BinaryCrossEntropy, CategoricalCrossEntropy, HalfPoissonDeviance)
}
