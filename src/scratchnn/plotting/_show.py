"""Showing figures that were built without pyplot: :func:`show` and :class:`ShowableFigure`.

scratchnn builds its figures without pyplot, so they belong to no window manager and plain
``Figure.show()`` raises ``AttributeError``. :func:`show` hands them to pyplot only when asked
(a script, ``scratchnn … --show``); in Jupyter the figures draw themselves inline
(``_repr_png_``) without it.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Union

import matplotlib
from matplotlib.figure import Figure

__all__ = ["show", "ShowableFigure", "can_show", "is_interactive"]

#: What :func:`show` takes: a figure, or a dict (names as window titles) or iterable of them.
Figures = Union[Figure, Mapping[str, Figure], Iterable[Figure]]


class ShowableFigure(Figure):
    """A :class:`matplotlib.figure.Figure` that can be shown without having been made by
    pyplot, and that draws itself in Jupyter.

    ``fig.show()`` is :func:`show` for this one figure: a window with an interactive
    backend (blocking until it is closed, as ``plt.show()`` in a script), a warning and
    nothing else without one. In Jupyter the figure is displayed inline as a PNG
    (``_repr_png_``), with or without pyplot.
    """

    # Figure.show returns None and takes no ``block``: this one also says whether a window
    # opened and can block, a compatible extension that mypy still reports as an override.
    def show(self, warn: bool = True, block: bool | None = None) -> bool:  # type: ignore[override]  # noqa: D417
        """Open the figure in a window; see :func:`show` (``warn=False``: no warning when
        there is no display)."""
        return show(self, block=block, warn=warn)

    def _repr_png_(self) -> bytes:
        """The figure as PNG bytes, for IPython's rich display."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def _non_interactive_backends() -> set[str]:
    try:  # matplotlib >= 3.9
        from matplotlib.backends import BackendFilter, backend_registry

        return set(backend_registry.list_builtin(BackendFilter.NON_INTERACTIVE))
    except ImportError:  # pragma: no cover - older matplotlib
        from matplotlib import rcsetup

        # only matplotlib < 3.9 has it: looked up by name, whichever stubs the checker reads
        return {name.lower() for name in getattr(rcsetup, "non_interactive_bk")}


def is_interactive(backend: str) -> bool:
    """Whether matplotlib's ``backend`` (a name) opens windows or draws in Jupyter: any
    backend but the non-interactive built-in ones (a third-party ``module://`` backend is
    trusted to)."""
    return backend.lower() not in _non_interactive_backends()


def can_show() -> bool:
    """Whether :func:`show` can open windows: pyplot's backend is interactive (a GUI
    toolkit with a display, or Jupyter's inline or widget backend).

    Resolving the backend imports pyplot (on Linux without ``DISPLAY`` it falls back to the
    non-interactive Agg).
    """
    import matplotlib.pyplot as plt

    plt.get_backend()  # resolves the automatic backend choice
    return is_interactive(matplotlib.get_backend())


def _as_figures(figures: Figures) -> list[Figure]:
    if isinstance(figures, Figure):
        return [figures]
    if isinstance(figures, Mapping):  # the names become the window titles (unless labelled)
        for name, fig in figures.items():
            if isinstance(fig, Figure) and not fig.get_label():
                fig.set_label(str(name))
        figures = figures.values()
    if not isinstance(figures, Iterable) or isinstance(figures, (str, bytes)):
        raise TypeError(
            f"show() expects a Figure, or a dict or iterable of Figures; got "
            f"{type(figures).__name__}"
        )
    figures = list(figures)
    wrong = [type(f).__name__ for f in figures if not isinstance(f, Figure)]
    if wrong:
        raise TypeError(f"show() expects Figures; got {', '.join(sorted(set(wrong)))}")
    return figures


def show(figures: Figures, block: bool | None = None, warn: bool = True) -> bool:
    """Open figures in windows, as ``matplotlib.pyplot.show`` does for pyplot's own.

    Each figure gets a pyplot window manager (only now: building figures never touches
    pyplot), then ``pyplot.show(block=block)`` runs: in a script it blocks until the windows
    are closed; in Jupyter it displays them inline.

    Parameters
    ----------
    figures : Figure, dict of str to Figure, or iterable of Figure
        What to show, e.g. a part's ``figures(result)``. A window is titled by the
        figure's label; figures of a dict without a label get their key as label.
    block : bool, optional
        Passed to ``pyplot.show``; default: block except in interactive sessions.
    warn : bool, default True
        Whether to warn when nothing can be shown.

    Returns
    -------
    bool
        True when the figures were handed to an interactive backend; False when pyplot's
        backend is non-interactive (no display: e.g. Agg on a headless machine, or
        ``MPLBACKEND=Agg``), in which case nothing happens but a ``UserWarning``
        (save the figures with ``fig.savefig(path)`` instead).

    Raises
    ------
    TypeError
        When ``figures`` holds anything but matplotlib Figures.
    """
    figures = _as_figures(figures)
    if not can_show():
        if warn:
            warnings.warn(
                f"cannot show figures: matplotlib's backend {matplotlib.get_backend()!r} is "
                "non-interactive (no display?); save them with fig.savefig(path) instead",
                UserWarning,
                stacklevel=2,
            )
        return False
    import matplotlib.pyplot as plt

    for fig in figures:
        _manage(plt, fig)
    plt.show(block=block)
    return True


def _manage(plt: ModuleType, fig: Figure) -> None:
    """Give ``fig`` a pyplot window manager: a new pyplot figure's manager and canvas, with
    ``fig`` put in place of the placeholder figure it was made for."""
    manager = fig.canvas.manager
    if manager is not None and plt.fignum_exists(manager.num):
        return  # already in an open pyplot window
    placeholder = plt.figure(figsize=fig.get_size_inches(), dpi=fig.dpi)
    manager = placeholder.canvas.manager
    canvas = placeholder.canvas
    canvas.figure = fig
    fig.set_canvas(canvas)
    manager.set_window_title(fig.get_label() or f"Figure {manager.num}")
