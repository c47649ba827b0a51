"""``save`` / ``load`` of the estimators: one ``.npz`` file through :mod:`scratchnn.checkpoint`.

The file is a network checkpoint (parameters, loss, optimiser state) whose metadata holds
``{"estimator": class name, "params": hyperparameters as JSON, "state": fitted attributes}``
and whose extra arrays hold ``feature_names_in_`` and the classifier's ``classes_``. No
pickle is involved.

Loading checks the metadata against the network before the estimator is returned (the
types and ranges of the fitted attributes; ``n_features_in_``, ``n_outputs_`` and
``n_layers_`` against the layers; ``hidden_layer_sizes`` and ``activation`` against them;
the classifier's ``classes_`` and ``y_type`` against the outputs; the output layer and loss
against the kind of problem; the optimiser against ``solver``), so that a crafted or damaged
file is refused with a :class:`~scratchnn.checkpoint.CheckpointError` naming the field,
rather than making ``predict`` fail or answer wrongly.

Files written before the engine had scikit-learn's loss convention (their state holds a
``loss_scale`` :math:`s`) trained the engine's default loss, :math:`s` times scikit-learn's,
with the optimiser scaled to compensate (the learning rate :math:`\\mu / s` for sgd, the
``epsilon`` times :math:`s` for the others). :func:`_upgrade` turns them into today's form
on loading: the loss with scikit-learn's convention and the optimiser unscaled, so that
``partial_fit`` continues them exactly.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..checkpoint import Checkpoint, CheckpointError, load_checkpoint
from ..checkpoint import save as save_checkpoint
from ..layers import Linear
from ..losses import Loss
from ._fitted import FittedAttributes
from ._parameters import HIDDEN, OPTIMIZERS, hidden_layer_sizes, output_for

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


class PersistenceMixin(FittedAttributes):
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
        (``classes_``, ``loss_curve_`` …) are stored with :func:`scratchnn.checkpoint.save`; a
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
    def load(
        cls: type[_Estimator], path: str | os.PathLike, *, max_bytes: int = 2**30
    ) -> _Estimator:
        """Read an estimator written by :meth:`save`.

        Parameters
        ----------
        path : str or path-like
        max_bytes : int, default 2**30 (1 GiB)
            The most bytes the file's arrays may declare (see :func:`scratchnn.checkpoint.load`).

        Raises
        ------
        OSError
            When the file cannot be opened.
        scratchnn.CheckpointError
            A ``ValueError``: when it is not a checkpoint, holds another kind of estimator,
            or its metadata does not fit its network (the message names the field).
        """
        checkpoint = load_checkpoint(path, max_bytes=max_bytes)
        meta = checkpoint.metadata
        kind = meta.get("estimator") if isinstance(meta, dict) else None
        if kind != cls.__name__:
            raise CheckpointError(
                f"{path} does not hold a {cls.__name__} "
                f"(it holds {_short(kind) if kind else 'no estimator'}); "
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
            estimator._loss = cast(Loss, checkpoint.loss)  # an estimator's file has its loss
            estimator._set_state(meta["state"], checkpoint.arrays)
            if "loss_scale" in meta["state"]:
                _upgrade(estimator, checkpoint, meta["state"]["loss_scale"])
        except Exception as exc:
            raise CheckpointError(
                f"{path}: malformed {cls.__name__} metadata: {_short(exc)}"
            ) from None
        _check_fitted(estimator, checkpoint, path)
        return estimator


def _short(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else f"{text[:limit]}..."


def _require(condition: bool, path: Any, field: str, message: str) -> None:
    if not condition:
        raise CheckpointError(f"{path}: metadata {field} {message}")


def _is_count(value: Any, low: int = 0) -> bool:
    valid = isinstance(value, int) and not isinstance(value, bool)
    return valid and low <= value <= 2**53


def _is_number(value: Any, none: bool = False) -> bool:
    if value is None:
        return none
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_scalars(est: Any, path: Any) -> None:
    """Types and ranges of the fitted attributes."""
    for name, low in (("n_features_in_", 1), ("n_outputs_", 1), ("n_layers_", 2)):
        _require(_is_count(getattr(est, name), low), path, name, f"must be an int >= {low}")
    for name in ("n_iter_", "t_"):
        _require(_is_count(getattr(est, name)), path, name, "must be an int >= 0")
    _require(_is_number(est.loss_, none=True), path, "loss_", "must be a finite number")
    for name in ("best_loss_", "best_validation_score_"):
        _require(_is_number(getattr(est, name), none=True), path, name, "must be a number")
    _require(all(map(_is_number, est.loss_curve_)), path, "loss_curve_", "must hold numbers")
    scores = est.validation_scores_ or []
    _require(all(map(_is_number, scores)), path, "validation_scores_", "must hold numbers")
    names = getattr(est, "feature_names_in_", None)
    if names is not None:
        _require(
            names.shape == (est.n_features_in_,),
            path,
            "feature_names_in_",
            f"must name the n_features_in_={est.n_features_in_} features, got {names.shape}",
        )


def _check_layers(est: Any, layers: list, path: Any) -> None:
    """``n_features_in_``, ``n_outputs_``, ``n_layers_``, the hidden sizes and activation
    against the network's layers."""
    linear, activations = layers[0::2], layers[1::2]
    _require(
        len(layers) == 2 * (est.n_layers_ - 1) and all(type(layer) is Linear for layer in linear),
        path,
        "n_layers_",
        f"= {est.n_layers_} does not fit the network ({len(layers)} layers)",
    )
    sizes = [linear[0].n_in] + [layer.n_out for layer in linear]
    _require(
        all(a.n_out == b.n_in for a, b in zip(linear, linear[1:])),
        path,
        "network",
        "has layers whose sizes do not chain",
    )
    _require(
        sizes[0] == est.n_features_in_,
        path,
        "n_features_in_",
        f"= {est.n_features_in_}, but the first layer has {sizes[0]} inputs",
    )
    _require(
        sizes[-1] == est.n_outputs_,
        path,
        "n_outputs_",
        f"= {est.n_outputs_}, but the last layer has {sizes[-1]} outputs",
    )
    _require(
        list(est.hidden_layer_sizes) == sizes[1:-1],
        path,
        "params.hidden_layer_sizes",
        f"= {_short(est.hidden_layer_sizes)}, but the network's hidden layers have {sizes[1:-1]}",
    )
    hidden = HIDDEN.get(est.activation) if isinstance(est.activation, str) else None
    _require(
        hidden is not None and all(type(a) is hidden for a in activations[:-1]),
        path,
        "params.activation",
        f"= {_short(est.activation)} does not fit the network's hidden activations",
    )
    dtypes = {p.dtype for layer in linear for p in layer.params.values()}
    _require(
        len(dtypes) == 1, path, "network", f"mixes parameter dtypes {sorted(map(str, dtypes))}"
    )


