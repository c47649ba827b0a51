"""The exercises of Intermezzo 1 and Parts 1–3: prompts, cases and known mistakes."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from . import solutions
from ._exercise import Case, Exercise

__all__ = ["EARLY", "make"]


def make(
    name: str,
    title: str,
    prompt: str,
    cases: Callable[[np.random.Generator], list[Case]],
    returns: tuple[str, ...] = (),
    mistakes: tuple[tuple[Callable[..., Any], str], ...] = (),
) -> Exercise:
    """The exercise ``name`` (``"<part>.<task>"``), its solution ``solutions.<part>_<task>``."""
    solution = getattr(solutions, name.replace(".", "_"))
    part = name.split(".")[0]
    return Exercise(name, part, title, prompt.strip(), solution, cases, returns, mistakes)


def _size(rng: np.random.Generator, low: int = 3, high: int = 12) -> int:
    return int(rng.integers(low, high + 1))


def _sigma(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


# -- Intermezzo 1 -----------------------------------------------------------------------------


def _z_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case("a few values", (rng.normal(0, 2, _size(rng)),)),
        Case("one value", (rng.normal(0, 2, 1),)),
        Case("z = 0", (np.zeros(1),)),
        Case("large |z|", (rng.uniform(-40, 40, _size(rng)),)),
        Case("small |z|", (rng.normal(0, 1e-4, _size(rng)),)),
    ]


def _binary_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label, n, scale in (
        ("N samples", _size(rng), 2),
        ("one sample", 1, 2),
        ("large |z|", _size(rng), 30),
    ):
        z = rng.normal(0, scale, n)
        cases.append(Case(label, (z, rng.integers(0, 2, n).astype(float)), n))
    n = _size(rng)
    cases.append(Case("all targets 1", (rng.normal(0, 2, n), np.ones(n)), n))
    return cases


LOGISTIC = [
    make(
        "logistic.derivative",
        "The derivative of the logistic function",
        """
Write `logistic_derivative(z)`: the derivative of the logistic function σ(z) = 1 / (1 + e^(−z)).

* input: `z`, an array of shape (n,);
* output: an array of shape (n,), ∂σ/∂z at every element of `z`.

Start from the quotient rule; the result can be written with σ itself: ∂σ/∂z = σ(z)(1 − σ(z)).
""",
        _z_cases,
        mistakes=((_sigma, "that is σ(z) itself: its derivative is σ(z)(1 − σ(z))"),),
    ),
    make(
        "logistic.input_gradient",
        "The cross-entropy gradient at the logistic's input",
        """
Write `logistic_input_gradient(z, t)`: the gradient of the binary cross-entropy with respect
to the logistic's input z, where y = σ(z) and the loss is summed over the samples,
ξ = −Σᵢ [tᵢ log yᵢ + (1 − tᵢ) log(1 − yᵢ)].

* inputs: `z` and `t` (targets 0 or 1), arrays of shape (N,);
* output: ∂ξ/∂zᵢ for every sample, an array of shape (N,).

Chain ∂ξ/∂yᵢ = (yᵢ − tᵢ) / (yᵢ(1 − yᵢ)) with ∂yᵢ/∂zᵢ = yᵢ(1 − yᵢ): almost everything cancels.
""",
        _binary_cases,
        mistakes=(
            (
                lambda z, t: _sigma(z) * (1 - _sigma(z)) * (_sigma(z) - t),
                "that multiplies by σ'(z) once too often: ∂ξ/∂y = (y − t)/(y(1 − y)) cancels it",
            ),
        ),
    ),
]

# -- Part 1 ------------------------------------------------------------------------------------


def _regression(rng: np.random.Generator, n: int, scale: float = 1.0) -> tuple:
    x = rng.uniform(0, 1, n) * scale
    t = 2 * x + rng.normal(0, 0.2 * scale, n)
    return float(rng.uniform(0, 4)), x, t


def _part1_cases(rng: np.random.Generator, with_rate: bool = False) -> list[Case]:
    cases = []
    for label, n, scale in (
        ("N samples", _size(rng, 5, 30), 1.0),
        ("one sample", 1, 1.0),
        ("large values", _size(rng), 1e3),
        ("small values", _size(rng), 1e-3),
    ):
        w, x, t = _regression(rng, n, scale)
        rate = (float(rng.uniform(0.01, 1.0)),) if with_rate else ()
        cases.append(Case(label, (w, x, t, *rate), n))
    w, x, t = _regression(rng, _size(rng))
    cases.append(Case("w = 0", (0.0, x, t, *((0.5,) if with_rate else ())), len(x)))
    return cases


PART1 = [
    make(
        "part1.gradient",
        "The gradient of the squared-error loss with respect to w",
        """
Write `part1_gradient(w, x, t)`: the gradient ∂ξ/∂w of Part 1's loss, the mean squared
error ξ = (1/N) Σᵢ (tᵢ − yᵢ)² of the model y = x·w.

* inputs: `w`, a number; `x` and `t`, arrays of shape (N,);
* output: ∂ξ/∂w, a number.

Per sample ∂ξᵢ/∂w = ∂ξᵢ/∂yᵢ · ∂yᵢ/∂w = 2(yᵢ − tᵢ)·xᵢ; the batch gradient is their mean.
""",
        _part1_cases,
    ),
    make(
        "part1.update",
        "One gradient-descent update of w",
        """
Write `part1_update(w, x, t, learning_rate)`: w after one step of gradient descent on
Part 1's mean squared error, w(k + 1) = w(k) − μ·∂ξ/∂w, with μ the learning rate and
∂ξ/∂w = (1/N) Σᵢ 2xᵢ(xᵢw − tᵢ).

