"""scikit-learn's ``MLPRegressor`` on the scratchnn engine."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._base import _BaseMLP
from ._docstrings import _ATTRIBUTES, _PARAMETERS
from ._lbfgs import check_stochastic

__all__ = ["MLPRegressor"]


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron regressor on the scratchnn engine.

    With ``loss="squared_error"`` the network ends in an ``Identity`` output trained with
    the engine's ``MSE``, scaled to scikit-learn's half squared error (see the module docs);
    with ``loss="poisson"`` in an ``Exp`` output trained with the engine's
    ``HalfPoissonDeviance`` (scikit-learn's half Poisson deviance, computed from the
    log-mean: exact). Several outputs (a 2-D ``y``) are supported.

    Parameters
    ----------{_PARAMETERS}
    loss : {{"squared_error", "poisson"}}, default "squared_error"
        Keyword-only here: scikit-learn takes it as its first positional argument, which
        would make ``MLPRegressor((32,))`` set the loss; ours keeps ``hidden_layer_sizes``
        first. ``"poisson"`` needs non-negative targets (refused with a clear error;
        scikit-learn gives NaN losses).

    Attributes
    ----------{_ATTRIBUTES}
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
    __init__.__signature__ = inspect.signature(_BaseMLP.__init__).replace(  # type: ignore
        parameters=[
            *inspect.signature(_BaseMLP.__init__).parameters.values(),
            inspect.Parameter("loss", inspect.Parameter.KEYWORD_ONLY, default="squared_error"),
        ]
    )

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

    @available_if(check_stochastic)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> "MLPRegressor":
        """One epoch over ``(X, y)``, continuing the network and the optimiser state.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array_like, shape (n_samples,), optional
            As in :meth:`fit`.

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