def _check_kind(est: Any, checkpoint: Checkpoint, path: Any) -> None:
    """The classes, ``y_type``, output layer and loss against the outputs."""
    n_out = est.n_outputs_
    if est._is_classifier:
        kind = est._y_type
        kinds = ("binary", "multiclass", "multilabel-indicator")
        _require(kind in kinds, path, "y_type", f"must be one of {kinds}, got {_short(kind)}")
        classes = est.classes_
        _require(classes.ndim == 1, path, "classes_", f"must be 1-D, got {classes.shape}")
        n_classes = len(classes)
        _require(len(np.unique(classes)) == n_classes, path, "classes_", "holds a label twice")
        expected = (2, 1) if kind == "binary" else (n_out, n_out)  # (labels, outputs)
        _require(
            (n_classes, n_out) == expected and (kind != "multiclass" or n_classes >= 3),
            path,
            "classes_",
            f"has {n_classes} labels for y_type {kind!r} and {n_out} network outputs",
        )
    else:
        kind = "regression"
        _require(est.loss in ("squared_error", "poisson"), path, "params.loss", "is not a loss")
    layer, name, loss = output_for(kind, getattr(est, "loss", "squared_error"))
    _require(
        est.out_activation_ == name and type(checkpoint.model.layers[-1]) is layer,
        path,
        "out_activation_",
        f"= {_short(est.out_activation_)}; the network ends in "
        f"{type(checkpoint.model.layers[-1]).__name__}, a {kind} model needs {name}",
    )
    _require(
        repr(checkpoint.loss) == repr(loss),
        path,
        "loss",
        f"{checkpoint.loss!r} does not fit a {kind} model (needs {loss!r})",
    )


