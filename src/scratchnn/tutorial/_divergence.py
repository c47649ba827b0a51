"""The one divergence rule of every part: training diverged when it ended with a higher loss
than it started.

Every part's result has a ``divergence`` property (a :class:`Divergence`, or None) built by
:func:`divergence`, and the command line turns it into the same warning for every part::

    scratchnn: warning: training diverged: the loss rose from 4.7565 to 11.2728 (learning
    rate 10 may be too high)

A loss that overshoots and comes back below its start is not called divergence (the run made
progress); a loss that overflows is an error (:class:`scratchnn.training.TrainingDivergedError`),
not a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Divergence", "divergence"]


@dataclass(frozen=True)
class Divergence:
    """How a run diverged.

    Attributes
    ----------
    what : str
        The quantity that rose, e.g. ``"the loss"`` or ``"the training cost"``.
    start, end : float
        Its value before training and at the end.
    learning_rate : float
    reason : str or None
        Why, when the part knows (Part 1: the learning rate is above the critical one).
    """

    what: str
    start: float
    end: float
    learning_rate: float
    reason: str | None = None

    def message(self) -> str:
        """``training diverged: the loss rose from 4.7565 to 11.2728 (learning rate 10 may
        be too high)``."""
        why = self.reason or f"learning rate {self.learning_rate:g} may be too high"
        return (
            f"training diverged: {self.what} rose from {self.start:.4f} to {self.end:.4f} ({why})"
        )


def divergence(
    start: float,
    end: float,
    learning_rate: float,
    what: str = "the loss",
    reason: str | None = None,
) -> Divergence | None:
    """The rule: a :class:`Divergence` when ``end > start``, else None."""
    if not end > start:
        return None
    return Divergence(what, float(start), float(end), float(learning_rate), reason)
