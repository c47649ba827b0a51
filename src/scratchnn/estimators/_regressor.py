"""scikit-learn's ``MLPRegressor`` on the scratchnn engine."""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from ._base import _BaseMLP
from ._lbfgs import check_stochastic
from ._parameters import ATTRIBUTES_DOC, PARAMETERS_DOC

__all__ = ["MLPRegressor"]


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor on the scratchnn engine.

    With ``loss="squared_error"`` the network ends in an ``Identity`` output trained with
    the engine's ``MSE(half=True, outputs="sum")``, scikit-learn's half squared error;
    with ``loss="poisson"`` in an ``Exp`` output trained with the engine's
    ``HalfPoissonDeviance(outputs="sum")`` (scikit-learn's half Poisson deviance, computed
    from the log-mean: exact). Several outputs (a 2-D ``y``) are supported; as
    scikit-learn's, the tags do not declare them (``target_tags.multi_output`` is False).

    Parameters
    ----------{PARAMETERS_DOC}
    loss : {{"squared_error", "poisson"}}, default "squared_error"
        Keyword-only here: scikit-learn takes it as its first positional argument, which
        would make ``MLPRegressor((32,))`` set the loss; ours keeps ``hidden_layer_sizes``
        first. ``"poisson"`` needs non-negative targets (refused with a clear error;
        scikit-learn gives NaN losses).

    Attributes
    ----------{ATTRIBUTES_DOC}
    out_activation_ : "identity" or "exp"

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

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        loss: str = "squared_error",
        **params: Any,
    ) -> None:
        super().__init__(hidden_layer_sizes, activation, **params)
        self.loss = loss

    # scikit-learn reads the parameters from the signature: the base's, with ``loss``.
    # (a function's ``__signature__`` is read by inspect, which mypy's function type lacks)
    __init__.__signature__ = inspect.signature(_BaseMLP.__init__).replace(  # type: ignore[attr-defined]
        parameters=[
            *inspect.signature(_BaseMLP.__init__).parameters.values(),
            inspect.Parameter("loss", inspect.Parameter.KEYWORD_ONLY, default="squared_error"),
        ]
    )

    def _validate_targets(
        self, y: np.ndarray, dtype: np.dtype, *, first: bool, incremental: bool, classes: Any
    ) -> np.ndarray:
        T = np.asarray(y, dtype=dtype)
        if T.ndim == 1:
            T = T[:, None]
        if self.loss == "poisson" and np.any(T < 0):
            raise ValueError(
                "y must be non-negative for loss='poisson' (counts or rates), got the minimum "
                f"{float(T.min())!r}"
            )
        if not first and T.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y must have {self.n_outputs_} output(s) (as when fitted), got shape {y.shape}"
            )
        return T

    def _problem_kind(self) -> str:
        return "regression"

    def _validation_score(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None) -> float:
        """:math:`R^2` of outputs ``y`` against targets ``t`` weighted by ``w``, averaged
        over the outputs, as ``score`` (scikit-learn's ``r2_score``) computes it; NaN for
        non-finite outputs, as scikit-learn's."""
        if not np.isfinite(y).all():
            return math.nan
        return float(r2_score(t, y, sample_weight=w))

    @available_if(check_stochastic)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> "MLPRegressor":
        """One epoch over ``(X, y)``, continuing the network and the optimiser state.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array_like, shape (n_samples,), optional
            As in :meth:`~scratchnn.estimators.MLPRegressor.fit`.

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=True, sample_weight=sample_weight)

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