def _upgrade(est: Any, checkpoint: Checkpoint, scale: Any) -> None:
    """A file of the scaled form (see the module docs) in today's form, in place."""
    kind = est._y_type if est._is_classifier else "regression"
    _, _, loss = output_for(kind, getattr(est, "loss", "squared_error"))
    old = type(loss)(reduction="mean")  # the engine's default convention, which files held
    if type(checkpoint.loss) is not type(loss) or repr(checkpoint.loss) != repr(old):
        raise ValueError(f"loss {checkpoint.loss!r} is not the {old!r} of a {kind} model")
    # the old convention: the engine's loss was s times scikit-learn's
    n = est.n_outputs_
    if kind == "multiclass":
        expected = 1.0
    elif kind == "regression":
        expected = (1.0 if est.loss == "poisson" else 2.0) / n
    else:
        expected = 1.0 / n
    if not (_is_number(scale) and math.isclose(scale, expected)):
        raise ValueError(
            f"state.loss_scale = {scale!r}, a {kind} model with {n} outputs had {expected}"
        )
    scale = float(scale)
    checkpoint.loss = est._loss = loss
    optimizer: Any = checkpoint.optimizer  # GradientDescent for sgd, else one with an epsilon
    if optimizer is not None and est.solver == "sgd":
        optimizer.learning_rate = optimizer.learning_rate * scale
    elif optimizer is not None:
        optimizer.epsilon = optimizer.epsilon / scale


def _check_optimizer(est: Any, checkpoint: Checkpoint, path: Any) -> None:
    """The optimiser's type against ``solver``, its counters against ``t_`` and
    ``n_iter_`` (its state's shapes and dtypes were checked against the parameters by
    :func:`scratchnn.load_checkpoint`)."""
    optimizer: Any = checkpoint.optimizer  # None, or checked to be of the expected type
    expected = OPTIMIZERS.get(est.solver) if isinstance(est.solver, str) else None
    if est.solver == "lbfgs":
        _require(optimizer is None, path, "optimizer", "must be absent for solver='lbfgs'")
        return
    _require(
        expected is not None and type(optimizer) is expected,
        path,
        "optimizer",
        f"{type(optimizer).__name__} does not fit solver={_short(est.solver)}",
    )
    # Every update uses at least one training sample, and t_ counts them all.
    _require(
        optimizer.step_count <= est.t_,
        path,
        "optimizer.step_count",
        f"= {optimizer.step_count} updates, more than the t_ = {est.t_} samples seen",
    )
    _require(
        est.n_iter_ <= min(est.t_, len(est.loss_curve_)),
        path,
        "n_iter_",
        f"= {est.n_iter_} epochs, more than t_ = {est.t_} samples seen or the "
        f"{len(est.loss_curve_)} entries of loss_curve_",
    )


def _check_fitted(est: Any, checkpoint: Checkpoint, path: Any) -> None:
    """Check the restored estimator's metadata against its network.

    Raises
    ------
    CheckpointError
        Naming the field at fault.
    """
    _check_scalars(est, path)
    _check_layers(est, list(checkpoint.model.layers), path)
    _check_kind(est, checkpoint, path)
    _check_optimizer(est, checkpoint, path)


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
