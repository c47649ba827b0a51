"""The exercises of Intermezzo 2 and Parts 4–5: prompts, cases and known mistakes."""

from __future__ import annotations

import numpy as np

from ._early import make
from ._exercise import Case

__all__ = ["LATE"]


def _size(rng: np.random.Generator, low: int = 3, high: int = 12) -> int:
    return int(rng.integers(low, high + 1))


def _one_hot(rng: np.random.Generator, n: int, c: int) -> np.ndarray:
    return np.eye(c)[rng.integers(0, c, n)]


def _rows_softmax(Z: np.ndarray) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


# -- Intermezzo 2 ------------------------------------------------------------------------------


def _logit_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case("N rows", (rng.normal(0, 2, (_size(rng), _size(rng, 2, 6))),)),
        Case("one row", (rng.normal(0, 2, (1, _size(rng, 2, 6))),)),
        Case("one class", (rng.normal(0, 2, (_size(rng), 1)),)),
        Case("large logits", (rng.uniform(-1000, 1000, (_size(rng), _size(rng, 2, 6))),)),
        Case("small logits", (rng.normal(0, 1e-4, (_size(rng), _size(rng, 2, 6))),)),
    ]


def _vector_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case("C classes", (rng.normal(0, 2, _size(rng, 2, 6)),)),
        Case("two classes", (rng.normal(0, 2, 2),)),
        Case("one class", (rng.normal(0, 2, 1),)),
        Case("large logits", (rng.uniform(-500, 500, _size(rng, 2, 6)),)),
    ]


def _softmax_all(Z: np.ndarray) -> np.ndarray:
    return np.exp(Z) / np.sum(np.exp(Z))


def _jacobian_everywhere(z: np.ndarray) -> np.ndarray:
    y = np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)))
    return np.outer(y, 1 - y)


SOFTMAX = [
    make(
        "softmax.rows",
        "The softmax of every row",
        """
Write `softmax_rows(Z)`: the softmax of every row of `Z`, y_ic = e^(z_ic) / Σ_d e^(z_id), as
Parts 4 and 5 use it (one sample per row, one class per column).

* input: `Z`, the logits, shape (N, C);
* output: the probabilities, shape (N, C), every row summing to 1.

It must also work for large logits (1000 and more): subtracting each row's maximum from
the row first leaves the result unchanged and keeps e^(·) from overflowing.
""",
        _logit_cases,
        mistakes=(
            (
                _softmax_all,
                "that normalises over the whole array: each row must sum to 1 "
                "(sum over axis=1 with keepdims=True)",
            ),
        ),
    ),
    make(
        "softmax.jacobian",
        "The Jacobian of the softmax",
        """
Write `softmax_jacobian(z)`: the matrix of all derivatives ∂y_i/∂z_j of the softmax
y = softmax(z) of one vector of logits,
∂y_i/∂z_i = y_i(1 − y_i) and ∂y_i/∂z_j = −y_i·y_j for i ≠ j, i.e. y_i(δ_ij − y_j).

* input: `z`, shape (C,);
* output: the Jacobian J with J[i, j] = ∂y_i/∂z_j, shape (C, C).
""",
        _vector_cases,
        mistakes=(
            (
                _jacobian_everywhere,
                "that is y_i(1 − y_j) everywhere: off the diagonal the derivative is −y_i·y_j "
                "(δ_ij is 1 only where i = j)",
            ),
        ),
    ),
]

# -- Part 4 ------------------------------------------------------------------------------------


def _network(rng: np.random.Generator, n: int, sizes: tuple[int, int, int], scale: float) -> tuple:
    d, h, c = sizes
    X = rng.normal(0, 1, (n, d))
    return (
        X,
        _one_hot(rng, n, c),
        rng.normal(0, scale, (d, h)),
        rng.normal(0, scale, h),
        rng.normal(0, scale, (h, c)),
        rng.normal(0, scale, c),
    )


