"""scikit-learn estimators on the engine: :class:`MLPClassifier` and :class:`MLPRegressor`.

They follow scikit-learn's conventions and parameter names (those of
``sklearn.neural_network.MLPClassifier`` / ``MLPRegressor`` for the stochastic solvers), so
they work in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` and pass
``sklearn.utils.estimator_checks.check_estimator``. Inside, an estimator is configuration of
the engine: ``fit`` builds a :class:`~scratchnn.network.Sequential` of
:class:`~scratchnn.layers.Linear` layers and activations, and trains it with
:func:`scratchnn.training.train` (shuffled mini-batches, :class:`~scratchnn.training.EarlyStopping`
with best-weight restore, an engine optimiser). The trained network is ``network_``.

=====================  ==========================================  =========================
problem                output layer + engine loss                  targets
=====================  ==========================================  =========================
multi-class            ``Softmax`` + ``CategoricalCrossEntropy``   one-hot, shape (N, K)
binary                 ``Logistic`` + ``BinaryCrossEntropy``       :math:`[y = c_1]`, (N, 1)
multi-label            ``Logistic`` + ``BinaryCrossEntropy``       indicator matrix, (N, K)
regression             ``Identity`` + ``MSE``                      y, shape (N, n_outputs)
=====================  ==========================================  =========================

The objective is scikit-learn's
-----------------------------------
scikit-learn's MLP minimises, on a mini-batch of :math:`b` samples,

.. math::

    J = \\ell(Y, T) + \\frac{\\alpha}{2b} \\sum_l \\lVert W_l \\rVert^2,

with :math:`\\ell` the mean log-loss (summed over the outputs), or half the mean squared error
:math:`\\frac{1}{2b}\\sum_i \\lVert y_i - t_i \\rVert^2` for regression; biases are not penalised.
The engine's losses are means over samples *and* outputs (and the squared error is not halved),
so the engine minimises :math:`s \\cdot J` with the scale :math:`s` = 1 for multi-class and
binary, :math:`1/K` for multi-label and :math:`2/n_{outputs}` for regression. The estimators
configure the engine so that it takes scikit-learn's steps on :math:`J`:

* ``alpha`` becomes the engine's L2 weight decay :math:`\\lambda = s\\,\\alpha / \\bar b` on the
  weight matrices (not the biases), :math:`\\bar b = N_{train} / n_{batches}` the mean batch
  size;
* ``solver="sgd"`` uses the learning rate :math:`\\mu / s`; ``"adam"``, ``"adamw"`` and
  ``"rmsprop"`` (invariant to the scale of the gradient) use ``epsilon`` :math:`\\cdot s`.

``loss_curve_`` reports :math:`J` (in scikit-learn's units) as scikit-learn does: the mean over
the epoch's mini-batches, each measured just before its update (the engine's
``epoch_loss="batches"``, which saves a pass over the training set). One full batch without
shuffling or early stopping records :math:`J` after each epoch instead (the engine gets it
for free), one epoch ahead of scikit-learn's values. (For several regression outputs
scikit-learn reports its squared error divided by :math:`n_{outputs}` too, although its
gradient is that of :math:`J`; we report :math:`J`.) With ``solver="adamw"``, ``alpha`` is
AdamW's *decoupled* weight decay (:math:`W \\leftarrow (1 - \\mu\\alpha) W` every update)
instead of the L2 term.

Differences from scikit-learn
-----------------------------
* Solvers: ``"adam"``, ``"sgd"`` (constant learning rate, momentum, Nesterov), ``"rmsprop"``,
  ``"adamw"``; no ``"lbfgs"``. No ``learning_rate`` schedules (``power_t``), ``max_fun``,
  ``sample_weight``, sparse input, or regressor ``loss`` (squared error only); both
  estimators take ``hidden_layer_sizes`` as their first positional argument.
* Mini-batches: ``max(1, N // batch_size)`` batches of nearly equal size (the engine's rule)
  instead of full batches and a smaller last one.
* Convergence is judged on ``loss_curve_`` with scikit-learn's rule, by the engine's
  :class:`~scratchnn.training.EarlyStopping`. With ``early_stopping`` the validation set is
  ``ceil(validation_fraction * N)`` samples drawn with the estimator's rng (not stratified),
  and the weights of the best validation score are restored; the initial weights are a
  candidate too (their validation score is measured), so when no epoch improves by ``tol``
  training stops one epoch earlier than scikit-learn's (as it does in full-batch training).
* ``random_state=None`` draws from a fresh ``numpy.random.default_rng()``, never from NumPy's
  global state. An int seeds a ``RandomState``, so the initial weights are those scikit-learn's
  MLP draws for the same seed.
* ``verbose`` shows a tqdm progress bar (when stderr is a terminal) instead of printing.
* ``score`` of the classifier raises a ``ValueError`` naming labels it was not fitted on.
* ``save(path)`` / ``load(path)`` write and read one ``.npz`` file without pickle
  (:mod:`scratchnn.checkpoint`).

Example
-------
>>> from sklearn.datasets import load_iris
>>> from scratchnn.estimators import MLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifier((16,), learning_rate_init=0.01, max_iter=300, random_state=0)
>>> clf.fit(X, y).score(X, y) > 0.95
True
"""

