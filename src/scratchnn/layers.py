"""Layers: each forward and backward formula, once.

Layer protocol
--------------
* ``forward(x) -> y`` computes the output for a batch ``x`` of shape ``(N, n_in)`` and
  caches what the backward pass needs.
* ``backward(grad_y) -> grad_x`` takes :math:`G = \\partial\\xi/\\partial y` (shape of ``y``),
  writes into the arrays of ``layer.grads`` (same keys and shapes as ``layer.params``, so a
  list from ``network.gradients()`` stays valid from one pass to the next) and returns
  :math:`\\partial\\xi/\\partial x` (shape of ``x``).
* A layer never updates its own parameters; optimisers do, so gradients stay inspectable.
* Parameters keep their dtype; ``astype`` converts them (float32 training).
* Neither pass modifies its argument.

This is the reference path: each formula of a docstring is one NumPy expression in the code.
The training loop runs the same math faster (reused buffers, in-place kernels) in
:mod:`scratchnn.executor`, and the test suite holds both paths equal.

Samples are rows throughout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

from . import initializers
from ._sparse import is_sparse
from ._validation import as_rng, check_float_dtype, check_int, check_real

__all__ = [
    "Layer", "Linear", "Bias", "Identity", "Logistic", "Exp", "Softmax", "GaussianRBF", "Tanh",
    "ReLU", "Dropout", "logistic", "softmax", "LAYER_TYPES",
]  # fmt: skip


def logistic(z: np.ndarray) -> np.ndarray:
    """The logistic function :math:`\\sigma(z) = 1 / (1 + e^{-z})`.

    For very negative ``z`` the exponential overflows to ``inf`` and the result is the exact
    limit 0; the warning NumPy would give for that is suppressed.
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax :math:`y_c = e^{z_c} / \\sum_d e^{z_d}` along ``axis``, shifted by the max.

    Subtracting the maximum leaves the result unchanged mathematically and keeps every
    exponent <= 0, so nothing overflows.
    """
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class Layer:
    """Base class: a layer without parameters that passes gradients through unchanged."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    #: Attributes in which forward passes cache arrays for backward.
    _cache_names = ("_x", "_y", "_z")

    def clear_cache(self) -> None:
        """Forget what the last forward pass cached (frees the memory of its batch)."""
        for name in self._cache_names:
            self.__dict__.pop(name, None)

    def __getstate__(self) -> dict[str, Any]:
        """Pickles hold parameters and settings, never the last batch's activations."""
        return {k: v for k, v in self.__dict__.items() if k not in self._cache_names}

    def astype(self, dtype: DTypeLike) -> Layer:
        """Convert the parameters (and gradients) to ``dtype`` in place; return self."""
        dtype = np.dtype(dtype)
        for name, value in self.params.items():
            if value.dtype != dtype:
                self.params[name] = value.astype(dtype)
                self.grads[name] = np.zeros_like(self.params[name])
        return self

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of the output for an input of ``input_shape`` (batch axis first)."""
        return input_shape

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this layer (parameters excluded)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Linear(Layer):
    """Fully connected layer :math:`Y = XW + b`.

    Parameters
    ----------
    n_in, n_out : int
        Number of input and output features. ``W`` has shape ``(n_in, n_out)``, ``b`` has
        shape ``(n_out,)``.
    bias : bool, default True
        Whether the layer has the bias ``b``.
    weight_init, bias_init : str or callable
        Initialisers (see :mod:`scratchnn.initializers`); default Glorot-uniform weights and
        zero biases.
    rng : None, int, Generator or RandomState
        Source of the initial weights.
    dtype : numpy dtype, default float64

    Notes
    -----
    With :math:`G = \\partial\\xi/\\partial Y` of shape ``(N, n_out)``:

    .. math::

        \\frac{\\partial\\xi}{\\partial W} = X^\\top G, \\qquad
        \\frac{\\partial\\xi}{\\partial b} = \\sum_{i} G_{i\\cdot}, \\qquad
        \\frac{\\partial\\xi}{\\partial X} = G W^\\top .

    ``X`` may be a SciPy sparse matrix (CSR or CSC), the network's input: :math:`XW` and
    :math:`X^\\top G` are then sparse × dense products with dense results, ``X`` is never
    densified, and ``backward`` returns None instead of :math:`\\partial\\xi/\\partial X` (nobody
    needs the gradient of the data, and it would be a dense matrix of the size the sparse
    format avoids).
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        bias: bool = True,
        *,
        weight_init: str | initializers.Initializer = "glorot_uniform",
        bias_init: str | initializers.Initializer = "zeros",
        rng: Any = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        self.n_in = check_int(n_in, "n_in", low=1)
        self.n_out = check_int(n_out, "n_out", low=1)
        self.bias = bool(bias)
        rng = as_rng(rng)
        dtype = check_float_dtype(dtype)
        self.params["W"] = np.asarray(
            initializers.get(weight_init)((self.n_in, self.n_out), rng, dtype), dtype=dtype
        )
        if self.bias:
            self.params["b"] = np.asarray(
                initializers.get(bias_init)((self.n_out,), rng, dtype), dtype=dtype
            )
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self._x: Any = None  # the last input: an array, or the network's sparse matrix

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        if self.bias:
            return x @ self.params["W"] + self.params["b"]  # Y = XW + b
        return x @ self.params["W"]  # Y = XW

    # None for the network's sparse input (no gradient of the data), where only the first
    # layer can be: the callers chain arrays, so the base class promises one.
    def backward(self, grad_y: np.ndarray) -> np.ndarray | None:  # type: ignore[override]
        self.grads["W"][...] = self._x.T @ grad_y  # ∂ξ/∂W = XᵀG (X dense or sparse)
        if self.bias:
            self.grads["b"][...] = grad_y.sum(axis=0)  # ∂ξ/∂b = Σᵢ Gᵢ
        if is_sparse(self._x):  # the network's sparse input: no gradient of the data
            return None
        return grad_y @ self.params["W"].T  # ∂ξ/∂X = GWᵀ

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return (*input_shape[:-1], self.n_out)

    def get_config(self) -> dict[str, Any]:
        return {"n_in": self.n_in, "n_out": self.n_out, "bias": self.bias}


