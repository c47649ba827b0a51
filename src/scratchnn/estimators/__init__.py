"""scikit-learn estimators on the engine: :class:`MLPClassifier` and :class:`MLPRegressor`.

They follow scikit-learn's conventions and parameter names (those of
``sklearn.neural_network.MLPClassifier`` / ``MLPRegressor`` for the stochastic solvers), so
they work in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` and pass
``sklearn.utils.estimator_checks.check_estimator``. Inside, an estimator is configuration of
the engine: ``fit`` builds a :class:`~scratchnn.network.Sequential` of
:class:`~scratchnn.layers.Linear` layers and activations, and trains it with the engine's
:class:`~scratchnn.executor.TrainingStep` in scikit-learn's own loop. The trained network is
``network_``.

With ``solver="sgd"`` or ``"adam"`` a fit is scikit-learn's, number for number: for the same
int ``random_state`` the same initial weights, validation split and batch order, the same
updates, so the same ``loss_curve_``, ``coefs_``, ``intercepts_``, ``n_iter_``, ``t_`` and
validation scores (to rounding, about 1e-15 in float64), and the same stopping rule, best
epoch, ``learning_rate`` schedules, warnings and ``verbose`` lines. ``fit`` is
scikit-learn's ``_fit_stochastic`` on the engine (``scratchnn.estimators._stochastic``):
scikit-learn's own ``train_test_split``, ``shuffle`` and ``gen_batches``, the engine's
:class:`~scratchnn.executor.TrainingStep` for the loss, gradients and update.

The engine is configured, not corrected: its losses take scikit-learn's convention
(``outputs="sum"``, the half squared error; ``scratchnn.estimators._parameters`` tabulates
them), its L2 is ``WeightDecay(alpha, per_batch=True)`` (divided by each batch's size or
total sample weight, as scikit-learn's), and the optimisers take the hyperparameters as
they are. With ``solver="adamw"``, ``alpha`` is AdamW's *decoupled* weight decay
(:math:`W \\leftarrow (1 - \\mu\\alpha) W` every update) instead of the L2 term.

scikit-learn versions
---------------------
The parity tests were run on scikit-learn :data:`SKLEARN_TESTED` (1.9); ``pyproject.toml``
requires at least 1.9, and importing this module under a later minor version warns (a
``UserWarning``) that the numbers may then differ from that scikit-learn's.

Sparse input
------------
``fit``, ``partial_fit``, ``predict``, ``predict_proba`` and ``score`` take SciPy sparse
matrices as scikit-learn's MLP does (CSR and CSC as they are, other formats converted to CSR):
the first ``Linear`` layer multiplies the sparse ``X`` by its dense weights and computes its
weight gradient :math:`X^\\top G` the same way, so ``X`` is never densified; a CSC ``X`` is
converted to CSR once per fit (mini-batches are rows).

Differences from scikit-learn
-----------------------------
* Solvers: scikit-learn's ``"adam"``, ``"sgd"`` and ``"lbfgs"`` (with ``max_fun``; its
  differences are listed in ``scratchnn.estimators._lbfgs``), and two more, ``"rmsprop"``
  and ``"adamw"``. Both estimators take ``hidden_layer_sizes`` as their first positional
  argument; the regressor's ``loss`` is keyword-only.
* ``sample_weight``: as scikit-learn's (weighted batch losses, each batch's L2 term divided
  by its weights' sum, the early-stopping validation score weighted), except that negative
  weights are refused.
* Losses are computed exactly from the output layer's input (a softplus, a log-sum-exp, the
  log-mean of the Poisson deviance), where scikit-learn clips probabilities to
  ``[eps, 1 - eps]`` (and its Poisson loss reaches NaN when ``exp`` overflows). The
  gradients are the same, but at saturation ``loss_curve_``, ``loss_``, hence the ``tol``
  stopping rule, and L-BFGS's line search (it sees the loss values) can differ: a deliberate
  difference, as the exact value is the right one.
* Parameter rules are scikit-learn's ``_parameter_constraints`` (tested value by value at
  every boundary) but for: numbers must be finite and not booleans (scikit-learn's
  intervals let ``alpha=nan`` or ``alpha=True`` through).
* A warm start (or ``partial_fit``) applies a new ``activation`` to the fitted weights, as
  scikit-learn's does; other ``hidden_layer_sizes`` (or another regression ``loss``) are
  refused with a ``ValueError``, where scikit-learn fails obscurely or trains a mismatched
  network.
* A diverging fit stops with :class:`~scratchnn.training.TrainingDivergedError` at the first NaN or
  infinite loss (keeping the last finite weights), where scikit-learn carries on to
  non-finite weights: the message says what to do (scale inputs too large for the dtype,
  whatever the learning rate; else lower ``learning_rate_init``, quoted).
* A classifier refuses ``y`` with one class (there is nothing to learn; scikit-learn fits a
  network that always predicts it).
* ``random_state=None`` draws from a fresh ``numpy.random.default_rng()``, never from NumPy's
  global state; a ``numpy.random.Generator`` is accepted too (it draws the initial weights,
  then seeds the ``RandomState`` scikit-learn's ``train_test_split`` and ``shuffle`` need).
* A warm-started ``fit`` with ``early_stopping`` whose epochs never beat the previous best
  validation score restores the previous best weights; scikit-learn keeps the last ones (its
  copy of the best weights is then the live weight list).
* ``save(path)`` / ``load(path)`` write and read one ``.npz`` file without pickle
  (:mod:`scratchnn.checkpoint`).

Usage
-----
>>> from sklearn.datasets import load_iris
>>> from scratchnn.estimators import MLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifier((16,), learning_rate_init=0.01, max_iter=300, random_state=0)
>>> clf.fit(X, y).score(X, y) > 0.95
True
"""

# Layout: _parameters (the hyperparameters: rules, docs, and what they become in the engine),
# _base (the estimator: data, network, fit's first half), _stochastic (sgd/adam/...: the
# epochs), _lbfgs (L-BFGS-B), _classifier, _regressor, _persistence (save/load).
import warnings as _warnings

import sklearn as _sklearn

from ._classifier import MLPClassifier
from ._regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor", "SKLEARN_TESTED"]

#: The scikit-learn minor versions the parity tests were run on.
SKLEARN_TESTED = ("1.9",)
if ".".join(_sklearn.__version__.split(".")[:2]) not in SKLEARN_TESTED:  # pragma: no cover
    _warnings.warn(
        f"scratchnn.estimators reproduces scikit-learn {', '.join(SKLEARN_TESTED)}; with "
        f"scikit-learn {_sklearn.__version__} its numbers may differ from scikit-learn's",
        UserWarning,
        stacklevel=2,
    )

# The public home of the classes (pickles, reprs and doctest refer to it).
for _cls in (MLPClassifier, MLPRegressor):
    _cls.__module__ = __name__
del _cls
