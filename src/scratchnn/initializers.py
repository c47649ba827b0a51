"""Weight initialisers.

An initialiser is a callable ``init(shape, rng, dtype) -> ndarray``. ``rng`` may be a
``numpy.random.Generator`` or a legacy ``RandomState`` (both offer ``standard_normal`` and
``uniform`` with the same meaning; ``RandomState.standard_normal(size)`` draws exactly what
``randn(*size)`` draws, which is what the series uses).

For a weight matrix of shape ``(n_in, n_out)``:

======================  ===========================================================
name                    distribution
======================  ===========================================================
``zeros``               0
``normal(scale)``       :math:`\\mathcal{N}(0, 1) \\cdot \\text{scale}` (the series' ``randn * 0.1``)
``glorot_uniform``      :math:`U(-a, a)`, :math:`a = \\sqrt{6 / (n_{in} + n_{out})}`
``glorot_normal``       :math:`\\mathcal{N}(0, 2 / (n_{in} + n_{out}))`
``he_uniform``          :math:`U(-a, a)`, :math:`a = \\sqrt{6 / n_{in}}`
``he_normal``           :math:`\\mathcal{N}(0, 2 / n_{in})`
======================  ===========================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Union

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

Initializer = Callable[[tuple, object, np.dtype], np.ndarray]

__all__ = [
    "Initializer",
    "zeros",
    "normal",
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "get",
]


def _fans(shape: tuple) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def zeros(shape: tuple, rng: Any = None, dtype: DTypeLike = np.float64) -> np.ndarray:
    """All zeros (the default for biases)."""
    return np.zeros(shape, dtype=dtype)


def normal(scale: float = 1.0) -> Initializer:
    """Return an initialiser drawing ``standard_normal(shape) * scale``."""

    def init(shape: tuple, rng: Any, dtype: DTypeLike = np.float64) -> np.ndarray:
        return (rng.standard_normal(shape) * scale).astype(dtype, copy=False)

    init.__name__ = f"normal(scale={scale!r})"
    return init


def glorot_uniform(shape: tuple, rng: Any, dtype: DTypeLike = np.float64) -> np.ndarray:
    """Glorot/Xavier uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(dtype, copy=False)


def glorot_normal(shape: tuple, rng: Any, dtype: DTypeLike = np.float64) -> np.ndarray:
    """Glorot/Xavier normal: N(0, 2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(
        dtype, copy=False
    )


def he_uniform(shape: tuple, rng: Any, dtype: DTypeLike = np.float64) -> np.ndarray:
    """He/Kaiming uniform: U(-a, a) with a = sqrt(6 / fan_in); suits ReLU."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, shape).astype(dtype, copy=False)


def he_normal(shape: tuple, rng: Any, dtype: DTypeLike = np.float64) -> np.ndarray:
    """He/Kaiming normal: N(0, 2 / fan_in); suits ReLU."""
    fan_in, _ = _fans(shape)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype, copy=False)


_BY_NAME = {
    "zeros": zeros,
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
}


def get(init: Union[str, Initializer]) -> Initializer:
    """Return the initialiser named ``init`` (or ``init`` itself when it is callable)."""
    if callable(init):
        return init
    try:
        return _BY_NAME[init]
    except (KeyError, TypeError):
        options = ", ".join(repr(k) for k in _BY_NAME)
        raise ValueError(
            f"initialiser must be a callable or one of {options}, got {init!r}"
        ) from None
