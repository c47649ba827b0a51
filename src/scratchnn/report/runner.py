"""Running the parts of the series for the report."""

from __future__ import annotations

import importlib
import inspect
from types import ModuleType
from typing import Any, Mapping

from ..tutorial.series import SERIES, post
from .figures import check_format
from .sections import PartSection, build_section

__all__ = ["run_part", "run_series", "defaults"]


def _tutorial(name: str) -> ModuleType:
    post(name)  # KeyError naming the known parts
    return importlib.import_module(f"scratchnn.tutorial.{name}")


def defaults(name: str) -> dict[str, Any]:
    """Every keyword parameter of part ``name``'s ``run`` with its default, in order."""
    parameters = inspect.signature(_tutorial(name).run).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not inspect.Parameter.empty}


def run_part(name: str, fmt: str = "png", dpi: float = 100, **settings: Any) -> PartSection:
    """Run part ``name`` and build its section.

    Parameters
    ----------
    name : str
        A part of :data:`scratchnn.tutorial.series.SERIES` (``"part1"`` …).
    fmt : {"png", "svg"}
        The format of the embedded figures.
    dpi : float
        Pixels per inch of PNG figures.
    **settings
        Parameters of the part's ``run`` (``scratchnn.tutorial.<name>.run``); the others keep
        their defaults, the tutorial's settings.

    Returns
    -------
    PartSection

    Raises
    ------
    KeyError
        For a name not in the series.
    TypeError
        For a setting the part's ``run`` does not have.
    ValueError
        For a bad setting (as the part's ``run`` reports it), format or dpi.
    """
    check_format(fmt, dpi)
    module = _tutorial(name)
    default = defaults(name)
    unknown = sorted(set(settings) - set(default))
    if unknown:
        raise TypeError(f"{name} has no setting {unknown[0]!r} (settings: {', '.join(default)})")
    used = {**default, **settings}
    result = module.run(**used)
    return build_section(name, result, module.figures(result), used, default, fmt, dpi)


def run_series(
    fmt: str = "png",
    dpi: float = 100,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[PartSection]:
    """Run every part of the series in order and build its section.

    Parameters
    ----------
    fmt : {"png", "svg"}
        The format of the embedded figures.
    dpi : float
        Pixels per inch of PNG figures.
    settings : mapping of str to mapping, optional
        Per part (by name), settings for its ``run``; a part not named runs with the
        tutorial's settings, as ``scratchnn all`` does.

    Returns
    -------
    list of PartSection
        In the order of :data:`scratchnn.tutorial.series.SERIES`.
    """
    check_format(fmt, dpi)
    settings = dict(settings or {})
    for name in settings:
        post(name)
    return [run_part(p.name, fmt, dpi, **settings.get(p.name, {})) for p in SERIES]