class Bias(Layer):
    """A learned bias without weights: :math:`y = x + b` (Part 3's output :math:`h + b_o`).

    .. math::

        \\frac{\\partial\\xi}{\\partial b} = \\sum_i G_{i\\cdot}, \\qquad
        \\frac{\\partial\\xi}{\\partial x} = G

    Parameters
    ----------
    n_features : int
        ``b`` has shape ``(n_features,)``; zeros initially.
    dtype : numpy dtype, default float64
    """

    def __init__(self, n_features: int, *, dtype: DTypeLike = np.float64) -> None:
        super().__init__()
        self.n_features = check_int(n_features, "n_features", low=1)
        self.params["b"] = np.zeros(self.n_features, dtype=check_float_dtype(dtype))
        self.grads["b"] = np.zeros_like(self.params["b"])

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x + self.params["b"]

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        self.grads["b"][...] = grad_y.sum(axis=0)  # ∂ξ/∂b = Σᵢ Gᵢ
        return grad_y

    def get_config(self) -> dict[str, Any]:
        return {"n_features": self.n_features}


class Identity(Layer):
    """Identity activation :math:`y = z`, :math:`\\partial\\xi/\\partial z = G`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return grad_y


class Logistic(Layer):
    """Logistic (sigmoid) activation.

    .. math::

        y = \\sigma(z) = \\frac{1}{1 + e^{-z}}, \\qquad
        \\frac{\\partial\\xi}{\\partial z} = y (1 - y) \\circ G
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = logistic(x)
        return self._y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        y = self._y
        return y * (1.0 - y) * grad_y