* inputs: `w` and `learning_rate`, numbers; `x` and `t`, arrays of shape (N,);
* output: the new w, a number.
""",
        lambda rng: _part1_cases(rng, with_rate=True),
        mistakes=(
            (
                lambda w, x, t, mu: w + mu * np.mean(2 * x * (x * w - t)),
                "that steps along the gradient, uphill: gradient descent subtracts μ·∂ξ/∂w",
            ),
        ),
    ),
]

# -- Part 2 ------------------------------------------------------------------------------------


def _part2_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label, n, w_scale in (
        ("N samples", 2 * _size(rng, 2, 20), 2.0),
        ("one sample", 1, 2.0),
        ("large weights", 2 * _size(rng), 5.0),
        ("small weights", 2 * _size(rng), 1e-3),
    ):
        t = (np.arange(n) >= n // 2).astype(float)[:, None]  # red (0) first, then blue (1)
        X = rng.normal(0, 1, (n, 2)) + np.where(t == 1, 1.0, -1.0) * np.array([1.0, 0.0])
        w = rng.uniform(-w_scale, w_scale, (1, 2))
        cases.append(Case(label, (w, X, t), n))
    return cases


PART2 = [
    make(
        "part2.loss",
        "The mean cross-entropy of the logistic classifier",
        """
Write `part2_loss(w, X, t)`: Part 2's loss, the mean binary cross-entropy of the model
y = σ(X·wᵀ),
ξ = −(1/N) Σᵢ [tᵢ log yᵢ + (1 − tᵢ) log(1 − yᵢ)].

* inputs: `w`, shape (1, 2) (a row of two weights, no bias); `X`, shape (N, 2); `t`, shape
  (N, 1), 0 (red star) or 1 (blue circle);
* output: ξ, a number.
""",
        _part2_cases,
    ),
    make(
        "part2.gradient",
        "The cross-entropy gradient with respect to the weights",
        """
Write `part2_gradient(w, X, t)`: the gradient of Part 2's cross-entropy with respect to w,
as the series' code computes it: **summed** over the samples,
∂ξ/∂w = Σᵢ (yᵢ − tᵢ)·xᵢ with y = σ(X·wᵀ).

* inputs: `w`, shape (1, 2); `X`, shape (N, 2); `t`, shape (N, 1);
* output: the gradient, shape (1, 2), like `w`.

Per sample the chain rule gives ∂ξᵢ/∂w = ∂ξᵢ/∂yᵢ · ∂yᵢ/∂zᵢ · ∂zᵢ/∂w = (yᵢ − tᵢ)·xᵢ; a single
matrix product sums them all.
""",
        _part2_cases,
    ),
]

# -- Part 3 ------------------------------------------------------------------------------------


def _part3_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label, n, w_h in (
        ("N samples", 4 * _size(rng, 2, 10), rng.uniform(0.5, 3)),
        ("one sample", 1, rng.uniform(0.5, 3)),
        ("large w_h", 4 * _size(rng, 2, 5), rng.uniform(10, 30)),
        ("small w_h", 4 * _size(rng, 2, 5), rng.uniform(1e-4, 1e-3)),
    ):
        blue, red = n // 2 or 1, n - (n // 2 or 1)
        centres = np.concatenate([np.zeros(blue), rng.choice([-2.0, 2.0], red)])
        x = centres + rng.normal(0, 0.5, n)
        t = np.concatenate([np.ones(blue), np.zeros(red)])
        cases.append(Case(label, (float(w_h), float(rng.uniform(-1.5, 1.5)), x, t), n))
    return cases


def _rbf_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case("a few values", (rng.normal(0, 1.5, _size(rng)),)),
        Case("one value", (rng.normal(0, 1.5, 1),)),
        Case("large |z|", (rng.uniform(-30, 30, _size(rng)),)),
        Case("small |z|", (rng.normal(0, 1e-4, _size(rng)),)),
    ]


PART3 = [
    make(
        "part3.rbf_derivative",
        "The derivative of the Gaussian radial basis function",
        """
Write `part3_rbf_derivative(z)`: the derivative of Part 3's hidden activation, the Gaussian
RBF φ(z) = e^(−z²).

* input: `z`, an array of shape (n,);
* output: dφ/dz at every element, shape (n,).

The chain rule on e^(u) with u = −z² gives dφ/dz = −2z·e^(−z²).
""",
        _rbf_cases,
    ),
    make(
        "part3.gradients",
        "Backpropagation through the RBF neuron",
        """
Write `part3_gradients(w_h, b_o, x, t)`: the gradients of Part 3's mean binary cross-entropy
with respect to its two parameters, for the network
z_h = x·w_h, h = e^(−z_h²), y = σ(h + b_o).

* inputs: `w_h` and `b_o`, numbers; `x` and `t` (0 or 1), arrays of shape (N,);
* output: the tuple (∂ξ/∂w_h, ∂ξ/∂b_o), two numbers.

Backpropagate one sample at a time, then average over the samples:
δ_o = y − t (so ∂ξᵢ/∂b_o = δ_oᵢ), δ_h = −2·z_h·h·δ_o, ∂ξᵢ/∂w_h = xᵢ·δ_hᵢ.
""",
        _part3_cases,
        returns=("dxi_dw_h", "dxi_db_o"),
    ),
]

EARLY = [*LOGISTIC, *PART1, *PART2, *PART3]
