"""Checks shared by the report's tests: the page's key numbers against the numbers they show."""

import json
import math


def lookup(data, path):
    """The value at ``path`` (keys and list indices) in ``data``."""
    for step in path:
        data = data[step]
    return data


def assert_shown(text: str, value, label: str = "") -> None:
    """``text`` (what the page shows) stands for ``value``: a yes/no for a boolean, the exact
    integer, or a number rounded to at least four significant digits."""
    text = text.strip()
    if isinstance(value, bool):
        assert text == ("yes" if value else "no"), (label, text, value)
    elif isinstance(value, int):
        assert int(text) == value, (label, text, value)
    else:
        shown = float(text)
        assert math.isclose(shown, value, rel_tol=5e-4, abs_tol=1e-300), (label, text, value)


def assert_matrix_shown(cells: list[list[str]], value, label: str = "") -> None:
    """A table of integer cells equals the integer matrix ``value``."""
    assert [[int(cell) for cell in row] for row in cells] == value, label


def assert_key_number(key: str, raw_value: str, shown, data: dict) -> None:
    """One ``[data-key]`` row of a part: its full-precision value is the one in ``data`` (the
    part's numbers) at its path, and what it shows (text, or a matrix's cells) matches it."""
    path = json.loads(key)
    expected = lookup(data, path)
    assert json.loads(raw_value) == expected, (path, raw_value, expected)
    if isinstance(shown, list):
        assert_matrix_shown(shown, expected, str(path))
    else:
        assert_shown(shown, expected, str(path))
