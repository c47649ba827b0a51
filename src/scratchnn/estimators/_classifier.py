"""scikit-learn's ``MLPClassifier`` on the scratchnn engine."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels

if TYPE_CHECKING:
    from sklearn.utils import Tags

from ._base import _BaseMLP
from ._lbfgs import check_stochastic
from ._parameters import ATTRIBUTES_DOC, PARAMETERS_DOC

__all__ = ["MLPClassifier"]


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


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = f"""Multi-layer perceptron classifier on the scratchnn engine.

    Multi-class problems end in ``Softmax`` trained with ``CategoricalCrossEntropy``; binary
    ones in one ``Logistic`` unit with ``BinaryCrossEntropy``, as scikit-learn's MLP; a
    multi-label indicator matrix ``y`` in one ``Logistic`` unit per label. See the module
    docs for how the hyperparameters map to the engine.

    Parameters
    ----------{PARAMETERS_DOC}
    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
        The class labels (``arange(n_labels)`` for multi-label ``y``).{ATTRIBUTES_DOC}
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

    def __sklearn_tags__(self) -> Tags:
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
            kind = (
                "multilabel-indicator"
                if multilabel
                else ("binary" if len(labels) == 2 else "multiclass")
            )
        else:
            labels, kind = self.classes_, self._y_type
            if multilabel != (kind == "multilabel-indicator"):
                raise ValueError(f"y is {y_type}, but the classifier was fitted on {kind} targets")
            if not multilabel and not incremental:  # a warm start
                seen = unique_labels(y)
                if set(seen.tolist()) != set(labels.tolist()):
                    raise ValueError(  # scikit-learn's words, which users may match
                        "warm_start can only be used where `y` has the same classes as in the "
                        f"previous call to fit. Previously got {labels}, `y` has {seen}"
                    )
        if multilabel:
            if y.shape[1] != len(labels):
                raise ValueError(
                    f"y must have {len(labels)} label columns (as when fitted), got shape {y.shape}"
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

    def _problem_kind(self) -> str:
        return self._y_type

    def _validation_score(self, y: np.ndarray, t: np.ndarray, w: np.ndarray | None) -> float:
        """Accuracy of network outputs ``y`` against encoded targets ``t`` (subset accuracy
        for multi-label) weighted by ``w``, as ``score`` (scikit-learn's ``accuracy_score``)
        computes it; NaN for non-finite outputs, as scikit-learn's."""
        if not np.isfinite(y).all():
            return math.nan
        if self._y_type == "multiclass":
            return float(accuracy_score(t.argmax(axis=1), y.argmax(axis=1), sample_weight=w))
        return float(accuracy_score(t > 0.5, y > 0.5, sample_weight=w))

    @available_if(check_stochastic)
    def partial_fit(
        self, X: Any, y: Any, sample_weight: Any = None, classes: Any = None
    ) -> "MLPClassifier":
        """One epoch over ``(X, y)``, continuing the network and the optimiser state.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array_like, shape (n_samples,), optional
            As in :meth:`~scratchnn.estimators.MLPClassifier.fit`.
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
        return self._fit(X, y, incremental=True, classes=classes, sample_weight=sample_weight)

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
