"""Sizes and data of the workloads (NumPy only, so memory children stay lean)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Sizes:
    """How big and how often: the full run or the quick smoke run."""

    a_epochs_per_repeat: int
    a_repeats: int
    b_samples: int
    b_batch_sizes: tuple[int, ...]
    b_repeats: int  # rounds per batch size, learnable labels
    b_random_repeats: int  # rounds per batch size, random labels
    b_warmup_samples: int
    b_warm_start_epochs: int  # the untimed scratchnn training every implementation starts from
    b_warm_start_batch: int
    bandwidth_mib: int  # size of each array of the memory-bandwidth copy
    subnormal_updates: int  # updates timed per phase of the subnormal line
    subnormal_block: int  # updates per timed block (the median of blocks is reported)
    c_samples: int
    c_iterations: int
    c_repeats: int
    d_repeats: int
    d_digits_adam_epochs: int
    d_digits_sgd_epochs: int
    d_teacher_train: int
    d_teacher_test: int
    d_teacher_epochs: int
    gemm_sizes: tuple[int, ...]
    gemm_repeats: int
    settle_s: float  # pause before each timed repetition (see harness.run_interleaved)


FULL = Sizes(
    a_epochs_per_repeat=10,
    a_repeats=31,
    b_samples=60_000,
    b_batch_sizes=(32, 128, 1024),
    b_repeats=7,
    b_random_repeats=2,
    b_warmup_samples=4096,
    b_warm_start_epochs=2,
    b_warm_start_batch=32,
    bandwidth_mib=256,
    subnormal_updates=200,
    subnormal_block=10,
    c_samples=1_000_000,
    c_iterations=100,
    c_repeats=11,
    d_repeats=5,
    d_digits_adam_epochs=100,
    d_digits_sgd_epochs=50,
    d_teacher_train=10_000,
    d_teacher_test=2_000,
    d_teacher_epochs=3,
    gemm_sizes=(1024, 2048, 3072),
    gemm_repeats=5,
    settle_s=0.1,
)

QUICK = Sizes(
    a_epochs_per_repeat=1,
    a_repeats=2,
    b_samples=256,
    b_batch_sizes=(32, 128, 1024),
    b_repeats=1,
    b_random_repeats=1,
    b_warmup_samples=32,
    b_warm_start_epochs=1,
    b_warm_start_batch=32,
    bandwidth_mib=8,
    subnormal_updates=4,
    subnormal_block=2,
    c_samples=10_000,
    c_iterations=5,
    c_repeats=2,
    d_repeats=1,
    d_digits_adam_epochs=2,
    d_digits_sgd_epochs=2,
    d_teacher_train=512,
    d_teacher_test=128,
    d_teacher_epochs=1,
    gemm_sizes=(128,),
    gemm_repeats=2,
    settle_s=0.0,
)

# -- A: Part 5 --------------------------------------------------------------------------------
A_LAYERS = (64, 20, 20, 10)
A_BATCH_SIZE = 25
A_LEARNING_RATE = 0.1
A_SEED = 42

# -- B: MNIST-sized MLP ------------------------------------------------------------------------
B_LAYERS = (784, 256, 256, 10)
B_LEARNING_RATE = 1e-3
B_SEED = 0
#: The fixed random "teacher" network whose argmax labels the learnable data set.
B_TEACHER_HIDDEN = 64
B_TEACHER_SEED = 7
#: Every shuffled implementation draws its epoch's permutation from default_rng(this).
B_SHUFFLE_SEED = 11

# -- C: Part 1 at scale ------------------------------------------------------------------------
C_LEARNING_RATE = 0.9
C_W0 = 0.1
C_SEED = 1


def array_split_slices(n_samples: int, batch_size: int) -> list[slice]:
    """``max(1, n // batch_size)`` consecutive batches whose sizes differ by at most one.

    The rule of ``np.array_split`` (and of ``scratchnn.train``): Part 5's 1078 samples with
    batch size 25 give 43 batches, 3 of 26 then 40 of 25. Deliberately a copy of
    ``scratchnn.training.split_batches``: the memory children import this module, and
    importing scratchnn there would add its imports to the other frameworks' peak memory.
    """
    n_batches = max(1, n_samples // batch_size)
    size, extra = divmod(n_samples, n_batches)
    slices, start = [], 0
    for i in range(n_batches):
        stop = start + size + (1 if i < extra else 0)
        slices.append(slice(start, stop))
        start = stop
    return slices


def n_parameters(layers: tuple[int, ...]) -> int:
    """Weights and biases of a fully connected network with these layer widths."""
    return sum(a * b + b for a, b in zip(layers[:-1], layers[1:]))


def _one_hot(labels: np.ndarray, n_classes: int, dtype) -> np.ndarray:
    T = np.zeros((labels.size, n_classes), dtype=dtype)
    T[np.arange(labels.size), labels] = 1
    return T


def data_a() -> dict:
    """Part 5's digits training split (1078 samples) and one set of initial parameters.

    The initial weights are drawn like the tutorial's (``randn * 0.1``, zero biases) and
    shared by every framework, so that their trained parameters can be compared.
    """
    from scratchnn.datasets import digits_splits

    X, T = digits_splits(np.random.RandomState(A_SEED))["train"]
    rng = np.random.RandomState(A_SEED + 1)
    init = []
    for n_in, n_out in zip(A_LAYERS[:-1], A_LAYERS[1:]):
        init += [rng.randn(n_in, n_out) * 0.1, np.zeros(n_out)]
    return {
        "X": np.ascontiguousarray(X),
        "T": np.ascontiguousarray(T),
        "labels": T.argmax(axis=1),
        "batches": array_split_slices(X.shape[0], A_BATCH_SIZE),
        "init": init,
    }


def teacher_labels(X: np.ndarray) -> np.ndarray:
    """The learnable labels: argmax of a fixed random 784-64-10 ReLU network applied to ``X``.

    He-normal weights from ``B_TEACHER_SEED``; the output biases centre the logits over a
    fixed calibration sample of standard-normal inputs (drawn from the same seed), so that
    the ten classes are about equally frequent whatever ``X``'s size.
    """
    rng = np.random.default_rng(B_TEACHER_SEED)
    n_in, n_out = X.shape[1], B_LAYERS[-1]
    W1 = (rng.standard_normal((n_in, B_TEACHER_HIDDEN)) * np.sqrt(2.0 / n_in)).astype(np.float32)
    W2 = (rng.standard_normal((B_TEACHER_HIDDEN, n_out)) * np.sqrt(2.0 / B_TEACHER_HIDDEN)).astype(
        np.float32
    )
    calibration = rng.standard_normal((4096, n_in), dtype=np.float32)
    b2 = -(np.maximum(calibration @ W1, 0) @ W2).mean(axis=0)
    labels = np.empty(X.shape[0], dtype=np.int64)
    for start in range(0, X.shape[0], 8192):  # in chunks: no (N, 64) float temporary
        h = np.maximum(X[start : start + 8192] @ W1, 0)
        labels[start : start + 8192] = np.argmax(h @ W2 + b2, axis=1)
    return labels


def data_b(n_samples: int, labels: str = "random") -> dict:
    """Synthetic MNIST-sized data: float32 standard-normal pixels; ``labels="random"``:
    uniform random labels (nothing to learn), ``"teacher"``: :func:`teacher_labels` of the
    same pixels (learnable).

    The pixels are drawn directly in float32 (no float64 temporary) so that the peak memory
    of a framework's process is its own. Initial parameters: He-uniform weights (suits ReLU),
    zero biases, float32. ``data["start"]`` (absent here) is a warm-start state, see
    :func:`start_state`.
    """
    if labels not in ("random", "teacher"):
        raise ValueError(f"labels must be 'random' or 'teacher', got {labels!r}")
    rng = np.random.default_rng(B_SEED)
    X = rng.standard_normal((n_samples, B_LAYERS[0]), dtype=np.float32)
    y = rng.integers(0, B_LAYERS[-1], n_samples)
    init = []
    for n_in, n_out in zip(B_LAYERS[:-1], B_LAYERS[1:]):
        limit = np.sqrt(6.0 / n_in)
        init += [
            rng.uniform(-limit, limit, (n_in, n_out)).astype(np.float32),
            np.zeros(n_out, dtype=np.float32),
        ]
    if labels == "teacher":
        y = teacher_labels(X)
    return {
        "X": X,
        "labels": y,
        "T": _one_hot(y, B_LAYERS[-1], np.float32),
        "init": init,
        "label_kind": labels,
    }


def start_state(data: dict) -> dict:
    """The state every B implementation starts each repetition from: ``data["start"]`` (the
    warm start: parameters, Adam's first and second moments and step count, in scratchnn's
    parameter order W1, b1, W2, b2, W3, b3 with W as (n_in, n_out)), else the initial
    parameters with zero moments and count 0."""
    if "start" in data:
        return data["start"]
    params = data["init"]
    return {
        "params": params,
        "first_moments": [np.zeros_like(p) for p in params],
        "second_moments": [np.zeros_like(p) for p in params],
        "count": 0,
    }


def data_c(n_samples: int) -> dict:
    """Part 1's data at scale: ``x ~ U(0, 1)``, ``t = 2x + N(0, 0.2^2)``, float64."""
    rng = np.random.RandomState(C_SEED)
    x = rng.uniform(0, 1, n_samples)
    t = 2.0 * x + rng.randn(n_samples) * 0.2
    return {"x": x, "t": t, "X": x[:, None], "T": t[:, None], "w0": C_W0}