from __future__ import annotations

import math
import numbers
import os
import warnings
from itertools import pairwise
from pathlib import Path
from typing import Any, Callable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

try:
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - scikit-learn < 1.6

    def validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)


from .._validation import as_rng, check_choice, check_int, check_real
from ..checkpoint import load_checkpoint
from ..checkpoint import save as save_checkpoint
from ..layers import Identity, Layer, Linear, Logistic, ReLU, Softmax, Tanh
from ..losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy, Loss
from ..network import Sequential
from ..optimizers import Adam, AdamW, GradientDescent, Optimizer, RMSprop
from ..training import EarlyStopping, History, split_batches, train

__all__ = ["MLPClassifier", "MLPRegressor"]

#: Hidden-layer activations by scikit-learn's names.
ACTIVATIONS: dict[str, type[Layer]] = {
    "identity": Identity,
    "logistic": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
}
SOLVERS = ("adam", "sgd", "rmsprop", "adamw")
_DTYPES = (np.float64, np.float32)


def _uniform(bound: float) -> Callable:
    """Initialiser drawing :math:`U(-a, a)`, ``a = bound`` (weights and biases alike)."""

    def init(shape: tuple, rng: Any, dtype: Any = np.float64) -> np.ndarray:
        return np.asarray(rng.uniform(-bound, bound, shape), dtype=dtype)

    init.__name__ = f"uniform(bound={bound!r})"
    return init


def _as_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _reject_strings(value: Any, name: str, what: str) -> None:
    """TypeError for an array of strings, instead of NumPy's "could not convert" message."""
    if isinstance(value, (str, bytes)):
        kind = "S"
    else:
        try:
            kind = np.asarray(value).dtype.kind
        except Exception:  # ragged and the like: scikit-learn's validation explains
            return
    if kind in "US":
        raise TypeError(f"{name} must hold {what}, got strings")


def _class_index(classes: np.ndarray, y: np.ndarray, name: str) -> np.ndarray:
    """Index of every label of ``y`` in the sorted ``classes``; ValueError naming the labels
    that are not among them."""
    known = set(classes.tolist())
    unseen = [label for label in unique_labels(y).tolist() if label not in known]
    if unseen:
        raise ValueError(
            f"{name} contains labels not seen when fitting: {unseen}; "
            f"the classifier knows {classes.tolist()}"
        )
    return np.searchsorted(classes, y)


