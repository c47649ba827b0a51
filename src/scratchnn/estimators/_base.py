"""The estimator shared by :class:`MLPClassifier` and :class:`MLPRegressor`.

``fit`` reads top to bottom in two files: :meth:`_BaseMLP._fit` here checks the
hyperparameters (:mod:`._parameters`), validates the data, builds the network on the first
fit (or checks that a warm start can continue it), then runs the solver:
:func:`._stochastic.fit_stochastic` (scikit-learn's epochs) or :func:`._lbfgs.fit_lbfgs`.

What the engine is given (the output layer, the loss with scikit-learn's convention, the
optimiser) is in :mod:`._parameters`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d

if TYPE_CHECKING:
    from sklearn.utils import Tags

try:
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - scikit-learn < 1.6

    def validate_data(estimator: Any, *args: Any, **kwargs: Any) -> Any:
        return estimator._validate_data(*args, **kwargs)


from .._validation import as_rng
from ..layers import Layer, Linear
from ..network import Sequential
from ._lbfgs import check_stochastic, fit_lbfgs
from ._parameters import HIDDEN, check_params, make_optimizer, output_for
from ._persistence import PersistenceMixin
from ._stochastic import fit_stochastic

_DTYPES = (np.float64, np.float32)
#: Sparse formats taken as they are (scikit-learn's MLP's); others are converted to CSR.
_SPARSE = ["csr", "csc"]


def _uniform(bound: float) -> Callable:
    """Initialiser drawing :math:`U(-a, a)`, ``a = bound`` (weights and biases alike)."""

    def init(shape: tuple, rng: Any, dtype: Any = np.float64) -> np.ndarray:
        return np.asarray(rng.uniform(-bound, bound, shape), dtype=dtype)

    init.__name__ = f"uniform(bound={bound!r})"
    return init


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


class _BaseMLP(PersistenceMixin, BaseEstimator):
    """Shared implementation of :class:`MLPClassifier` and :class:`MLPRegressor`.

    Subclasses define the target handling: ``_validate_targets`` (check ``y`` and encode
    it as the network's targets), ``_problem_kind`` and ``_validation_score`` (the score
    early stopping monitors).
    """

    _is_classifier: bool

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
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
        max_fun: int = 15000,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
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
        self.max_fun = max_fun

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSR/CSC: the first layer multiplies sparse × dense
        return tags

    def _make_rng(self) -> np.random.RandomState | np.random.Generator:
        """The one source of randomness of a fit (initial weights, then the validation
        split, then the shuffling), made anew by every ``fit`` and ``partial_fit`` call as
        scikit-learn's ``check_random_state(random_state)``."""
        return as_rng(self.random_state, legacy=True, name="random_state")

    # -- subclass hooks -------------------------------------------------------------------
    def _validate_targets(
        self, y: np.ndarray, dtype: np.dtype, *, first: bool, incremental: bool, classes: Any
    ) -> np.ndarray:
        """Check ``y`` (already validated by scikit-learn) and return the network's targets,
        shape (n_samples, n_outputs), in ``dtype``; on the ``first`` fit, learn the labels."""
        raise NotImplementedError  # pragma: no cover

    def _problem_kind(self) -> str:
        """``"multiclass"``, ``"binary"``, ``"multilabel-indicator"`` or ``"regression"``."""
        raise NotImplementedError  # pragma: no cover

    def _validation_score(
        self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None
    ) -> float:  # pragma: no cover
        """Score of network outputs ``y`` against targets ``t`` with sample weights ``w``
        (or None), as ``score`` computes it (NaN for non-finite outputs, as scikit-learn's)."""
        raise NotImplementedError

    # -- building blocks ------------------------------------------------------------------
    def _build_network(
        self, n_features: int, n_outputs: int, dtype: np.dtype, hidden: tuple[int, ...]
    ) -> Sequential:
        """``Linear`` layers with scikit-learn's initialisation, activations in between."""
        factor = 2.0 if self.activation == "logistic" else 6.0
        sizes = [n_features, *hidden, n_outputs]
        layers: list[Layer] = []
        for i, (fan_in, fan_out) in enumerate(pairwise(sizes)):
            init = _uniform(math.sqrt(factor / (fan_in + fan_out)))
            layers.append(
                Linear(
                    fan_in, fan_out, weight_init=init, bias_init=init, rng=self._rng, dtype=dtype
                )
            )
            last = i == len(sizes) - 2
            layers.append(self._output_layer() if last else HIDDEN[self.activation]())
        return Sequential(layers)

    def _output_layer(self) -> Layer:
        return output_for(self._problem_kind(), getattr(self, "loss", "squared_error"))[0]()

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

    # -- fitting --------------------------------------------------------------------------
    def _fit(
        self, X: Any, y: Any, *, incremental: bool, classes: Any = None, sample_weight: Any = None
    ) -> _BaseMLP:
        """``fit`` (``incremental=False``) or one ``partial_fit`` epoch."""
        params = check_params(self.get_params(deep=False))
        lbfgs = params["solver"] == "lbfgs"
        if incremental and lbfgs:
            check_stochastic(self)  # raises scikit-learn's AttributeError
        if incremental and params["early_stopping"]:
            raise ValueError("partial_fit does not support early_stopping=True")
        first = not hasattr(self, "network_") or (not incremental and not params["warm_start"])
        if not first:
            self._check_continuable(params)
        X, T = self._validate_data_and_targets(
            X, y, first=first, incremental=incremental, classes=classes
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        self._rng = self._make_rng()
        if first:
            self._initialise(X.shape[1], T.shape[1], X.dtype, params)
        else:
            self._continue(params)
        if lbfgs:
            # scikit-learn's L-BFGS runs on SciPy's float64 vector, whatever X's dtype
            self.network_.astype(np.float64)
            fit_lbfgs(self, X, T, sample_weight, params)
            return self
        if self.network_.dtype != X.dtype:
            self.network_.astype(X.dtype)
        if not incremental or getattr(self, "optimizer_", None) is None:
            self.optimizer_ = make_optimizer(params)
        fit_stochastic(self, X, T, sample_weight, params, incremental)
        return self

    def _check_continuable(self, params: dict[str, Any]) -> None:
        """A warm start or ``partial_fit`` continues the fitted network: refuse parameters
        it cannot honour (other hidden layers, another regression loss), with a clear error."""
        sizes = tuple(cast(Linear, layer).n_out for layer in self.network_.layers[0:-2:2])
        if params["hidden_layer_sizes"] != sizes:
            raise ValueError(
                f"hidden_layer_sizes={params['hidden_layer_sizes']} cannot continue the fitted "
                f"network, whose hidden layers are {sizes}: fit with warm_start=False to "
                "train a new network"
            )
        if self._output_layer().__class__ is not type(self.network_.layers[-1]):
            raise ValueError(
                f"loss={self.loss!r} cannot continue the network fitted with output "
                f"{self.out_activation_!r}: fit with warm_start=False to train a new network"
            )

    def _continue(self, params: dict[str, Any]) -> None:
        """Apply what a warm start can change: the hidden activation (the weights stay, as in
        scikit-learn, which reads ``activation`` at every forward pass)."""
        layers = self.network_.layers
        hidden = HIDDEN[params["activation"]]
        for i in range(1, len(layers) - 1, 2):
            if type(layers[i]) is not hidden:
                layers[i] = hidden()
        # the end-of-epoch state (not saved by ``save``: rebuilt as after a restore)
        if not hasattr(self, "_best_params"):
            self._no_improvement_count = 0
            self._best_params = [p.copy() for p in self.network_.parameters()]
        early = params["early_stopping"] and params["solver"] != "lbfgs"
        if early and self.validation_scores_ is None:  # turned on
            self.validation_scores_, self.best_validation_score_ = [], -math.inf
        if not early and self.best_loss_ is None:  # turned off
            self.best_loss_ = math.inf

    def _validate_data_and_targets(
        self, X: Any, y: Any, *, first: bool, incremental: bool, classes: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """``X`` as float32/float64, shape (n_samples, n_features), and the network's targets
        ``T``, shape (n_samples, n_outputs), in ``X``'s dtype."""
        _reject_strings(X, "X", "real numbers (features)")
        if not self._is_classifier:
            _reject_strings(y, "y", "real numbers (regression targets)")
        X, y = validate_data(
            self,
            X,
            y,
            dtype=_DTYPES,
            accept_sparse=_SPARSE,
            multi_output=True,
            y_numeric=not self._is_classifier,
            reset=first,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        T = self._validate_targets(
            y, X.dtype, first=first, incremental=incremental, classes=classes
        )
        return X, T

    def _initialise(
        self, n_features: int, n_outputs: int, dtype: np.dtype, params: dict[str, Any]
    ) -> None:
        """A fresh network, loss and bookkeeping (the first fit, or one without warm start),
        as scikit-learn's ``_initialize``."""
        self.n_outputs_ = n_outputs
        _, self.out_activation_, self._loss = output_for(
            self._problem_kind(), params.get("loss", "squared_error")
        )
        hidden = params["hidden_layer_sizes"]
        self.network_ = self._build_network(n_features, n_outputs, dtype, hidden)
        self.n_layers_ = len(hidden) + 2
        self.optimizer_ = None
        self.t_ = self.n_iter_ = 0
        self.loss_curve_ = []
        early = params["early_stopping"] and params["solver"] != "lbfgs"
        self.validation_scores_ = [] if early else None
        self.best_loss_ = None if early else math.inf
        self.best_validation_score_ = -math.inf if early else None
        self._no_improvement_count = 0
        self._best_params = [p.copy() for p in self.network_.parameters()]

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> "_BaseMLP":
        """Train the network on ``(X, y)`` for at most ``max_iter`` epochs.

        Parameters
        ----------
        X : array_like or sparse matrix, shape (n_samples, n_features)
            Finite real numbers. float32 input trains a float32 network (and gives float32
            predictions); every other numeric dtype becomes float64. A SciPy sparse matrix
            (CSR or CSC; other formats are converted to CSR) is never densified.
        y : array_like, shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifier; an indicator matrix for multi-label) or targets
            (regressor).
        sample_weight : array_like, shape (n_samples,), optional
            Non-negative, not all zero: every batch loss is the weighted mean
            :math:`\\sum_i w_i \\ell_i / \\sum_i w_i`, its L2 term divided by :math:`\\sum_i w_i`.

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
            When the loss becomes NaN or infinite. scikit-learn's MLP carries on and ends
            with non-finite weights (or a ``ValueError`` about them); we stop at the first
            non-finite loss, keeping the last finite weights, with advice: scale inputs too
            large for the dtype (no learning rate helps), else lower ``learning_rate_init``.
        """
        return self._fit(X, y, incremental=False, sample_weight=sample_weight)

    def _forward(self, X: Any) -> np.ndarray:
        """Validated network output, shape (n_samples, n_outputs_), in the wider of ``X``'s
        and the network's dtypes (float64 ``X`` on a float32 network gives float64, as
        scikit-learn's products do)."""
        check_is_fitted(self, "network_")
        _reject_strings(X, "X", "real numbers (features)")
        X = validate_data(self, X, dtype=_DTYPES, accept_sparse=_SPARSE, reset=False)
        network = self.network_
        if np.result_type(X.dtype, network.dtype) != network.dtype:
            network = copy.deepcopy(network).astype(X.dtype)
        y = network.predict(X)
        network.clear_cache()
        return y
