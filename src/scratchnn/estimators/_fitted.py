"""The fitted attributes of the estimators, declared for the type checker.

:class:`~scratchnn.estimators._persistence.PersistenceMixin` reads and restores what
:class:`~scratchnn.estimators._base._BaseMLP` sets in ``fit``: the annotations here (no values,
so nothing changes at run time) tell the type checker their types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..losses import Loss
    from ..network import Sequential
    from ..optimizer_base import Optimizer

__all__ = ["FittedAttributes"]


class FittedAttributes:
    """Annotations only: the attributes ``fit`` sets and ``get_params`` (scikit-learn's)."""

    _is_classifier: bool
    network_: Sequential
    optimizer_: Optimizer | None
    _loss: Loss
    n_features_in_: int
    n_outputs_: int
    n_layers_: int
    n_iter_: int
    t_: int
    loss_: float
    loss_curve_: list[float]
    best_loss_: float | None
    validation_scores_: list[float] | None
    best_validation_score_: float | None

    if TYPE_CHECKING:  # BaseEstimator's, later in the method resolution order

        def get_params(self, deep: bool = True) -> dict[str, Any]: ...