class Exp(Layer):
    """Exponential activation (the log link of a Poisson output).

    .. math::

        y = e^{z}, \\qquad \\frac{\\partial\\xi}{\\partial z} = y \\circ G

    Followed by :class:`scratchnn.losses.HalfPoissonDeviance` the two fuse to
    :math:`\\partial\\xi/\\partial z = Y - T` up to the reduction.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = np.exp(x)
        return self._y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return self._y * grad_y


class Softmax(Layer):
    """Row-wise softmax.

    .. math::

        y_{ic} = \\frac{e^{z_{ic}}}{\\sum_d e^{z_{id}}}, \\qquad
        \\frac{\\partial\\xi}{\\partial z_{ic}} = y_{ic}\\Big(G_{ic} - \\sum_d G_{id}\\, y_{id}\\Big)

    (the Jacobian :math:`y_i(\\delta_{ij} - y_j)` applied without forming it). Followed by
    categorical cross-entropy the two fuse to :math:`\\partial\\xi/\\partial z = Y - T` up to the
    reduction; see :class:`scratchnn.losses.CategoricalCrossEntropy`.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = softmax(x, axis=-1)
        return self._y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        y = self._y
        return y * (grad_y - (grad_y * y).sum(axis=-1, keepdims=True))


class GaussianRBF(Layer):
    """Gaussian radial basis function (Part 3's hidden activation).

    .. math::

        h = \\phi(z) = e^{-z^2}, \\qquad
        \\frac{\\partial\\xi}{\\partial z} = -2 z\\, h \\circ G
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._z = x
        with np.errstate(over="ignore"):  # z² overflowing to inf gives the exact limit h = 0
            self._y = np.exp(-(x**2))
        return self._y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return -2.0 * (self._z * self._y) * grad_y  # z·h first: h = 0 wherever z is huge


class Tanh(Layer):
    """Hyperbolic tangent: :math:`y = \\tanh z`, :math:`\\partial\\xi/\\partial z = (1 - y^2) \\circ G`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = np.tanh(x)
        return self._y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return (1.0 - self._y**2) * grad_y


class ReLU(Layer):
    """Rectified linear unit: :math:`y = \\max(z, 0)`, :math:`\\partial\\xi/\\partial z = [z > 0] \\circ G`."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._y = np.maximum(x, 0)
        return self._y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return grad_y * (self._y > 0)


class Dropout(Layer):
    """Inverted dropout: in training, zero each input with probability ``rate`` and scale the
    survivors by :math:`1/(1-p)`, so the expected output equals the input; in evaluation mode
    (``layer.training = False``, as in ``Sequential.predict``) the identity.

    .. math::

        y = x \\circ \\frac{m}{1 - p}, \\quad m_{ij} \\sim \\text{Bernoulli}(1 - p), \\qquad
        \\frac{\\partial\\xi}{\\partial x} = G \\circ \\frac{m}{1 - p}

    The same mask :math:`m` serves the backward pass of the forward pass that drew it.

    Parameters
    ----------
    rate : float, default 0.5
        Drop probability :math:`p` in [0, 1); 0 makes the layer the identity.
    rng : None, int, Generator or RandomState
        Source of the masks (explicit, never the global NumPy state). An int or None seeds a
        new ``numpy.random.default_rng``.

    Attributes
    ----------
    stochastic : bool
        True: the layer behaves differently in training and evaluation (the training loop
        then evaluates losses in evaluation mode).
    mask : ndarray or None
        The scaled mask :math:`m / (1 - p)` of the last training forward pass (input dtype),
        None after an evaluation pass.
    """

    stochastic = True

    def __init__(self, rate: float = 0.5, *, rng: Any = None) -> None:
        super().__init__()
        self.rate = check_real(rate, "rate", "[0, 1)")
        self.rng = as_rng(rng)
        self.mask: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        if not self.training or self.rate == 0.0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape) >= self.rate
        self.mask = (keep / (1.0 - self.rate)).astype(x.dtype)
        return x * self.mask

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        if self.mask is None:
            return grad_y
        return grad_y * self.mask

    def get_config(self) -> dict[str, Any]:
        return {"rate": self.rate}


#: Layer classes by name, used to rebuild networks from a description.
LAYER_TYPES: dict[str, type[Layer]] = {
    cls.__name__: cls
    for cls in (Linear, Bias, Identity, Logistic, Exp, Softmax, GaussianRBF, Tanh, ReLU, Dropout)
}
