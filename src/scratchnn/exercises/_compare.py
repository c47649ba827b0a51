"""Comparing a learner's answer with the solution's, and naming the usual mistakes.

:func:`compare` never raises, whatever the learner returned (None, a list, a string, a
complex array, NaN …): it gives an :class:`Outcome`, ``"exact"``, ``"close"`` or
``"wrong"``, with the largest difference and, when wrong, where and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Outcome", "compare", "RTOL", "ATOL"]

#: Relative tolerance of "close": the same formula computed in another order differs by
#: a few units of round-off (about 1e-16 relative), a wrong formula by far more.
RTOL = 1e-6
#: Absolute tolerance of "close", relative to the largest magnitude of the expected answer
#: (at least 1): values that are 0 in exact arithmetic come out as round-off.
ATOL = 1e-9


@dataclass(frozen=True)
class Outcome:
    """How an answer compares with the expected one.

    Attributes
    ----------
    status : {"exact", "close", "wrong"}
    difference : float
        The largest absolute difference (0 when exact, NaN when not comparable).
    where : str
        What was wrong: the index, the expected and the received value (empty unless wrong).
    hint : str
        The likely mistake, when one is recognised (else empty).
    """

    status: str
    difference: float = 0.0
    where: str = ""
    hint: str = ""


def _wrong(where: str, hint: str = "") -> Outcome:
    return Outcome("wrong", float("nan"), where, hint)


def _named(name: str, text: str) -> str:
    return f"{name}: {text}" if name else text


def _fmt(value: Any) -> str:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value)


def _type_name(value: Any) -> str:
    return type(value).__name__


def _describe(expected: np.ndarray) -> str:
    return "a number" if expected.ndim == 0 else f"an array of shape {expected.shape}"


def compare(
    expected: Any,
    got: Any,
    n: int | None = None,
    name: str = "",
    names: tuple[str, ...] = (),
) -> Outcome:
    """Compare ``got`` with ``expected`` (a number, an array, a bool, or a tuple/list of
    these).

    Parameters
    ----------
    expected : float, ndarray, bool, tuple or list
        The solution's answer; it decides the form the answer must have.
    got : object
        The learner's answer, anything.
    n : int, optional
        The number of samples of the case: recognises a missing or an extra :math:`1/N`.
    name : str
        What the answer is (``"J_Wh"``, ``"batch 2"``): prefixes ``where``.
    names : tuple of str
        The names of the items of a tuple answer (default ``item 0``, ``item 1`` …).

    Returns
    -------
    Outcome
    """
    if isinstance(expected, (bool, np.bool_)):
        return _compare_bool(bool(expected), got, name)
    if isinstance(expected, (tuple, list)):
        return _compare_sequence(expected, got, n, name, names)
    return _compare_numbers(np.asarray(expected, dtype=float), got, n, name)


def _compare_bool(expected: bool, got: Any, name: str) -> Outcome:
    if got is None:
        return _wrong(_named(name, "returned None"), "did you forget the `return`?")
    if not isinstance(got, (bool, np.bool_)):
        return _wrong(
            _named(name, f"expected True or False, got {_fmt(got)} ({_type_name(got)})"),
            "return a bool (a comparison such as `a >= b` is one)",
        )
    if bool(got) == expected:
        return Outcome("exact")
    return _wrong(_named(name, f"expected {expected}, got {bool(got)}"))


def _compare_sequence(
    expected: tuple | list, got: Any, n: int | None, name: str, names: tuple[str, ...]
) -> Outcome:
    kind = "tuple" if isinstance(expected, tuple) else "list"
    if got is None:
        return _wrong(_named(name, "returned None"), "did you forget the `return`?")
    if not isinstance(got, (tuple, list)):
        if hasattr(got, "__next__"):
            hint = "an iterator can be read only once: return a list, e.g. list(zip(...))"
        elif kind == "tuple":
            hint = "return the values separated by commas, e.g. `return a, b`"
        else:
            hint = "return a list"
        where = f"expected a {kind} of {len(expected)}, got {_type_name(got)}"
        return _wrong(_named(name, where), hint)
    if len(got) != len(expected):
        return _wrong(_named(name, f"expected {len(expected)} items, got {len(got)}"))
    worst = Outcome("exact")
    for i, (e, g) in enumerate(zip(expected, got)):
        if kind == "list":  # the names are those of the tuples in the list
            item, inner = f"item {i}", names
        else:
            item, inner = (names[i] if i < len(names) else f"item {i}"), ()
        outcome = compare(e, g, n, f"{name}, {item}" if name else item, inner)
        if outcome.status == "wrong":
            return outcome
        if outcome.status == "close" and worst.difference <= outcome.difference:
            worst = outcome
    return worst


def _as_numbers(got: Any, expected: np.ndarray, name: str) -> np.ndarray | Outcome:
    """``got`` as a float array, or the Outcome saying why it is not numbers."""
    if got is None:
        return _wrong(_named(name, "returned None"), "did you forget the `return`?")
    if isinstance(got, (str, bytes, dict, set)) or callable(got):
        return _wrong(_named(name, f"expected {_describe(expected)}, got {_type_name(got)}"))
    try:
        array = np.asarray(got)
    except Exception:  # ragged nesting and the like: anything NumPy refuses
        return _wrong(_named(name, f"cannot read the {_type_name(got)} returned as numbers"))
    if array.dtype.kind == "c":
        return _wrong(_named(name, "returned complex numbers"), "the answer is real")
    if array.dtype.kind not in "biuf":
        return _wrong(
            _named(name, f"expected {_describe(expected)}, got {_type_name(got)} of {array.dtype}")
        )
    return array.astype(float)


def _compare_numbers(expected: np.ndarray, got: Any, n: int | None, name: str) -> Outcome:
    array = _as_numbers(got, expected, name)
    if isinstance(array, Outcome):
        return array
    if expected.ndim == 0 and array.size == 1:
        array = array.reshape(())
    if array.shape != expected.shape:
        return _shape_mismatch(expected, array, n, name)
    if np.array_equal(array, expected, equal_nan=True):
        return Outcome("exact")
    scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    with np.errstate(invalid="ignore", over="ignore"):
        difference = np.abs(array - expected)
        excess = difference - (ATOL * scale + RTOL * np.abs(expected))
    excess = np.where(np.isnan(excess), np.inf, excess)
    if np.all(excess <= 0):
        return Outcome("close", float(np.max(difference)))
    index = np.unravel_index(int(np.argmax(excess)), expected.shape)
    at = f" at index {tuple(int(i) for i in index)}" if expected.ndim else ""
    e, g = _fmt(expected[index]), _fmt(array[index])
    if e == g:  # they differ beyond the 6 digits shown
        e, g = f"{float(expected[index]):.17g}", f"{float(array[index]):.17g}"
    where = f"{at}: expected {e}, got {g}".lstrip(": ")
    hint = _diagnose(expected, array, n)
    low_precision = np.asarray(got).dtype in (np.float16, np.float32)
    if not hint and low_precision and np.allclose(array, expected, rtol=1e-2, atol=1e-6):
        hint = f"computed in {np.asarray(got).dtype}? Compute in float64, the inputs' precision"
    return Outcome("wrong", float(np.max(difference)), _named(name, where), hint)


def _close(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return False
    scale = max(1.0, float(np.max(np.abs(b), initial=0.0)))
    return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL * scale))


def _diagnose(expected: np.ndarray, got: np.ndarray, n: int | None) -> str:
    """The likely mistake behind a wrong answer of the right shape (empty if none fits)."""
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(expected)):
        return (
            "NaN or inf where the answer is finite: an overflow? (exp of a large number; "
            "for the softmax subtract each row's maximum first)"
        )
    if np.any(expected != 0) and _close(got, -expected):
        return (
            "the sign is flipped: check the order of a difference (y - t, not t - y) and the "
            "signs of the derivatives"
        )
    if expected.ndim == 2 and expected.shape[0] == expected.shape[1] and _close(got, expected.T):
        return "the matrix is transposed: check the order of the factors of a matrix product"
    ratio = _ratio(expected, got)
    if ratio is None or np.isclose(ratio, 1.0):
        return ""
    return _ratio_hint(ratio, n)


def _ratio(expected: np.ndarray, got: np.ndarray) -> float | None:
    """The constant ``c`` with ``got = c * expected``, if there is one."""
    mask = np.abs(expected) > 1e-12 * max(1.0, float(np.max(np.abs(expected), initial=0.0)))
    if not np.any(mask) or not np.all(np.isfinite(got)):
        return None
    ratio = float(np.median(got[mask] / expected[mask]))
    return ratio if ratio != 0 and _close(got, ratio * expected) else None


def _ratio_hint(ratio: float, n: int | None) -> str:
    if n is not None and n > 1 and np.isclose(ratio, n, rtol=1e-6):
        return (
            f"N times the answer (N = {n} samples): a missing 1/N? Check whether this loss is "
            "a mean over the samples"
        )
    if n is not None and n > 1 and np.isclose(ratio, 1 / n, rtol=1e-6):
        return (
            f"1/N times the answer (N = {n} samples): an extra 1/N? Check whether this loss "
            "is a sum over the samples"
        )
    for factor, words in ((2.0, "twice"), (0.5, "half")):
        if np.isclose(ratio, factor, rtol=1e-6):
            return f"{words} the answer: a factor 2 too many or too few (the 2 of a square?)"
    return f"a constant factor {ratio:.6g} times the answer: an extra or a missing factor"


def _shape_mismatch(expected: np.ndarray, got: np.ndarray, n: int | None, name: str) -> Outcome:
    where = _named(name, f"expected {_describe(expected)}, got shape {got.shape}")
    if expected.ndim == 2 and got.shape == expected.T.shape and _close(got, expected.T):
        return _wrong(
            where,
            "the right numbers, transposed: check the order of the factors of a matrix "
            "product (and the transposes in it)",
        )
    if got.size == expected.size and _close(got.reshape(expected.shape), expected):
        return _wrong(
            where,
            "the right numbers in the wrong shape: reshape (e.g. sum with or without "
            "keepdims=True, or use the shapes of the inputs)",
        )
    if n is not None and got.ndim >= 1 and got.shape[0] == n and got[0].size == expected.size:
        if _close(got.sum(axis=0).reshape(expected.shape), expected):
            return _wrong(where, "one value per sample: add them up over the samples (axis 0)")
        if _close(got.mean(axis=0).reshape(expected.shape), expected):
            return _wrong(where, "one value per sample: average them over the samples (axis 0)")
        return _wrong(where, "one value per sample: combine them over the samples (axis 0)")
    return _wrong(where, "the shape is wrong: compare it with the prompt's shapes")