def _part4_cases(rng: np.random.Generator) -> list[Case]:
    other = (_size(rng, 4, 6), _size(rng, 1, 3), _size(rng, 7, 9))  # no two sizes alike
    settings = (
        ("the series' sizes 2-3-2", _size(rng, 10, 40), (2, 3, 2), 1.0),
        ("one sample", 1, (2, 3, 2), 1.0),
        ("other sizes", _size(rng), other, 1.0),
        ("square matrices", _size(rng), (3, 3, 3), 1.0),
        ("large weights", _size(rng), (2, 3, 2), 5.0),
    )
    return [Case(label, _network(rng, n, sizes, s), n) for label, n, sizes, s in settings]


def _momentum_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label, shape, first, momentum in (
        ("a matrix", (_size(rng, 2, 5), _size(rng, 2, 5)), False, 0.9),
        ("the first step", (_size(rng),), True, 0.9),
        ("no momentum", (_size(rng),), False, 0.0),
        ("one parameter", (1,), False, float(rng.uniform(0.5, 1.0))),
    ):
        theta, grad = rng.normal(0, 1, shape), rng.normal(0, 1, shape)
        velocity = np.zeros(shape) if first else rng.normal(0, 0.1, shape)
        rate = float(rng.uniform(0.001, 0.5))
        cases.append(Case(label, (theta, grad, velocity, rate, momentum)))
    return cases


PART4 = [
    make(
        "part4.gradients",
        "Backpropagation through the 2-3-2 network, as matrices",
        """
Write `part4_gradients(X, T, W_h, b_h, W_o, b_o)`: the gradients of Part 4's loss for all
four parameters, for the network H = σ(X·W_h + b_h), Y = softmax(H·W_o + b_o) (row-wise)
and the cross-entropy **summed** over the samples, ξ = −Σᵢ Σ_c T_ic log Y_ic.

* inputs: `X`, shape (N, D); `T`, one-hot, shape (N, C); `W_h`, (D, H); `b_h`, (H,); `W_o`,
  (H, C); `b_o`, (C,) (the series has D = 2, H = 3, C = 2; any sizes must work);
* output: the tuple (J_Wh, J_bh, J_Wo, J_bo), shaped like (W_h, b_h, W_o, b_o).

Start from the output error E_o = Y − T: J_Wo = Hᵀ·E_o, J_bo = Σᵢ E_o (over the rows), then
E_h = H ∘ (1 − H) ∘ (E_o·W_oᵀ), J_Wh = Xᵀ·E_h, J_bh = Σᵢ E_h.
""",
        _part4_cases,
        returns=("J_Wh", "J_bh", "J_Wo", "J_bo"),
    ),
    make(
        "part4.momentum",
        "One momentum update",
        """
Write `part4_momentum(theta, grad, velocity, learning_rate, momentum)`: one step of Part 4's
gradient descent with momentum for one parameter array,
M ← λ·M − μ·J, then θ ← θ + M (μ the learning rate, λ the momentum, M the velocity, which
starts at zero).

* inputs: `theta`, `grad` (J) and `velocity` (M), arrays of one shape; `learning_rate` and
  `momentum`, numbers;
* output: the tuple (new theta, new velocity), each of the shape of `theta`.
""",
        _momentum_cases,
        returns=("theta", "velocity"),
        mistakes=(
            (
                lambda theta, g, v, mu, lam: (theta + v, lam * v - mu * g),
                "θ moved by the old velocity: update M first, then θ ← θ + M (the new M)",
            ),
        ),
    ),
]

# -- Part 5 ------------------------------------------------------------------------------------


def _output_cases(rng: np.random.Generator) -> list[Case]:
    cases = []
    for label, n, c, scale in (
        ("N samples, 10 classes", _size(rng, 5, 30), 10, 2.0),
        ("one sample", 1, 10, 2.0),
        ("two classes", _size(rng), 2, 2.0),
        ("confident predictions", _size(rng), _size(rng, 2, 10), 30.0),
    ):
        Y = _rows_softmax(rng.normal(0, scale, (n, c)))
        cases.append(Case(label, (Y, _one_hot(rng, n, c)), n))
    return cases


