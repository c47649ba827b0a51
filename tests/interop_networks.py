"""Random networks for the interop tests: every layer type, float32 or float64."""

from __future__ import annotations

import numpy as np

from scratchnn import (
    Bias,
    Dropout,
    Exp,
    GaussianRBF,
    Identity,
    Linear,
    Logistic,
    ReLU,
    Sequential,
    Softmax,
    Tanh,
)
from scratchnn.layers import LAYER_TYPES

N_IN = 4
#: The layer types the tests put between two Linear layers (Linear, Bias: see ``network``).
ACTIVATIONS = {
    "Identity": Identity,
    "Logistic": Logistic,
    "Exp": Exp,
    "Softmax": Softmax,
    "GaussianRBF": GaussianRBF,
    "Tanh": Tanh,
    "ReLU": ReLU,
    "Dropout": lambda: Dropout(0.3, rng=0),
}
assert set(ACTIVATIONS) | {"Linear", "Bias"} == set(LAYER_TYPES)


def _normal(scale: float):
    def init(shape, rng, dtype=np.float64):
        return (rng.standard_normal(shape) * scale).astype(dtype)

    return init


def linear(n_in: int, n_out: int, rng, dtype, bias: bool = True, scale: float = 0.7) -> Linear:
    """A Linear layer with normal weights and biases (not zero: biases must be carried)."""
    init = _normal(scale)
    return Linear(n_in, n_out, bias, weight_init=init, bias_init=init, rng=rng, dtype=dtype)


def random_bias(n: int, rng, dtype) -> Bias:
    layer = Bias(n, dtype=dtype)
    layer.params["b"][...] = rng.standard_normal(n)
    return layer


def network(kind: str, dtype, seed: int = 0) -> Sequential:
    """``Linear → <kind> → Linear(no bias) → Bias``, every parameter random: each layer type
    once, for ``kind`` an activation of ``ACTIVATIONS``."""
    rng = np.random.default_rng(seed)
    return Sequential(
        [
            linear(N_IN, 5, rng, dtype),
            ACTIVATIONS[kind](),
            linear(5, 3, rng, dtype, bias=False),
            random_bias(3, rng, dtype),
        ]
    )


def every_layer(dtype, seed: int = 0) -> Sequential:
    """One network holding every layer type, ending in a softmax."""
    rng = np.random.default_rng(seed)
    layers = [linear(N_IN, 6, rng, dtype), random_bias(6, rng, dtype)]
    for kind in ["GaussianRBF", "Tanh", "Logistic", "ReLU", "Dropout", "Identity", "Exp"]:
        layers += [ACTIVATIONS[kind](), linear(6, 6, rng, dtype, kind != "Tanh", scale=0.4)]
    return Sequential([*layers, Softmax()])


def inputs(dtype, seed: int = 1, n: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, N_IN)).astype(dtype)
