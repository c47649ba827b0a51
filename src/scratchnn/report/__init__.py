"""One self-contained HTML page of the whole series (``scratchnn report --out DIR``).

Per part, the page shows a short summary, what the part prints, its key numbers, every
figure (inline, with a caption and alt text), the settings it ran with and a link to the
original post; a sidebar links every part. The page loads nothing: figures are ``data:``
URIs, the style is embedded, and each part's ``to_dict()`` is embedded as JSON
(``<script type="application/json" id="data-PART">``) for whoever wants the numbers.

For example:

>>> from scratchnn.report import run_part, write_report
>>> section = run_part("part1", learning_rate=0.5)  # doctest: +SKIP
>>> write_report([section], "out")  # doctest: +SKIP
PosixPath('out/index.html')
"""

from __future__ import annotations

from .figures import FORMATS, EmbeddedFigure, embed_figure
from .render import PAGE_NAME, render_html, write_report
from .runner import defaults, run_part, run_series
from .sections import KeyNumber, PartSection, Setting, build_section, key_numbers

__all__ = [
    "FORMATS",
    "PAGE_NAME",
    "EmbeddedFigure",
    "KeyNumber",
    "PartSection",
    "Setting",
    "build_section",
    "defaults",
    "embed_figure",
    "key_numbers",
    "render_html",
    "run_part",
    "run_series",
    "write_report",
]
