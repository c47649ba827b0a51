"""Input validation at the public boundary.

Every public entry point checks its arguments here, so that bad input fails early with a
message that names the argument, what was expected and what was given, instead of deep
inside NumPy.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._blas import all_finite

__all__ = [
    "as_float_array",
    "check_positive",
    "check_non_negative_int",
    "check_choice",
    "check_seed",
    "check_same_length",
    "as_rng",
    "check_float_dtype",
    "check_fraction",
]


def as_float_array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype: np.dtype | type | None = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Return ``value`` as a finite floating-point array, or raise a clear error.

    Parameters
    ----------
    value : array_like
        The caller's input. It is never modified; a copy is made only when a dtype
        conversion is needed.
    name : str
        The argument name used in error messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    dtype : numpy dtype, optional
        Target floating dtype. By default float32 and float64 inputs keep their dtype and
        everything else numeric (integers, booleans, float16) becomes float64.
    allow_empty : bool, default False
        Whether an array with zero elements is accepted.

    Raises
    ------
    TypeError
        If ``value`` is not numeric (strings, objects, complex numbers).
    ValueError
        If the number of dimensions is wrong, the array is empty, or it holds NaN or inf.
    """
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    kind = array.dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers, got an array of dtype {array.dtype}"
        )
    if dtype is None:
        dtype = array.dtype if array.dtype in (np.float32, np.float64) else np.float64
    array = array.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(
                f"{name} must have {wanted} dimension(s), got shape {array.shape}"
            )
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not all_finite(array):  # one pass over the data, no temporary as large as it
        raise ValueError(f"{name} must not contain NaN or infinity")
    return array


def check_positive(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float that is > 0 (or >= 0), else raise ValueError/TypeError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return value


def check_non_negative_int(value: Any, name: str, *, minimum: int = 0) -> int:
    """Return ``value`` as an int >= ``minimum``, else raise ValueError/TypeError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


#: Largest seed ``numpy.random.RandomState`` accepts.
MAX_SEED = 2**32 - 1


def check_seed(seed: Any) -> int:
    """Return ``seed`` if it is an integer ``RandomState`` accepts (0 … 2**32 − 1)."""
    seed = check_non_negative_int(seed, "seed")
    if seed > MAX_SEED:
        raise ValueError(f"seed must be an integer in [0, 2**32 - 1], got {seed}")
    return seed


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have the same number of samples (rows)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples, "
            f"got {a.shape[0]} and {b.shape[0]}"
        )


def as_rng(
    seed: None | int | np.random.Generator | np.random.RandomState,
) -> np.random.Generator | np.random.RandomState:
    """Return a random generator for ``seed``.

    ``Generator`` and legacy ``RandomState`` instances are returned unchanged (the series
    needs ``RandomState`` to reproduce the tutorial's draws); an int or None seeds a new
    ``numpy.random.default_rng``. The global NumPy random state is never used.
    """
    if isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(
        f"rng must be None, an int seed, a numpy Generator or RandomState, got {seed!r}"
    )


def check_float_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as a NumPy float32 or float64 dtype, else raise TypeError."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be float32 or float64, got {dtype!r}") from None
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"{name} must be float32 or float64, got {resolved}")
    return resolved


def check_fraction(value: Any, name: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float in (0, 1) (or [0, 1)), else raise ValueError/TypeError."""
    value = check_positive(value, name, allow_zero=allow_zero)
    if value >= 1.0:
        low = "[0" if allow_zero else "(0"
        raise ValueError(f"{name} must be in {low}, 1), got {value!r}")
    return value