class _BaseMLP(BaseEstimator):
    """Shared implementation of :class:`MLPClassifier` and :class:`MLPRegressor`.

    Subclasses define the target handling: ``_validate_targets`` (check ``y`` and encode
    it as the network's targets) and ``_output`` (output layer, loss and loss scale).
    """

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate_init: float = 0.001,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool | int = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int | float = 10,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    # -- parameters -----------------------------------------------------------------------
    def _hidden_sizes(self) -> tuple[int, ...]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        try:
            if isinstance(sizes, (str, bytes)):
                raise TypeError
            sizes = tuple(sizes)
        except TypeError:
            raise TypeError(
                "hidden_layer_sizes must be an int or a sequence of ints, "
                f"got {self.hidden_layer_sizes!r}"
            ) from None
        return tuple(
            check_int(s, f"hidden_layer_sizes[{i}]", low=1)
            for i, s in enumerate(sizes)
        )

    def _check_params(self) -> None:
        """Validate every hyperparameter (in ``fit``, never in ``__init__``)."""
        self._hidden_sizes()
        check_choice(self.activation, "activation", tuple(ACTIVATIONS))
        check_choice(self.solver, "solver", SOLVERS)
        check_real(self.alpha, "alpha", "[0, inf)")
        if isinstance(self.batch_size, str):
            if self.batch_size != "auto":
                raise ValueError(
                    f"batch_size must be 'auto' or an int >= 1, got {self.batch_size!r}"
                )
        else:
            check_int(self.batch_size, "batch_size", low=1)
        check_real(self.learning_rate_init, "learning_rate_init", "(0, inf)")
        check_int(self.max_iter, "max_iter", low=1)
        for name in ("shuffle", "warm_start", "nesterovs_momentum", "early_stopping"):
            _as_bool(getattr(self, name), name)
        rs = self.random_state
        if not (
            rs is None
            or isinstance(rs, (np.random.RandomState, np.random.Generator))
            or (isinstance(rs, numbers.Integral) and not isinstance(rs, bool))
        ):
            raise TypeError(
                "random_state must be None, an int, a numpy RandomState or Generator, "
                f"got {rs!r}"
            )
        check_real(self.tol, "tol", "[0, inf)")
        verbose = self.verbose
        check_int(
            int(verbose) if isinstance(verbose, (bool, np.bool_)) else verbose, "verbose", low=0
        )
        check_real(self.momentum, "momentum", "[0, 1)")
        check_real(self.validation_fraction, "validation_fraction", "(0, 1)")
        check_real(self.beta_1, "beta_1", "[0, 1)")
        check_real(self.beta_2, "beta_2", "[0, 1)")
        check_real(self.epsilon, "epsilon", "(0, inf)")
        if not (isinstance(self.n_iter_no_change, float) and self.n_iter_no_change == math.inf):
            check_int(self.n_iter_no_change, "n_iter_no_change", low=1)

    def _make_rng(self) -> np.random.RandomState | np.random.Generator:
        return as_rng(self.random_state, legacy=True, name="random_state")

    # -- subclass hooks -------------------------------------------------------------------
    def _validate_targets(
        self, y: np.ndarray, dtype: np.dtype, *, first: bool, incremental: bool, classes: Any
    ) -> np.ndarray:
        """Check ``y`` (already validated by scikit-learn) and return the network's targets,
        shape (n_samples, n_outputs), in ``dtype``; on the ``first`` fit, learn the labels."""
        raise NotImplementedError  # pragma: no cover

    def _output(self) -> tuple[Layer, Loss, float]:
        """Output activation layer, engine loss and the loss scale :math:`s`."""
        raise NotImplementedError  # pragma: no cover

    # -- building blocks ------------------------------------------------------------------
    def _build_network(self, n_features: int, n_outputs: int, dtype: np.dtype) -> None:
        """``Linear`` layers with scikit-learn's initialisation, activations in between."""
        hidden = ACTIVATIONS[self.activation]
        # scikit-learn's Glorot bound: sqrt(6 / (fan_in + fan_out)), sqrt(2 / ...) for logistic.
        factor = 2.0 if self.activation == "logistic" else 6.0
        sizes = [n_features, *self._hidden_sizes(), n_outputs]
        output_layer, loss, scale = self._output()
        layers: list[Layer] = []
        for i, (fan_in, fan_out) in enumerate(pairwise(sizes)):
            init = _uniform(math.sqrt(factor / (fan_in + fan_out)))
            layers.append(
                Linear(fan_in, fan_out, weight_init=init, bias_init=init, rng=self._rng,
                       dtype=dtype)
            )
            layers.append(hidden() if i < len(sizes) - 2 else output_layer)
        self.network_ = Sequential(layers)
        self._loss = loss
        self._loss_scale = scale

    def _make_optimizer(self) -> Optimizer:
        """The engine optimiser for ``solver``, scaled to take scikit-learn's steps."""
        s = self._loss_scale
        lr = float(self.learning_rate_init)
        if self.solver == "sgd":
            momentum = float(self.momentum)
            return GradientDescent(
                lr / s, momentum=momentum, nesterov=bool(self.nesterovs_momentum) and momentum > 0
            )
        eps = float(self.epsilon) * s
        if self.solver == "rmsprop":
            return RMSprop(lr, epsilon=eps)
        if self.solver == "adamw":
            return AdamW(lr, self.beta_1, self.beta_2, eps, weight_decay=float(self.alpha))
        return Adam(lr, self.beta_1, self.beta_2, eps)

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices, ``coefs_[i]`` of shape (n_units[i], n_units[i+1]) — the network's
        own arrays (views, not copies), as in scikit-learn."""
        check_is_fitted(self, "network_")
        return [layer.params["W"] for layer in self.network_.layers if isinstance(layer, Linear)]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors, ``intercepts_[i]`` of shape (n_units[i+1],) — the network's arrays."""
        check_is_fitted(self, "network_")
        return [layer.params["b"] for layer in self.network_.layers if isinstance(layer, Linear)]

    def _objective(self, l2: float) -> Callable[[np.ndarray, np.ndarray], float]:
        """Metric ``J(y, t)``: the loss in scikit-learn's units plus ``l2 * sum ||W||^2``."""

        def objective(y: np.ndarray, t: np.ndarray) -> float:
            value = self._loss.value(y, t) / self._loss_scale
            if l2:
                value += l2 * sum(float(np.dot(W.ravel(), W.ravel())) for W in self.coefs_)
            return value

        return objective

    def _validation_score(self, y: np.ndarray, t: np.ndarray) -> float:  # pragma: no cover
        raise NotImplementedError

    def _forget_activations(self) -> None:
        """Drop the layers' forward caches, so that the fitted estimator does not keep the
        last batch's inputs and activations in memory."""
        self.network_.clear_cache()

    # -- fitting --------------------------------------------------------------------------
    def _fit(self, X: Any, y: Any, *, incremental: bool, classes: Any = None) -> "_BaseMLP":
        self._check_params()
        fitted = hasattr(self, "network_")
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        first = not fitted or (not incremental and not self.warm_start)
        _reject_strings(X, "X", "real numbers (features)")
        if not self._is_classifier:
            _reject_strings(y, "y", "real numbers (regression targets)")
        X, y = validate_data(
            self, X, y, dtype=_DTYPES, multi_output=True, y_numeric=not self._is_classifier,
            reset=first,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        T = self._validate_targets(
            y, X.dtype, first=first, incremental=incremental, classes=classes
        )
        if not incremental or not hasattr(self, "_rng"):
            self._rng = self._make_rng()
        if first:
            self.n_outputs_ = T.shape[1]
            self._build_network(X.shape[1], T.shape[1], X.dtype)
            self.n_layers_ = len(self._hidden_sizes()) + 2
            self.loss_curve_: list[float] = []
            self.validation_scores_: list[float] | None = [] if self.early_stopping else None
            self.best_validation_score_: float | None = None
            self.t_ = 0
            self.n_iter_ = 0
        if not incremental or getattr(self, "optimizer_", None) is None:
            self.optimizer_ = self._make_optimizer()

        early = bool(self.early_stopping)
        n = X.shape[0]
        n_train = n - math.ceil(self.validation_fraction * n) if early else n
        if n_train < 1:
            raise ValueError(
                f"validation_fraction={self.validation_fraction} of {n} samples leaves no "
                "training samples"
            )
        if self.batch_size == "auto":
            batch_size = min(200, n_train)
        else:
            batch_size = int(self.batch_size)
            if batch_size > n_train:
                warnings.warn(
                    f"batch_size={batch_size} is larger than the {n_train} training samples; "
                    "it is clipped to that",
                    UserWarning,
                    stacklevel=3,
                )
                batch_size = n_train
        n_batches = len(split_batches(n_train, batch_size))
        mean_batch = n_train / n_batches
        l2 = 0.0 if self.solver == "adamw" else float(self.alpha) / (2.0 * mean_batch)
        weight_decay = 0.0 if self.solver == "adamw" else (
            self._loss_scale * float(self.alpha) / mean_batch
        )

        metrics: dict[str, Callable] = {"objective": self._objective(l2)}
        callbacks = []
        stopper = None
        if not incremental:
            if self.n_iter_no_change == math.inf:
                patience = int(self.max_iter) + 1
            else:
                patience = int(self.n_iter_no_change) + 1
            stopper = EarlyStopping(
                monitor="validation_score" if early else "train_objective",
                mode="max" if early else "min",
                patience=patience,
                min_delta=float(self.tol),
                restore_best=early,
            )
            callbacks.append(stopper)
            if early:
                metrics["score"] = self._validation_score

        verbose = int(self.verbose)
        history = train(
            self.network_,
            self._loss,
            self.optimizer_,
            X,
            T,
            epochs=1 if incremental else int(self.max_iter),
            batch_size=batch_size,
            shuffle=bool(self.shuffle),
            rng=self._rng,
            validation_fraction=float(self.validation_fraction) if early else None,
            callbacks=callbacks,
            metrics=metrics,
            weight_decay=weight_decay,
            verbose=verbose,
            epoch_loss="batches",
        )
        self._forget_activations()
        self.history_: History = history
        self.loss_curve_.extend(history.train_metrics["objective"][1:])
        if self.loss_curve_:
            self.loss_ = self.loss_curve_[-1]
            self.best_loss_ = None if early else min(self.loss_curve_)
        if early:
            if self.validation_scores_ is None:  # a warm start that turned early stopping on
                self.validation_scores_ = []
            self.validation_scores_.extend(history.validation_metrics["score"][1:])
            self.best_validation_score_ = float(stopper.best_value)
        self.n_iter_ = self.n_iter_ + history.epochs if incremental else history.epochs
        self.t_ += n_train * history.epochs
        if history.interrupted:
            warnings.warn(
                "Training interrupted by the user (Ctrl-C) after "
                f"{history.epochs} epoch(s); the model keeps its last complete update",
                UserWarning,
                stacklevel=3,
            )
        elif stopper is not None and stopper.stopped_epoch is None:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def fit(self, X: Any, y: Any) -> "_BaseMLP":
        """Train the network on ``(X, y)`` for at most ``max_iter`` epochs.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Finite real numbers. float32 input trains a float32 network (and gives float32
            predictions); every other numeric dtype becomes float64.
        y : array_like, shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifier; an indicator matrix for multi-label) or targets
            (regressor).

        Returns
        -------
        self

        Warns
        -----
        ConvergenceWarning
            When ``max_iter`` epochs ran without meeting the stopping criterion.

        Raises
        ------
        ValueError, TypeError
            For bad hyperparameters or input, named in the message.
        scratchnn.TrainingDivergedError
            When the loss becomes NaN or infinite (lower ``learning_rate_init``).
        """
        return self._fit(X, y, incremental=False)

    def _forward(self, X: Any) -> np.ndarray:
        """Validated network output, shape (n_samples, n_outputs_)."""
        check_is_fitted(self, "network_")
        _reject_strings(X, "X", "real numbers (features)")
        X = validate_data(self, X, dtype=_DTYPES, reset=False)
        y = self.network_.predict(X)
        self._forget_activations()
        return y

    # -- save / load ----------------------------------------------------------------------
    def _json_params(self) -> dict[str, Any]:
        params = self.get_params(deep=False)
        params["hidden_layer_sizes"] = list(self._hidden_sizes())
        rs = params["random_state"]
        params["random_state"] = int(rs) if isinstance(rs, numbers.Integral) else None
        if params["n_iter_no_change"] == math.inf:
            params["n_iter_no_change"] = "inf"
        return params

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Fitted attributes as JSON metadata and arrays (subclasses add theirs)."""
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
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        for name in ("n_features_in_", "n_outputs_", "n_layers_", "n_iter_", "t_", "loss_",
                     "best_loss_", "best_validation_score_"):
            setattr(self, name, state[name])
        self.loss_curve_ = list(state["loss_curve_"])
        scores = state["validation_scores_"]
        self.validation_scores_ = None if scores is None else list(scores)
        self._loss_scale = float(state["loss_scale"])
        if "feature_names_in_" in arrays:
            self.feature_names_in_ = arrays["feature_names_in_"].astype(object)

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
        metadata = {"estimator": type(self).__name__, "params": self._json_params(),
                    "state": state}
        return save_checkpoint(
            self.network_, path, loss=self._loss, optimizer=self.optimizer_,
            metadata=metadata, arrays=arrays,
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> "_BaseMLP":
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


_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int, default (100,)
        Units of each hidden layer; ``()`` for none (a linear model).
    activation : {"relu", "logistic", "tanh", "identity"}, default "relu"
        Hidden-layer activation (the engine's ``ReLU``, ``Logistic``, ``Tanh``, ``Identity``).
    solver : {"adam", "sgd", "rmsprop", "adamw"}, default "adam"
        Engine optimiser: ``Adam``, ``GradientDescent`` (with ``momentum``), ``RMSprop``
        (decay 0.9), ``AdamW``.
    alpha : float, default 1e-4
        L2 penalty :math:`\\frac{\\alpha}{2b}\\lVert W\\rVert^2` on the weights (see the module
        notes); AdamW's decoupled weight decay with ``solver="adamw"``.
    batch_size : int or "auto", default "auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``.
    learning_rate_init : float, default 1e-3
        Learning rate (constant).
    max_iter : int, default 200
        Maximum number of epochs.
    shuffle : bool, default True
        Shuffle the samples before every epoch.
    random_state : None, int, RandomState or Generator
        Source of the initial weights, the shuffling and the validation split. None: fresh
        entropy; an int: reproducible (``RandomState(seed)``, scikit-learn's initial weights).
    tol : float, default 1e-4
        An epoch improves when ``loss_curve_`` drops (or, with ``early_stopping``, the
        validation score rises) by more than ``tol``.
    verbose : bool or int, default False
        Show a tqdm progress bar when stderr is a terminal.
    warm_start : bool, default False
        ``fit`` continues from the current weights (with a new optimiser) instead of
        starting afresh.
    momentum : float, default 0.9
        Momentum of ``solver="sgd"``, in [0, 1).
    nesterovs_momentum : bool, default True
        Nesterov momentum for ``solver="sgd"``.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the samples, stop when the validation score has
        not improved by ``tol`` for ``n_iter_no_change`` epochs and restore the best weights.
    validation_fraction : float, default 0.1
        In (0, 1); used with ``early_stopping``.
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's (and AdamW's) moment decays and stabiliser; ``epsilon`` also RMSprop's.
    n_iter_no_change : int or inf, default 10
        Stop after ``n_iter_no_change + 1`` epochs without improvement (scikit-learn's rule).
"""

_ATTRIBUTES = """
    network_ : scratchnn.Sequential
        The trained network (``Linear`` layers and activations).
    optimizer_ : scratchnn.optimizers.Optimizer
        The engine optimiser with its state (continued by ``partial_fit``).
    history_ : scratchnn.History
        What :func:`scratchnn.train` recorded during the last ``fit``/``partial_fit``.
    coefs_, intercepts_ : list of ndarray
        The network's weight matrices and biases, layer by layer (the arrays themselves).
    loss_ : float
        ``loss_curve_[-1]``.
    loss_curve_ : list of float
        The objective :math:`J` (scikit-learn's units, L2 term included) of every epoch: the
        mean of its mini-batches' values (see the module notes).
    best_loss_ : float or None
        Smallest ``loss_curve_`` value (None with ``early_stopping``).
    validation_scores_ : list of float or None
        With ``early_stopping``: the score on the validation samples after every epoch.
    best_validation_score_ : float or None
        Best validation score; its weights were restored.
    n_iter_ : int
        Epochs run by the last ``fit`` (``partial_fit`` adds one).
    t_ : int
        Training samples seen by the optimiser.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` had column names.
    n_outputs_ : int
        Network outputs.
    n_layers_ : int
        Layers counted as scikit-learn does (input, hidden, output).
"""


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier on the scratchnn engine.

    Multi-class problems end in ``Softmax`` trained with ``CategoricalCrossEntropy``; binary
    ones in one ``Logistic`` unit with ``BinaryCrossEntropy``, as scikit-learn's MLP; a
    multi-label indicator matrix ``y`` in one ``Logistic`` unit per label. See the module
    docs for how the hyperparameters map to the engine.

    Parameters
    ----------{_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
        The class labels (``arange(n_labels)`` for multi-label ``y``).{_ATTRIBUTES}
    out_activation_ : {{"softmax", "logistic"}}

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from scratchnn.estimators import MLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> model = make_pipeline(StandardScaler(), MLPClassifier((64,), batch_size=32,
    ...                       max_iter=30, early_stopping=True, random_state=0))
    >>> model.fit(X_train, y_train).score(X_test, y_test) > 0.95
    True
    """

    _is_classifier = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"multilabel": True}

    def _validate_targets(
        self, y: np.ndarray, dtype: np.dtype, *, first: bool, incremental: bool, classes: Any
    ) -> np.ndarray:
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y")
        multilabel = y_type.startswith("multilabel")
        if first:
            if multilabel:
                labels = np.arange(y.shape[1])
            else:
                labels = unique_labels(y if classes is None else classes)
                if len(labels) < 2:
                    raise ValueError(
                        f"y must hold at least 2 classes, got 1 class: {labels.tolist()}; a "
                        "classifier cannot learn from one class"
                    )
            kind = "multilabel-indicator" if multilabel else (
                "binary" if len(labels) == 2 else "multiclass"
            )
        else:
            labels, kind = self.classes_, self._y_type
            if multilabel != (kind == "multilabel-indicator"):
                raise ValueError(f"y is {y_type}, but the classifier was fitted on {kind} targets")
            if not multilabel and not incremental:  # a warm start
                seen = unique_labels(y)
                if set(seen.tolist()) != set(labels.tolist()):
                    raise ValueError(
                        "warm_start can only be used where y has the same classes as in the "
                        f"previous call to fit. Previously got {labels.tolist()}, y has "
                        f"{seen.tolist()}"
                    )
        if multilabel:
            if y.shape[1] != len(labels):
                raise ValueError(
                    f"y must have {len(labels)} label columns (as when fitted), got "
                    f"shape {y.shape}"
                )
            T = np.asarray(y, dtype=dtype)
        else:
            index = _class_index(labels, y, "y")
            if kind == "binary":
                T = (index == 1).astype(dtype)[:, None]
            else:
                T = np.zeros((y.shape[0], len(labels)), dtype=dtype)
                T[np.arange(y.shape[0]), index] = 1.0
        self.classes_, self._y_type = labels, kind  # only once y is known to be valid
        return T

    def _output(self) -> tuple[Layer, Loss, float]:
        if self._y_type == "multiclass":
            self.out_activation_ = "softmax"
            return Softmax(), CategoricalCrossEntropy(), 1.0
        self.out_activation_ = "logistic"
        # The engine's binary cross-entropy is a mean over samples and labels.
        return Logistic(), BinaryCrossEntropy(), 1.0 / self.n_outputs_

    def _validation_score(self, y: np.ndarray, t: np.ndarray) -> float:
        """Accuracy of network outputs ``y`` against encoded targets ``t`` (subset accuracy
        for multi-label), as ``score`` computes it."""
        if self._y_type == "multiclass":
            return float(np.mean(np.argmax(y, axis=1) == np.argmax(t, axis=1)))
        return float(np.mean(np.all((y > 0.5) == (t > 0.5), axis=1)))

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> "MLPClassifier":
        """One epoch over ``(X, y)``, continuing the network and the optimiser state.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) or (n_samples, n_labels)
        classes : array_like, shape (n_classes,)
            Every class of all calls; required on the first call, ignored (but checked)
            afterwards.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Without ``classes`` on the first call, with ``classes`` different from the
            first call's, or when ``y`` has labels outside ``classes_`` (named).
        """
        if not hasattr(self, "classes_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} is not the same as on the first call "
                f"to partial_fit ({self.classes_.tolist()})"
            )
        return self._fit(X, y, incremental=True, classes=classes)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes)
            Rows sum to 1 (multi-label: every column is the probability of its label),
            columns in the order of ``classes_``, in the network's dtype.
        """
        p = self._forward(X)
        if self._y_type == "binary":
            return np.hstack([1.0 - p, p])
        return p

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log(predict_proba(X))`` (``-inf`` where a probability is exactly 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,)
            Labels from ``classes_`` (multi-label: a 0/1 matrix, shape (n_samples, n_labels)).
        """
        p = self._forward(X)
        if self._y_type == "multiclass":
            return self.classes_[np.argmax(p, axis=1)]
        if self._y_type == "binary":
            return self.classes_[(p[:, 0] > 0.5).astype(np.intp)]
        return (p > 0.5).astype(int)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Mean accuracy (subset accuracy for multi-label) on ``(X, y)``.

        Raises
        ------
        ValueError
            When ``y`` holds labels the classifier was not fitted on (named).
        """
        check_is_fitted(self, "network_")
        if self._y_type != "multilabel-indicator":
            y_arr = column_or_1d(np.asarray(y), warn=False) if np.ndim(y) == 2 else np.asarray(y)
            if y_arr.ndim == 1:
                _class_index(self.classes_, y_arr, "y")
        return super().score(X, y, sample_weight=sample_weight)

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state, arrays = super()._state()
        classes = self.classes_
        if classes.dtype == object:
            if not all(isinstance(c, str) for c in classes):
                raise ValueError(
                    "save: classes_ must be numbers, booleans or strings to be saved without "
                    f"pickle, got {classes.tolist()!r}"
                )
            classes = classes.astype(str)
        arrays["classes_"] = classes
        state["y_type"] = self._y_type
        state["out_activation_"] = self.out_activation_
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        super()._set_state(state, arrays)
        self.classes_ = arrays["classes_"]
        self._y_type = state["y_type"]
        self.out_activation_ = state["out_activation_"]


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor on the scratchnn engine.

    The network ends in an ``Identity`` output trained with the engine's ``MSE``, scaled to
    scikit-learn's half squared error (see the module docs). Several outputs (a 2-D ``y``)
    are supported.

    Parameters
    ----------{_PARAMETERS}
    Attributes
    ----------{_ATTRIBUTES}
    out_activation_ : "identity"

    Examples
    --------
    >>> import numpy as np
    >>> from scratchnn.estimators import MLPRegressor
    >>> X = np.linspace(-1, 1, 200)[:, None]
    >>> model = MLPRegressor((32,), activation="tanh", learning_rate_init=0.01,
    ...                      max_iter=500, random_state=0).fit(X, X[:, 0] ** 2)
    >>> model.score(X, X[:, 0] ** 2) > 0.95
    True
    """

    _is_classifier = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"multioutput": True}

    def _validate_targets(
        self, y: np.ndarray, dtype: np.dtype, *, first: bool, incremental: bool, classes: Any
    ) -> np.ndarray:
        T = np.asarray(y, dtype=dtype)
        if T.ndim == 1:
            T = T[:, None]
        if not first and T.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y must have {self.n_outputs_} output(s) (as when fitted), got shape {y.shape}"
            )
        return T

    def _output(self) -> tuple[Layer, Loss, float]:
        self.out_activation_ = "identity"
        # MSE: mean over samples and outputs, not halved -> 2 / n_outputs times J's gradient.
        return Identity(), MSE(), 2.0 / self.n_outputs_

    def _validation_score(self, y: np.ndarray, t: np.ndarray) -> float:
        """:math:`R^2 = 1 - \\sum (t - y)^2 / \\sum (t - \\bar t)^2` of outputs ``y`` against
        targets ``t``, averaged over the outputs, as ``score`` (scikit-learn's ``r2_score``)
        computes it; an output with constant targets scores 1 if predicted exactly, else 0."""
        residual = np.sum(np.square(t - y), axis=0)
        total = np.sum(np.square(t - t.mean(axis=0)), axis=0)
        constant = total == 0
        scores = np.where(constant, (residual == 0).astype(float), 0.0)
        scores[~constant] = 1.0 - residual[~constant] / total[~constant]
        return float(np.mean(scores))

    def partial_fit(self, X: Any, y: Any) -> "MLPRegressor":
        """One epoch over ``(X, y)``, continuing the network and the optimiser state.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=True)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,) or (n_samples, n_outputs)
            1-D for a single output, in the network's dtype.
        """
        y = self._forward(X)
        return y[:, 0] if y.shape[1] == 1 else y

    def _state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        state, arrays = super()._state()
        state["out_activation_"] = self.out_activation_
        return state, arrays

    def _set_state(self, state: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        super()._set_state(state, arrays)
        self.out_activation_ = state["out_activation_"]
