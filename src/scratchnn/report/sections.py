"""One section of the report per part: what the page shows about it, built from a result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from matplotlib.figure import Figure

from ..tutorial.series import post
from .content import KEY_NUMBERS, SUMMARIES, KeyNumberSpec
from .figures import EmbeddedFigure, embed_figure

__all__ = ["KeyNumber", "Setting", "PartSection", "build_section", "key_numbers"]


@dataclass(frozen=True)
class KeyNumber:
    """A number (or an integer matrix) of a part's result, shown on its own.

    Attributes
    ----------
    label : str
        What it is, in words.
    path : tuple of str or int
        Where it is in the result's ``to_dict()``.
    value : object
        The value itself (a float, int, bool or a list of lists of ints).
    text : str
        The visible text ("" for a matrix, shown as ``rows``).
    rows : list of list of str or None
        A matrix's cells, row by row; ``None`` for a single number.
    """

    label: str
    path: tuple[str | int, ...]
    value: Any
    text: str
    rows: list[list[str]] | None = None

    @property
    def key_json(self) -> str:
        """The path as JSON (the ``data-key`` attribute)."""
        return json.dumps(list(self.path))

    @property
    def value_json(self) -> str:
        """The value as JSON at full precision (the ``data-value`` attribute)."""
        return json.dumps(self.value, allow_nan=False)


@dataclass(frozen=True)
class Setting:
    """One parameter of the part's ``run`` and the value the report used."""

    name: str
    value: Any
    default: Any

    @property
    def is_default(self) -> bool:
        """Whether the value is ``run``'s default."""
        return self.value == self.default


@dataclass(frozen=True)
class PartSection:
    """Everything the page shows about one part.

    Attributes
    ----------
    name, title, url : str
        The part (``"part1"`` …), the original post's title and its address.
    summary : str
        One to three sentences on the part.
    lines : list of str
        What ``scratchnn PART`` prints.
    settings : list of Setting
        Every parameter of the part's ``run``, with the value used.
    data : dict
        The result's ``to_dict()`` (embedded in the page as JSON).
    key_numbers : list of KeyNumber
        The numbers shown on their own.
    figures : list of EmbeddedFigure
        Every figure of the part, in order.
    """

    name: str
    title: str
    url: str
    summary: str
    lines: list[str]
    settings: list[Setting]
    data: dict
    key_numbers: list[KeyNumber]
    figures: list[EmbeddedFigure]

    @property
    def all_default(self) -> bool:
        """Whether the part ran with the tutorial's settings (every default)."""
        return all(setting.is_default for setting in self.settings)


def _lookup(data: Any, path: tuple[str | int, ...], part: str) -> Any:
    value = data
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            raise KeyError(f"{part}: the result has no value at {list(path)}") from None
    return value


def _key_number(spec: KeyNumberSpec, data: Mapping[str, Any], part: str) -> KeyNumber:
    value = _lookup(data, spec.path, part)
    if isinstance(value, bool):
        return KeyNumber(spec.label, spec.path, value, "yes" if value else "no")
    if isinstance(value, list):
        rows = [[str(cell) for cell in row] for row in value]
        return KeyNumber(spec.label, spec.path, value, "", rows)
    return KeyNumber(spec.label, spec.path, value, format(value, spec.fmt))


def key_numbers(name: str, data: Mapping[str, Any]) -> list[KeyNumber]:
    """The key numbers of part ``name`` (``KEY_NUMBERS``)
    read from its ``to_dict()``; none for a part not listed.

    Raises
    ------
    KeyError
        When ``data`` lacks a listed value.
    """
    return [_key_number(spec, data, name) for spec in KEY_NUMBERS.get(name, ())]


def build_section(
    name: str,
    result: Any,
    figures: Mapping[str, Figure],
    settings: Mapping[str, Any],
    defaults: Mapping[str, Any] | None = None,
    fmt: str = "png",
    dpi: float = 100,
) -> PartSection:
    """The section of part ``name`` from its result and figures.

    Parameters
    ----------
    name : str
        A part of :data:`scratchnn.tutorial.series.SERIES` (``"part1"`` …).
    result : object
        The part's result: it has ``lines()`` (list of str) and ``to_dict()`` (JSON-ready).
    figures : mapping of str to Figure
        The part's figures by name (what its ``figures(result)`` returns).
    settings : mapping of str to object
        The parameters the part ran with.
    defaults : mapping of str to object, optional
        Their defaults (to mark what differs); ``settings`` when omitted.
    fmt : {"png", "svg"}
        The format of the embedded figures.
    dpi : float
        Pixels per inch of PNG figures.

    Returns
    -------
    PartSection

    Raises
    ------
    KeyError
        For a name not in the series.
    """
    part = post(name)
    defaults = dict(settings if defaults is None else defaults)
    data = result.to_dict()
    return PartSection(
        name=part.name,
        title=part.title,
        url=part.url,
        summary=SUMMARIES.get(name, ""),
        lines=list(result.lines()),
        settings=[Setting(k, v, defaults.get(k, v)) for k, v in settings.items()],
        data=data,
        key_numbers=key_numbers(name, data),
        figures=[embed_figure(k, fig, fmt, dpi) for k, fig in figures.items()],
    )
