"""scikit-learn estimators on the engine: :class:`MLPClassifier` and :class:`MLPRegressor`.

They follow scikit-learn's conventions and parameter names (those of
``sklearn.neural_network.MLPClassifier`` / ``MLPRegressor`` for the stochastic solvers), so
they work in ``Pipeline``, ``GridSearchCV`` and ``cross_val_score`` and pass
``sklearn.utils.estimator_checks.check_estimator``. Inside, an estimator is configuration of
the engine: ``fit`` builds a :class:`~scratchnn.network.Sequential` of
:class:`~scratchnn.layers.Linear` layers and activations, and trains it with
:func:`scratchnn.training.train`. The trained network is ``network_``.

With ``solver="sgd"`` or ``"adam"`` a fit is scikit-learn's, number for number: for the same
int ``random_state`` the same initial weights, validation split and batch order, the same
updates, so the same ``loss_curve_``, ``coefs_``, ``intercepts_``, ``n_iter_``, ``t_`` and
validation scores (to rounding, about 1e-15 in float64), and the same stopping rule, best
epoch, ``learning_rate`` schedules, warnings and ``verbose`` lines
(:mod:`scratchnn.estimators._stochastic`, :mod:`scratchnn.estimators._stopping`).

=====================  ==========================================  =========================
problem                output layer + engine loss                  targets
=====================  ==========================================  =========================
multi-class            ``Softmax`` + ``CategoricalCrossEntropy``   one-hot, shape (N, K)
binary                 ``Logistic`` + ``BinaryCrossEntropy``       :math:`[y = c_1]`, (N, 1)
multi-label            ``Logistic`` + ``BinaryCrossEntropy``       indicator matrix, (N, K)
regression             ``Identity`` + ``MSE``                      y, shape (N, n_outputs)
regression, poisson    ``Exp`` + ``HalfPoissonDeviance``           y >= 0, (N, n_outputs)
=====================  ==========================================  =========================

The objective is scikit-learn's
-----------------------------------
scikit-learn's MLP minimises, on a mini-batch of :math:`b` samples,

.. math::

    J = \\ell(Y, T) + \\frac{\\alpha}{2b} \\sum_l \\lVert W_l \\rVert^2,

with :math:`\\ell` the mean log-loss (summed over the outputs), or half the mean squared error
:math:`\\frac{1}{2b}\\sum_i \\lVert y_i - t_i \\rVert^2` for regression; biases are not penalised.
The engine's losses are scaled differently (means over samples *and* outputs, the squared
error not halved); the estimators scale the engine's learning rate or ``epsilon`` and add the
L2 gradient of each batch so that it takes scikit-learn's steps on :math:`J` (derived in
:mod:`scratchnn.estimators._mapping`). ``loss_curve_`` reports what scikit-learn reports: the
mean over the epoch's mini-batches of :math:`J`, each measured just before its update (for
several regression outputs scikit-learn averages the squared error over the outputs too,
although its gradient is that of :math:`J`; so do we). With ``solver="adamw"``, ``alpha`` is
AdamW's *decoupled* weight decay (:math:`W \\leftarrow (1 - \\mu\\alpha) W` every update)
instead of the L2 term.

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
  differences are listed in :mod:`scratchnn.estimators._lbfgs`), and two more, ``"rmsprop"``
  and ``"adamw"``. Both estimators take ``hidden_layer_sizes`` as their first positional
  argument; the regressor's ``loss`` is keyword-only.
* ``sample_weight``: as scikit-learn's (weighted batch losses, each batch's L2 term divided
  by its weights' sum), except that the early-stopping validation score is not weighted and
  negative weights are refused.
* A diverging fit stops with :class:`scratchnn.TrainingDivergedError` at the first NaN or
  infinite loss (keeping the last finite weights), where scikit-learn carries on to
  non-finite weights: the message says what to do (scale inputs too large for the dtype,
  whatever the learning rate; else lower ``learning_rate_init``, quoted).
* A classifier refuses ``y`` with one class (there is nothing to learn; scikit-learn fits a
  network that always predicts it).
* ``random_state=None`` draws from a fresh ``numpy.random.default_rng()``, never from NumPy's
  global state; a ``numpy.random.Generator`` is accepted too (it seeds the ``RandomState``
  scikit-learn's ``train_test_split`` needs).
* A warm-started ``fit`` with ``early_stopping`` whose epochs never beat the previous best
  validation score restores the previous best weights; scikit-learn keeps the last ones (its
  copy of the best weights is then the live weight list).
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

# Layout: _constraints (the hyperparameters' rules), _mapping (scikit-learn -> engine
# configuration, one pure function), _base (the fit skeleton), _stochastic (sgd/adam: split,
# train, attributes), _stopping (scikit-learn's end of epoch), _objective (loss_curve_ and the
# L2 term), _progress (verbose), _classifier, _regressor, _persistence (save/load),
# _docstrings (shared parameter documentation).
from ._classifier import MLPClassifier
from ._regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]

# The public home of the classes (pickles, reprs and doctest refer to it).
for _cls in (MLPClassifier, MLPRegressor):
    _cls.__module__ = __name__
del _cls