def _batch_cases(rng: np.random.Generator) -> list[Case]:
    def case(label: str, n: int, batch_size: int) -> Case:
        X = rng.normal(0, 1, (n, _size(rng, 1, 4)))
        return Case(label, (X, _one_hot(rng, n, 3), batch_size), n)

    n = _size(rng, 20, 60)
    return [
        case("N samples", n, _size(rng, 3, n // 3)),
        case("the series' 1078 samples in batches of 25", 1078, 25),
        case("a multiple of the batch size", 6 * _size(rng, 2, 5), 6),
        case("batches of one", _size(rng), 1),
        case("a batch larger than the data", _size(rng), 100),
    ]


def _fill_batches(
    X: np.ndarray, T: np.ndarray, batch_size: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(X[i : i + batch_size], T[i : i + batch_size]) for i in range(0, len(X), batch_size)]


def _stop_cases(rng: np.random.Generator) -> list[Case]:
    def falling(k: int) -> list[float]:
        return [float(v) for v in np.sort(rng.uniform(0.1, 2.5, k))[::-1]]

    base = falling(_size(rng, 4, 8))
    low = base[-1]
    sequences = {
        "still decreasing": base,
        "two rises in a row": base + [low + 0.1, low + 0.2],
        "a rise, then a fall": base + [low + 0.1, low],
        "flat for two epochs": base + [low, low],
        "a rise, then flat": base + [low + 0.1, low + 0.1],
        "only three costs, rising": [0.5, 0.6, 0.7],
        "four costs, rising": [0.5, 0.6, 0.7, 0.8],
        "one cost": [float(rng.uniform(0.1, 2.5))],
    }
    return [Case(label, (costs,)) for label, costs in sequences.items()]


PART5 = [
    make(
        "part5.output_gradient",
        "The fused softmax cross-entropy gradient",
        """
Write `part5_output_gradient(Y, T)`: the gradient of Part 5's loss, the **mean**
cross-entropy ξ = −(1/N) Σᵢ Σ_c T_ic log Y_ic, with respect to the softmax's input Z, where
Y = softmax(Z) row-wise.

* inputs: `Y`, the softmax output, shape (N, C); `T`, one-hot targets, shape (N, C);
* output: ∂ξ/∂Z, shape (N, C).

The softmax's Jacobian and the cross-entropy's derivative cancel to Y − T per sample (see the
softmax intermezzo); the mean adds its 1/N.
""",
        _output_cases,
    ),
    make(
        "part5.batches",
        "The mini-batches of an epoch",
        """
Write `part5_batches(X, T, batch_size)`: Part 5's mini-batches, a list of (X_batch, T_batch)
pairs, in order, without shuffling: N // batch_size batches (at least one) of nearly equal
size, as `np.array_split` cuts them (1078 samples in batches of 25: 43 batches, 3 of 26
then 40 of 25).

* inputs: `X`, shape (N, D); `T`, shape (N, C); `batch_size`, an int;
* output: a list of tuples (X_batch, T_batch), consecutive rows of `X` and `T`.
""",
        _batch_cases,
        returns=("X_batch", "T_batch"),
        mistakes=(
            (
                _fill_batches,
                "batches of exactly batch_size and a smaller rest: the series makes "
                "N // batch_size batches of nearly equal size (np.array_split)",
            ),
        ),
    ),
    make(
        "part5.should_stop",
        "The early-stopping rule",
        """
Write `part5_should_stop(validation_costs)`: whether Part 5's training stops after the last
epoch. It stops once more than three validation costs exist and the last three never
decrease: v[−1] ≥ v[−2] ≥ v[−3] (two epochs in a row without improving on the previous one).

* input: `validation_costs`, a list of numbers, one per epoch so far, the latest last;
* output: True or False.
""",
        _stop_cases,
        mistakes=(
            (
                lambda v: len(v) > 3 and v[-1] > v[-2] > v[-3],
                "strict inequalities: the series also stops when the costs stay equal (≥)",
            ),
            (
                lambda v: len(v) >= 3 and v[-1] >= v[-2] >= v[-3],
                "that stops with only three costs: the rule needs more than three",
            ),
        ),
    ),
]

LATE = [*SOFTMAX, *PART4, *PART5]
