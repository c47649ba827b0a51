"""Progress of training, where the user looks: a bar or one line per epoch.

:class:`ProgressBar` (what ``train(..., verbose=1)`` adds) picks the form from where its
output goes:

* in a Jupyter kernel, writing to the default stream: a ``tqdm.auto`` bar, which is the
  notebook widget when ipywidgets is installed (a text bar otherwise);
* on a terminal (the stream's ``isatty()`` is true): a ``tqdm`` bar over the epochs, with the
  latest losses and metrics;
* anywhere else (a file, a pipe, a CI log, a ``StringIO``): one line per epoch, e.g.
  ``epoch 3/10: train_loss 0.4127, validation_loss 0.45, validation_accuracy 0.9``, written
  and flushed as each epoch ends, so a log shows the run as it goes.

The stream is the callback's ``file`` (default: ``sys.stderr`` when training starts, so the
results a program prints on stdout stay clean, and ``contextlib.redirect_stderr`` works).
Printing is the library's exception to "return, don't print": it happens only when asked for
with ``verbose`` or by adding the callback.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from .._validation import check_choice
from .callbacks import Callback, TrainingContext

__all__ = ["ProgressBar", "in_notebook"]


def in_notebook() -> bool:
    """Whether this Python runs in a Jupyter kernel (an IPython shell with ``IPKernelApp``
    in its config: tqdm.auto's own test)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
        return shell is not None and "IPKernelApp" in shell.config
    except Exception:  # an IPython too old or too unusual to tell: not a notebook
        return False


def _isatty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(callable(isatty) and isatty())
    except (OSError, ValueError):  # a closed stream
        return False


class ProgressBar(Callback):
    """Training progress: a tqdm bar on a terminal or in a notebook, else a line per epoch.

    Parameters
    ----------
    file : text stream, optional
        Where to write. Default: ``sys.stderr`` as it is when training starts.
    mode : {"auto", "bar", "lines"}, default "auto"
        ``"auto"``: a bar in a Jupyter kernel (with the default ``file``) and on a terminal,
        lines anywhere else (see the module docs). ``"bar"`` and ``"lines"`` force one form.

    Attributes
    ----------
    bar : tqdm or None
        The bar while training runs in bar form.

    Notes
    -----
    Subclasses change what is shown by overriding :meth:`values` (the numbers of an
    epoch, by name), :meth:`epoch_line` (the text of one epoch in line form) and
    :meth:`default_file`.
    """

    def __init__(self, file: TextIO | None = None, mode: str = "auto") -> None:
        self.file = file
        self.mode = check_choice(mode, "mode", ("auto", "bar", "lines"))
        self.bar: Any = None
        self._stream: Any = None

    def _use_bar(self, stream: Any) -> bool:
        if self.mode != "auto":
            return self.mode == "bar"
        return (self.file is None and in_notebook()) or _isatty(stream)

    def on_train_begin(self, context: TrainingContext) -> None:
        self.bar = None
        self._stream = self.file if self.file is not None else self.default_file()
        if self._stream is None or not self._use_bar(self._stream):
            return
        from tqdm.auto import tqdm

        self.bar = tqdm(
            total=context.epochs,
            file=self._stream,
            unit="epoch",
            desc="training",
            dynamic_ncols=True,
        )

    def default_file(self) -> TextIO | None:
        """The stream used when ``file`` is None: ``sys.stderr`` when training starts."""
        return sys.stderr

    def values(self, context: TrainingContext) -> dict[str, float]:
        """The numbers shown after an epoch, by name: ``train_loss``, ``validation_loss``
        (with validation data) and every recorded metric as ``train_<name>`` and
        ``validation_<name>``."""
        history = context.history
        shown = {"train_loss": history.train_loss[-1]}
        if history.validation_loss:
            shown["validation_loss"] = history.validation_loss[-1]
        tables = (("train_", history.train_metrics), ("validation_", history.validation_metrics))
        for prefix, table in tables:
            for name, series in table.items():
                shown[prefix + name] = series[-1]
        return shown

    def epoch_line(self, context: TrainingContext) -> str:
        """The text written after an epoch in line form (without the newline), e.g.
        ``epoch 3/10: train_loss 0.4127, validation_loss 0.45``."""
        numbers = ", ".join(f"{name} {value:.6g}" for name, value in self.values(context).items())
        return f"epoch {context.epoch}/{context.epochs}: {numbers}"

    def on_epoch_end(self, context: TrainingContext) -> None:
        if self.bar is not None:
            shown = {name: f"{value:.4g}" for name, value in self.values(context).items()}
            self.bar.set_postfix(shown, refresh=False)
            self.bar.update(1)
        elif self._stream is not None:
            self._stream.write(self.epoch_line(context) + "\n")
            flush = getattr(self._stream, "flush", None)
            if callable(flush):
                flush()

    def on_train_end(self, context: TrainingContext) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(file={self.file!r}, mode={self.mode!r})"
