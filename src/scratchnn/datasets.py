"""The series' data sets, drawn exactly as the tutorial draws them.

Each generator takes the random generator to draw from (a legacy ``RandomState`` seeded as
the tutorial seeds NumPy's global state, to reproduce its numbers) and never seeds or
touches NumPy's global random state itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

__all__ = [
    "linear_regression_1d",
    "two_gaussian_classes",
    "rbf_classes",
    "circles",
    "one_hot",
    "train_test_split",
    "load_digits",
    "digits_splits",
]


def linear_regression_1d(
    rng: np.random.RandomState, n_samples: int = 20, slope: float = 2.0, noise_std: float = 0.2
) -> tuple[np.ndarray, np.ndarray]:
    """Part 1's toy regression data: :math:`t = 2x + \\mathcal{N}(0, 0.2^2)`.

    Draws, in order: ``x = uniform(0, 1, n_samples)``, then ``randn(n_samples) * noise_std``.
    (The tutorial's text calls 0.2 a variance; its code uses it as the standard deviation,
    which is what is done here.)

    Returns
    -------
    x, t : ndarray, shape (n_samples,)
    """
    x = rng.uniform(0, 1, n_samples)
    noise = rng.randn(n_samples) * noise_std
    return x, slope * x + noise


def two_gaussian_classes(
    rng: np.random.RandomState,
    n_per_class: int = 20,
    red_mean: tuple[float, float] = (-1.0, 0.0),
    blue_mean: tuple[float, float] = (1.0, 0.0),
    std: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Part 2's two isotropic Gaussian classes in 2-D.

    Draws, in order: ``randn(n, 2)`` for the red stars (class 0), then ``randn(n, 2)`` for
    the blue circles (class 1); each is scaled by ``std`` and shifted by its mean.

    Returns
    -------
    X : ndarray, shape (2n, 2)
        Red samples on top of blue samples.
    t : ndarray, shape (2n, 1)
        n zeros then n ones.
    """
    red = rng.randn(n_per_class, 2) * std + np.asarray(red_mean)
    blue = rng.randn(n_per_class, 2) * std + np.asarray(blue_mean)
    X = np.vstack((red, blue))
    t = np.vstack((np.zeros((n_per_class, 1)), np.ones((n_per_class, 1))))
    return X, t


def rbf_classes(
    rng: np.random.RandomState, n_blue: int = 20, n_red_each: int = 10, std: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Part 3's 1-D data: blue circles around 0 surrounded by red stars around ±2.

    Draws, in order: ``randn(n_blue, 1)`` (blue, mean 0), ``randn(n_red_each, 1)`` (red,
    mean −2), ``randn(n_red_each, 1)`` (red, mean +2), each times ``std``.

    Returns
    -------
    x : ndarray, shape (n_blue + 2 n_red_each, 1)
        Blue, then red-left, then red-right.
    t : ndarray, same shape
        1 for blue, 0 for red.
    """
    blue = rng.randn(n_blue, 1) * std + 0.0
    red_left = rng.randn(n_red_each, 1) * std - 2.0
    red_right = rng.randn(n_red_each, 1) * std + 2.0
    x = np.vstack((blue, red_left, red_right))
    t = np.vstack((np.ones((n_blue, 1)), np.zeros((2 * n_red_each, 1))))
    return x, t


def circles(
    rng: np.random.RandomState, n_samples: int = 100, factor: float = 0.3, noise: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    """Part 4's two noisy concentric circles (``make_circles(shuffle=False)`` equivalent).

    The outer circle (radius 1, label 0, red) comes first, then the inner one (radius
    ``factor``, label 1, blue), both at the angles :math:`2\\pi k / n_{out}`; then one
    ``normal(scale=noise, size=(n_samples, 2))`` draw is added to all coordinates.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    labels : ndarray of int, shape (n_samples,)
    """
    n_out = n_samples // 2
    n_in = n_samples - n_out
    angles_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    angles_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack(
        (
            np.append(np.cos(angles_out), np.cos(angles_in) * factor),
            np.append(np.sin(angles_out), np.sin(angles_in) * factor),
        )
    ).T
    labels = np.hstack((np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)))
    if noise:
        X += rng.normal(scale=noise, size=X.shape)
    return X, labels


def one_hot(
    labels: np.ndarray, n_classes: int | None = None, dtype: DTypeLike = np.float64
) -> np.ndarray:
    """One-hot encode integer labels: row i has a 1 in column ``labels[i]``.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
    n_classes : int, optional
        Default ``max(labels) + 1``.

    Returns
    -------
    ndarray, shape (N, n_classes)
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"labels must be a 1-D array of integers, got {labels.dtype} {labels.shape}"
        )
    if labels.size and labels.min() < 0:
        raise ValueError("labels must be >= 0")
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 0
    elif labels.size and labels.max() >= n_classes:
        raise ValueError(f"labels must be < n_classes={n_classes}, got {labels.max()}")
    encoded = np.zeros((labels.size, n_classes), dtype=dtype)
    encoded[np.arange(labels.size), labels] = 1
    return encoded


def train_test_split(
    rng: np.random.RandomState, n_samples: int, test_size: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index split equal to scikit-learn's ``train_test_split`` drawing from ``rng``.

    Draws ``permutation(n_samples)``; the first :math:`\\lceil \\text{test\\_size} \\cdot n \\rceil`
    indices are the test part, the next :math:`\\lfloor (1 - \\text{test\\_size}) \\cdot n \\rfloor`
    the train part.

    Returns
    -------
    train_indices, test_indices : ndarray of int
    """
    n_test = int(np.ceil(test_size * n_samples))
    n_train = int(np.floor((1.0 - test_size) * n_samples))
    permutation = rng.permutation(n_samples)
    return permutation[n_test : n_test + n_train], permutation[:n_test]


def load_digits() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The 1797 8×8 digit images bundled with scikit-learn (no download).

    Returns
    -------
    X : ndarray, shape (1797, 64)
        Pixel values 0–16 as float64, not normalised (as in the series).
    labels : ndarray of int, shape (1797,)
    images : ndarray, shape (1797, 8, 8)
    """
    from sklearn.datasets import load_digits as _load

    digits = _load()
    return digits.data.astype(np.float64), digits.target.astype(np.intp), digits.images


def digits_splits(
    rng: np.random.RandomState,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Part 5's splits of the digits: train 1078, validation 359, test 360.

    Draws ``permutation(1797)`` (40 % held out), then ``permutation(719)`` (half of the
    held-out part is the validation set, the other 360 samples the test set), as the
    tutorial's two ``train_test_split`` calls do.

    Returns
    -------
    dict
        ``"train"``, ``"validation"``, ``"test"`` → ``(X, T)`` with one-hot ``T``.
    """
    X, labels, _ = load_digits()
    T = one_hot(labels, 10)
    train_idx, rest_idx = train_test_split(rng, X.shape[0], test_size=0.4)
    val_pos, test_pos = train_test_split(rng, rest_idx.size, test_size=0.5)
    val_idx, test_idx = rest_idx[val_pos], rest_idx[test_pos]
    return {
        "train": (X[train_idx], T[train_idx]),
        "validation": (X[val_idx], T[val_idx]),
        "test": (X[test_idx], T[test_idx]),
    }
