"""Losses: a value and its gradient with respect to the network output.

Every loss takes the network output ``y`` and targets ``t`` of the same shape
``(N, n_outputs)`` and has an explicit ``reduction``:

* ``"mean"`` (default) divides the summed loss by the normaliser ``n`` documented per class;
* ``"sum"`` does not divide (Part 2's summed gradient, Part 4's summed cross-entropy).

Each loss has its value and its gradient :math:`\\partial\\xi/\\partial y`, one NumPy expression
each. Cross-entropies are paired with the output activation they fuse with
(``fused_activation``). When a network ends in that activation, backpropagation starts
from ``fused_gradient`` at the activation's *input*, :math:`\\partial\\xi/\\partial z = (y - t)/n`,
the identity the series derives, instead of dividing by :math:`y(1-y)` and multiplying it back.
Logarithms are taken of probabilities clipped to ``[tiny, 1]`` of their dtype, so ``log(0)``
never happens.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_choice
from .layers import Logistic, Softmax

__all__ = ["Loss", "MSE", "BinaryCrossEntropy", "CategoricalCrossEntropy", "LOSS_TYPES"]

_REDUCTIONS = ("mean", "sum")


def _safe_log(p: np.ndarray) -> np.ndarray:
    """``log(p)`` with ``p`` clipped below at the smallest normal number of its dtype."""
    return np.log(np.maximum(p, np.finfo(p.dtype).tiny))


class Loss:
    """Base class for losses.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default "mean"
    """

    #: Output activation class whose gradient fuses with this loss, if any.
    fused_activation: type | None = None

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = check_choice(reduction, "reduction", _REDUCTIONS)

    def _check(self, y: np.ndarray, t: np.ndarray) -> None:
        if y.shape != t.shape:
            raise ValueError(
                f"{type(self).__name__}: outputs and targets must have the same shape, "
                f"got {y.shape} and {t.shape}"
            )

    def normaliser(self, y: np.ndarray) -> int:
        """:math:`n`, the divisor of the summed loss: 1 for ``reduction="sum"``."""
        return y.shape[0] if self.reduction == "mean" else 1

    def __call__(self, y: np.ndarray, t: np.ndarray) -> float:
        return self.value(y, t)

    def value(self, y: np.ndarray, t: np.ndarray) -> float:  # pragma: no cover - abstract
        """The loss :math:`\\xi` of outputs ``y`` against targets ``t``."""
        raise NotImplementedError

    def gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:  # pragma: no cover
        """:math:`\\partial\\xi/\\partial y`, shape of ``y``."""
        raise NotImplementedError

    def fused_gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Gradient at the input ``z`` of ``fused_activation``, where ``y = activation(z)``:
        :math:`\\partial\\xi/\\partial z = (y - t)/n` for the cross-entropies."""
        if self.fused_activation is None:
            raise NotImplementedError(f"{type(self).__name__} has no fused output activation")
        self._check(y, t)
        return (y - t) / self.normaliser(y)

    def get_config(self) -> dict:
        return {"reduction": self.reduction}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"


class MSE(Loss):
    """Squared error, averaged over all elements or summed.

    .. math::

        \\xi = \\frac{1}{n} \\sum_{i,k} (y_{ik} - t_{ik})^2, \\qquad
        \\frac{\\partial\\xi}{\\partial y} = \\frac{2}{n}(y - t),

    with :math:`n = N \\cdot n_{outputs}` for ``"mean"`` and :math:`n = 1` for ``"sum"``.
    """

    def normaliser(self, y: np.ndarray) -> int:
        return y.size if self.reduction == "mean" else 1

    def value(self, y: np.ndarray, t: np.ndarray) -> float:
        self._check(y, t)
        return float(np.sum((y - t) ** 2) / self.normaliser(y))

    def gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        self._check(y, t)
        return 2.0 * (y - t) / self.normaliser(y)


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy of probabilities ``y`` in (0, 1) and targets ``t`` in {0, 1}.

    .. math::

        \\xi = -\\frac{1}{n} \\sum_{i,k} \\big[t \\log y + (1 - t) \\log(1 - y)\\big], \\qquad
        \\frac{\\partial\\xi}{\\partial y} = \\frac{1}{n}\\,\\frac{y - t}{y (1 - y)},

    :math:`n = N \\cdot n_{outputs}` for ``"mean"``. Fused with a :class:`~scratchnn.layers.Logistic`
    output, :math:`\\partial\\xi/\\partial z = (y - t)/n`.
    """

    fused_activation = Logistic

    def normaliser(self, y: np.ndarray) -> int:
        return y.size if self.reduction == "mean" else 1

    def value(self, y: np.ndarray, t: np.ndarray) -> float:
        self._check(y, t)
        total = -np.sum(t * _safe_log(y) + (1.0 - t) * _safe_log(1.0 - y))
        return float(total / self.normaliser(y))

    def gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        self._check(y, t)
        tiny = np.finfo(y.dtype).tiny
        return (-t / np.maximum(y, tiny) + (1.0 - t) / np.maximum(1.0 - y, tiny)) / (
            self.normaliser(y)
        )


class CategoricalCrossEntropy(Loss):
    """Cross-entropy of row-wise class probabilities ``y`` and one-hot (or soft) targets ``t``.

    .. math::

        \\xi = -\\frac{1}{n} \\sum_{i} \\sum_{c} t_{ic} \\log y_{ic}, \\qquad
        \\frac{\\partial\\xi}{\\partial y} = -\\frac{1}{n}\\,\\frac{t}{y},

    :math:`n = N` (samples) for ``"mean"``. Fused with a :class:`~scratchnn.layers.Softmax`
    output, :math:`\\partial\\xi/\\partial z = (y - t)/n`.
    """

    fused_activation = Softmax

    def value(self, y: np.ndarray, t: np.ndarray) -> float:
        self._check(y, t)
        return float(-np.sum(t * _safe_log(y)) / self.normaliser(y))

    def gradient(self, y: np.ndarray, t: np.ndarray) -> np.ndarray:
        self._check(y, t)
        return -t / np.maximum(y, np.finfo(y.dtype).tiny) / self.normaliser(y)


#: Loss classes by name, used to rebuild models from a description.
LOSS_TYPES: dict[str, type[Loss]] = {
    cls.__name__: cls for cls in (MSE, BinaryCrossEntropy, CategoricalCrossEntropy)
}
