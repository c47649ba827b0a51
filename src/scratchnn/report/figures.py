"""Figures embedded in the page: each one a ``data:`` URI, so the page needs no other file."""

from __future__ import annotations

import base64
import io
import struct
from dataclasses import dataclass

from matplotlib.figure import Figure

from .content import caption

__all__ = ["EmbeddedFigure", "embed_figure", "check_format", "FORMATS"]

#: The figure formats the report can embed, with their media types.
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}

#: CSS pixels per inch: an SVG's size in points is shown at 96 px per 72 pt.
_CSS_DPI = 96


@dataclass(frozen=True)
class EmbeddedFigure:
    """One figure, ready for an ``<img>``.

    Attributes
    ----------
    name : str
        The figure's name (the file name stem ``scratchnn PART --out`` uses).
    caption : str
        What the figure shows (the ``<figcaption>``).
    alt : str
        The figure described for someone who cannot see it (the ``alt`` text).
    src : str
        The image as a ``data:`` URI (base64).
    width, height : int
        Its intrinsic size in CSS pixels.
    """

    name: str
    caption: str
    alt: str
    src: str
    width: int
    height: int


def check_format(fmt: str, dpi: float) -> None:
    """Raise ``ValueError`` naming ``fmt`` or ``dpi`` unless both can be embedded."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {sorted(FORMATS)}, got {fmt!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 0 < dpi < float("inf"):
        raise ValueError(f"dpi must be a positive number, got {dpi!r}")


def embed_figure(name: str, figure: Figure, fmt: str = "png", dpi: float = 100) -> EmbeddedFigure:
    """Render ``figure`` as a ``data:`` URI, with the caption and alt text of ``name``.

    Parameters
    ----------
    name : str
        The figure's name: its caption and alt text come from
        ``scratchnn.report.content.CAPTIONS``.
    figure : matplotlib.figure.Figure
        The figure (left open; nothing global is touched).
    fmt : {"png", "svg"}
        The image format.
    dpi : float
        Pixels per inch of a PNG (ignored for SVG).

    Returns
    -------
    EmbeddedFigure

    Raises
    ------
    ValueError
        For an unknown ``fmt`` or a ``dpi`` that is not a positive number.
    """
    check_format(fmt, dpi)
    buffer = io.BytesIO()
    if fmt == "png":
        figure.savefig(buffer, format="png", dpi=dpi)
        width, height = struct.unpack(">II", buffer.getvalue()[16:24])  # the PNG's IHDR
    else:
        figure.savefig(buffer, format="svg")
        width, height = (round(v * _CSS_DPI) for v in figure.get_size_inches())
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    text, alt = caption(name)
    return EmbeddedFigure(
        name=name,
        caption=text,
        alt=alt,
        src=f"data:{FORMATS[fmt]};base64,{encoded}",
        width=int(width),
        height=int(height),
    )
