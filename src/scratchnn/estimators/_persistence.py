"""``save`` / ``load`` of the estimators: one ``.npz`` file through :mod:`scratchnn.checkpoint`.

The file is a network checkpoint (parameters, loss, optimiser state) whose metadata holds
``{"estimator": class name, "params": hyperparameters as JSON, "state": fitted attributes}``
and whose extra arrays hold ``feature_names_in_`` and the classifier's ``classes_``. No
pickle is involved.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..checkpoint import load_checkpoint
from ..checkpoint import save as save_checkpoint
from ._constraints import hidden_layer_sizes

__all__ = ["PersistenceMixin"]

_Estimator = TypeVar("_Estimator", bound="PersistenceMixin")

#: Fitted attributes stored as JSON numbers or null, in this order.
_SCALARS = (
    "n_features_in_",
    "n_outputs_",
    "n_layers_",
    "n_iter_",
    "t_",
    "loss_",
    "best_loss_",
    "best_validation_score_",
)


class PersistenceMixin:
    """``save`` and ``load`` for :class:`~scratchnn.estimators._base._BaseMLP` subclasses."""

    def _json_params(self) -> dict[str, Any]:
        """``get_params()`` as JSON: a list of layer sizes, an int or null random_state,
        ``"inf"`` for an infinite ``n_iter_no_change``."""
        params = self.get_params(deep=False)
        params["hidden_layer_sizes"] = list(hidden_layer_sizes(params["hidden_layer_sizes"]))
        rs = params["random_state"]
        params["random_state"] = int(rs) if isinstance(rs, numbers.Integral) else None
        if params["n_iter_no_change"] == math.inf:
            params["n_iter_no_change"] = "inf"
        return params

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Fitted attributes as JSON metadata and arrays."""
        state = {
            "n_features_in_": int(self.n_features_in_),
            "n_outputs_": int(self.n_outputs_),
            "n_layers_": int(self.n_layers_),
            "n_iter_": int(self.n_iter_),
            "t_": int(self.t_),
            "loss_curve_": [float(v) for v in self.loss_curve_],
            "loss_": float(self.loss_),
            "best_loss_": self.best_loss_,
            "validation_scores_": self.validation_scores_,
            "best_validation_score_": self.best_validation_score_,
            "loss_scale": self._loss_scale,
        }
        arrays = {}
        if hasattr(self, "feature_names_in_"):
            arrays["feature_names_in_"] = np.asarray(self.feature_names_in_, dtype=str)
        if self._is_classifier:
            arrays["classes_"] = _savable_classes(self.classes_)
            state["y_type"] = self._y_type
        state["out_activation_"] = self.out_activation_
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Restore what :meth:`_state` stored."""
        for name in _SCALARS:
            setattr(self, name, state[name])
        self.loss_curve_ = list(state["loss_curve_"])
        scores = state["validation_scores_"]
        self.validation_scores_ = None if scores is None else list(scores)
        self._loss_scale = float(state["loss_scale"])
        if "feature_names_in_" in arrays:
            self.feature_names_in_ = arrays["feature_names_in_"].astype(object)
        if self._is_classifier:
            self.classes_ = arrays["classes_"]
            self._y_type = state["y_type"]
        self.out_activation_ = state["out_activation_"]

    def save(self, path: str | os.PathLike) -> Path:
        """Write the fitted estimator to ``path``: one ``.npz`` file, no pickle.

        The network's parameters (in their dtype), the optimiser state (so that
        ``partial_fit`` continues exactly), the hyperparameters and the fitted attributes
        (``classes_``, ``loss_curve_`` …) are stored with :func:`scratchnn.save`; a
        ``random_state`` that is not an int is stored as None.

        Returns
        -------
        pathlib.Path

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        """
        check_is_fitted(self, "network_")
        state, arrays = self._state()
        metadata = {"estimator": type(self).__name__, "params": self._json_params(), "state": state}
        return save_checkpoint(
            self.network_,
            path,
            loss=self._loss,
            optimizer=self.optimizer_,
            metadata=metadata,
            arrays=arrays,
        )

    @classmethod
    def load(cls: type[_Estimator], path: str | os.PathLike) -> _Estimator:
        """Read an estimator written by :meth:`save`.

        Raises
        ------
        OSError
            When the file cannot be read.
        ValueError
            When it is not a checkpoint, or holds another kind of estimator.
        """
        checkpoint = load_checkpoint(path)
        meta = checkpoint.metadata
        kind = meta.get("estimator") if isinstance(meta, dict) else None
        if kind != cls.__name__:
            raise ValueError(
                f"{path} does not hold a {cls.__name__} (it holds {kind or 'no estimator'}); "
                "write it with the estimator's save()"
            )
        try:
            params = dict(meta["params"])
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
            if params["n_iter_no_change"] == "inf":
                params["n_iter_no_change"] = math.inf
            estimator = cls(**params)
            estimator.network_ = checkpoint.model
            estimator.optimizer_ = checkpoint.optimizer
            estimator._loss = checkpoint.loss
            estimator._set_state(meta["state"], checkpoint.arrays)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: malformed {cls.__name__} metadata: {exc!r}") from None
        return estimator


def _savable_classes(classes: np.ndarray) -> np.ndarray:
    """``classes_`` as a NumPy array without objects (strings become unicode)."""
    if classes.dtype == object:
        if not all(isinstance(c, str) for c in classes):
            raise ValueError(
                "save: classes_ must be numbers, booleans or strings to be saved without "
                f"pickle, got {classes.tolist()!r}"
            )
        classes = classes.astype(str)
    return classes
