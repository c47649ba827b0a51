"""The divergence check: the callback that stops training when a loss stops being finite."""

from __future__ import annotations

import math

from .callbacks import Callback, TrainingContext
from .history import TrainingDivergedError

__all__ = ["DivergenceCheck"]


class DivergenceCheck(Callback):
    """Stop with :class:`TrainingDivergedError` when a batch loss, or an epoch's training or
    validation loss, is NaN or infinite (a learning rate too high, most often). A batch is
    checked before its update, so the parameters keep their last finite values.

    Parameters
    ----------
    initial_loss : bool, default True
        Whether the training loss before training (index 0 of the history) is measured:
        not with ``epoch_loss="batches"``, whose entry 0 is NaN for "not measured".
    """

    def __init__(self, initial_loss: bool = True) -> None:
        self.initial_loss = initial_loss

    def on_train_begin(self, context: TrainingContext) -> None:
        self.on_epoch_end(context)

    def on_before_update(self, context: TrainingContext) -> None:
        self._check(context.batch_loss, "loss", context, context.batch)

    def on_epoch_end(self, context: TrainingContext) -> None:
        history = context.history
        if context.epoch or self.initial_loss:
            self._check(history.train_loss[-1], "training loss", context, 0)
        if history.validation_loss:
            self._check(history.validation_loss[-1], "validation loss", context, 0)

    def _check(self, value: float, what: str, context: TrainingContext, batch: int) -> None:
        if math.isfinite(value):
            return
        epoch = context.epoch
        where = f"epoch {epoch}, batch {batch}" if batch else f"the end of epoch {epoch}"
        raise TrainingDivergedError(
            f"{what} became {value} at {where}: training diverged "
            f"(learning rate {context.optimizer.current_learning_rate:g} may be too high)",
            epoch,
            batch,
            context.history,
        )
