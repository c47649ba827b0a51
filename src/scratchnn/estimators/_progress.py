"""``verbose=True`` of the estimators: scikit-learn's lines, on stdout as scikit-learn prints
them::

    Iteration 1, loss = 0.86931529
    Validation score: 0.700000
    ...
    Validation score did not improve more than tol=0.000100 for 10 consecutive epochs. Stopping.

(``Validation score`` lines only with ``early_stopping=True``; the adaptive schedule's
``... Setting learning rate to 0.000400`` and ``... Learning rate too small. Stopping.`` as
scikit-learn's.) ``n_iter_`` restarts at 1 with every ``fit`` and ``partial_fit`` call, as
scikit-learn's does, and so do the lines.
"""

from __future__ import annotations

import sys
from typing import TextIO

from ..training import ProgressBar, TrainingContext
from ._mapping import OBJECTIVE, SCORE
from ._stopping import SklearnStopping

__all__ = ["SklearnProgress"]


class SklearnProgress(ProgressBar):
    """scikit-learn's verbose lines for one ``fit`` or ``partial_fit``.

    Parameters
    ----------
    rule : SklearnStopping
        The fit's end-of-epoch rule; its sentence (a stop, a new learning rate) is printed
        after the epoch's numbers.
    early : bool
        Whether a validation score is recorded (``early_stopping=True``).
    file : text stream, optional
        Default: ``sys.stdout`` when training starts (where scikit-learn prints).
    """

    def __init__(self, rule: SklearnStopping, early: bool, file: TextIO | None = None) -> None:
        super().__init__(file=file, mode="lines")
        self.rule, self.early = rule, early

    def default_file(self) -> TextIO | None:
        return sys.stdout

    def values(self, context: TrainingContext) -> dict[str, float]:
        history = context.history
        shown = {"loss": history.train_metrics[OBJECTIVE][-1]}
        if self.early:
            shown["validation_score"] = history.validation_metrics[SCORE][-1]
        return shown

    def epoch_line(self, context: TrainingContext) -> str:
        shown = self.values(context)
        lines = ["Iteration %d, loss = %.8f" % (context.epoch, shown["loss"])]
        if self.early:
            lines.append("Validation score: %f" % shown["validation_score"])
        if self.rule.message is not None:
            lines.append(self.rule.message)
        return "\n".join(lines)
