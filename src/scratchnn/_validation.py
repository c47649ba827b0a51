"""Input validation at the public boundary.

Every public entry point checks its arguments here, so that bad input fails early with a
message that names the argument, what was expected and what was given, instead of deep
inside NumPy.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

import numpy as np

from ._blas import blas_ready, ones

__all__ = [
    "all_finite",
    "as_float_array",
    "check_real",
    "check_int",
    "check_choice",
    "check_bool",
    "check_random_state",
    "check_seed",
    "check_same_length",
    "as_rng",
    "check_float_dtype",
]


def all_finite(a: np.ndarray) -> bool:
    """Whether every element of the floating-point array ``a`` is finite (no NaN, no ±inf).

    One pass over the data: a NaN or an infinity anywhere makes a sum over all elements NaN
    or infinite, so a finite sum proves every element finite. Only a sum that is not finite
    (bad data, or finite data whose sum overflows) is followed by the element-by-element
    check. The sum is :math:`1^\\top A 1` for a wide C-ordered matrix (a matrix-vector
    product, :mod:`scratchnn._blas`), :math:`\\sum_i a_i^2` (one BLAS dot) for other
    contiguous arrays, and NumPy's sum otherwise.
    """
    if a.size == 0:
        return True
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is handled below
        if blas_ready(a) and a.flags.c_contiguous and a.shape[1] >= 32:
            total = np.dot(a, ones(a.shape[1], a.dtype.char)).sum()
        elif a.dtype.char in "fd" and a.flags.c_contiguous:
            flat = a.reshape(-1)
            total = np.dot(flat, flat)
        else:
            total = np.add.reduce(a, axis=None)
    if np.isfinite(total):
        return True
    return bool(np.isfinite(a).all())


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
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {array.dtype}")
    if dtype is None:
        dtype = array.dtype if array.dtype in (np.float32, np.float64) else np.float64
    array = array.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} dimension(s), got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not all_finite(array):  # one pass over the data, no temporary as large as it
        raise ValueError(f"{name} must not contain NaN or infinity")
    return array


_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])\s*$")


def _parse_interval(interval: str) -> tuple[float, float, bool, bool]:
    match = _INTERVAL.match(interval)
    if match is None:
        raise ValueError(f"bad interval {interval!r}; write it like '[0, 1)' or '(0, inf)'")
    left, low, high, right = match.groups()
    return float(low), float(high), left == "[", right == "]"


def check_real(value: Any, name: str, interval: str = "(-inf, inf)") -> float:
    """Return ``value`` as a finite float inside ``interval``, else raise.

    Parameters
    ----------
    value : real number
        Booleans are rejected (``True`` is not a learning rate).
    name : str
        The argument name used in the message.
    interval : str, default "(-inf, inf)"
        Mathematical notation: ``"(0, inf)"`` positive, ``"[0, inf)"`` non-negative,
        ``"[0, 1)"``, ``"(0, 1]"`` …

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If it is NaN, infinite, or outside ``interval``.

    Examples
    --------
    >>> check_real(0.9, "momentum", "[0, 1)")
    0.9
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    low, high, closed_low, closed_high = _parse_interval(interval)
    inside = (low <= value if closed_low else low < value) and (
        value <= high if closed_high else value < high
    )
    if not math.isfinite(value) or not inside:
        raise ValueError(f"{name} must be a finite number in {interval}, got {value!r}")
    return value


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int with ``low <= value <= high`` (either bound optional).

    Raises
    ------
    TypeError
        If ``value`` is not an integer (booleans and floats such as 3.0 are rejected).
    ValueError
        If it is outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            bound = f">= {low}"
        elif low is None:
            bound = f"<= {high}"
        else:
            bound = f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {bound}, got {value}")
    return value


#: Largest seed ``numpy.random.RandomState`` accepts.
MAX_SEED = 2**32 - 1


def check_seed(seed: Any, name: str = "seed") -> int:
    """Return ``seed`` if it is an integer ``RandomState`` accepts (0 … 2**32 − 1)."""
    return check_int(seed, name, low=0, high=MAX_SEED)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """Return ``value`` as a bool if it is ``True`` or ``False`` (NumPy's too), else raise.

    Raises
    ------
    TypeError
        For anything else, 0 and 1 included (``shuffle=1`` is a mistake, not a flag).
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_random_state(value: Any, name: str = "random_state") -> Any:
    """Return ``value`` unchanged if :func:`as_rng` accepts its type, else raise TypeError.

    ``value`` must be None, an int (not a bool), a ``numpy.random.RandomState`` or a
    ``numpy.random.Generator``. No generator is made, so checking has no side effect; the
    range of an int seed is checked when :func:`as_rng` uses it.
    """
    if not (
        value is None
        or isinstance(value, (np.random.RandomState, np.random.Generator))
        or (isinstance(value, numbers.Integral) and not isinstance(value, bool))
    ):
        raise TypeError(
            f"{name} must be None, an int, a numpy RandomState or Generator, got {value!r}"
        )
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
    *,
    legacy: bool = False,
    name: str = "rng",
) -> np.random.Generator | np.random.RandomState:
    """The one random-generator factory of the package.

    ``Generator`` and legacy ``RandomState`` instances are returned unchanged (the series
    needs ``RandomState`` to reproduce the tutorial's draws). An int seeds a new
    ``numpy.random.default_rng``, or with ``legacy=True`` a ``RandomState`` (the estimators:
    scikit-learn's ``random_state`` means that, so the same seed draws the same initial
    weights). None gives a fresh, unpredictable ``default_rng``. The global NumPy random
    state is never used.
    """
    if isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if legacy:
            return np.random.RandomState(check_seed(seed, name))
        return np.random.default_rng(int(seed))
    raise TypeError(
        f"{name} must be None, an int seed, a numpy Generator or RandomState, got {seed!r}"
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
