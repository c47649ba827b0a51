"""The page itself: the sections rendered through the package's Jinja2 template."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Sequence

import jinja2

from .._io import atomic_write
from .._version import __version__
from .sections import PartSection

__all__ = ["render_html", "write_report", "TEMPLATE", "PAGE_NAME"]

#: The template, in ``scratchnn/report/templates/``.
TEMPLATE = "index.html.j2"

#: The file :func:`write_report` writes.
PAGE_NAME = "index.html"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("scratchnn.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # ``tojson`` escapes <, >, & and ' for HTML; keep the result's key order, refuse NaN.
    environment.policies["json.dumps_kwargs"] = {"sort_keys": False, "allow_nan": False}
    return environment


def render_html(sections: Sequence[PartSection], title: str = "scratchnn: the series") -> str:
    """The report page: one self-contained HTML document of ``sections``.

    Every figure is inline (a ``data:`` URI), the style is embedded, and the page loads
    nothing else (its content security policy forbids it); the only addresses in it are the
    links to the original posts.

    Parameters
    ----------
    sections : sequence of PartSection
        The parts, in the order shown (:func:`scratchnn.report.run_series` gives them all).
    title : str
        The page's title.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    ValueError
        For no sections, or two with the same name (their ids would clash).
    """
    names = [section.name for section in sections]
    if not names:
        raise ValueError("a report needs at least one section")
    if len(set(names)) != len(names):
        raise ValueError(f"section names must be unique, got {names}")
    template = _environment().get_template(TEMPLATE)
    return template.render(sections=list(sections), title=title, version=__version__)


def write_report(
    sections: Sequence[PartSection], out: str | os.PathLike, title: str = "scratchnn: the series"
) -> Path:
    """Write the page of ``sections`` as ``out/index.html``; return its path.

    ``out`` is created if missing. The file is written atomically
    (``scratchnn._io.atomic_write``): an interrupted run leaves any older page whole.

    Raises
    ------
    OSError
        When ``out`` cannot be created or written.
    ValueError
        As :func:`render_html`.
    """
    html = render_html(sections, title)
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    return atomic_write(directory / PAGE_NAME, lambda handle: handle.write(html.encode("utf-8")))
