"""``verbose=True`` of the estimators: scikit-learn's lines, or a bar where one shows.

Written to a file or a pipe (or a ``StringIO``), the output is scikit-learn's own, line for
line, on stdout as scikit-learn prints it::

    Iteration 1, loss = 0.86931529
    Validation score: 0.700000
    ...
    Validation score did not improve more than tol=0.000100 for 10 consecutive epochs. Stopping.

(``Validation score`` lines only with ``early_stopping=True``.) On a terminal, or in a Jupyter
notebook, a tqdm bar shows the same numbers instead (:class:`~scratchnn.training.ProgressBar`).
"""

from __future__ import annotations

import math
import sys
from typing import TextIO

from ..training import EarlyStopping, ProgressBar, TrainingContext
from ._mapping import OBJECTIVE, SCORE

__all__ = ["SklearnProgress"]


class SklearnProgress(ProgressBar):
    """scikit-learn's verbose lines (or a bar) for one ``fit`` or ``partial_fit``.

    Parameters
    ----------
    first_iteration : int
        ``n_iter_`` before this call (``partial_fit`` counts on), so the lines number the
        iterations as ``n_iter_`` does.
    stopper : EarlyStopping or None
        The fit's stopping rule; its stop is announced with scikit-learn's sentence.
    tol, n_iter_no_change : float
        The estimator's hyperparameters, for that sentence.
    early : bool
        Whether a validation score is recorded (``early_stopping=True``).
    file : text stream, optional
        Default: ``sys.stdout`` when training starts (where scikit-learn prints).
    """

    def __init__(
        self,
        first_iteration: int,
        stopper: EarlyStopping | None,
        tol: float,
        n_iter_no_change: float,
        early: bool,
        file: TextIO | None = None,
    ) -> None:
        super().__init__(file=file)
        self.first_iteration = first_iteration
        self.stopper = stopper
        self.tol, self.n_iter_no_change, self.early = tol, n_iter_no_change, early

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
        lines = [
            "Iteration %d, loss = %.8f" % (self.first_iteration + context.epoch, shown["loss"])
        ]
        if self.early:
            lines.append("Validation score: %f" % shown["validation_score"])
        stopper = self.stopper
        if stopper is not None and stopper.stopped_epoch == context.epoch:
            what = "Validation score" if self.early else "Training loss"
            n = self.n_iter_no_change
            lines.append(
                f"{what} did not improve more than tol=%f for %d consecutive epochs. Stopping."
                % (self.tol, n if math.isfinite(n) else context.epoch)
            )
        return "\n".join(lines)
