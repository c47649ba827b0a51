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
error not halved); the estimators set the engine's learning rate or ``epsilon`` and its L2
weight decay so that it takes scikit-learn's steps on :math:`J` (derived in
:mod:`scratchnn.estimators._mapping`).

``loss_curve_`` reports :math:`J` (in scikit-learn's units) as scikit-learn does: the mean over
the epoch's mini-batches, each measured just before its update (the engine's
``epoch_loss="batches"``, which saves a pass over the training set). One full batch without
shuffling or early stopping records :math:`J` after each epoch instead (the engine gets it
for free), one epoch ahead of scikit-learn's values. (For several regression outputs
scikit-learn reports its squared error divided by :math:`n_{outputs}` too, although its
gradient is that of :math:`J`; we report :math:`J`.) With ``solver="adamw"``, ``alpha`` is
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
* Solvers: ``"adam"``, ``"sgd"`` (constant learning rate, momentum, Nesterov), ``"rmsprop"``,
  ``"adamw"``, and ``"lbfgs"`` (with ``max_fun``; its differences are listed in
  :mod:`scratchnn.estimators._lbfgs`). No ``learning_rate`` schedules (``power_t``); both
  estimators take ``hidden_layer_sizes`` as their first positional argument (the regressor's
  ``loss`` is keyword-only).
* ``sample_weight``: the batch losses and their L2 term are divided by the batch's total
  weight, as scikit-learn's; the engine's L2 decay uses the mean batch weight (exact for one
  full batch or equal batch weights). Negative weights are refused. With
  ``early_stopping`` the validation score is not weighted (scikit-learn weights it).
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
* ``verbose`` prints scikit-learn's lines (``Iteration 3, loss = 0.41268301``) to stdout when it
  is a file or a pipe, and shows a tqdm bar instead on a terminal or in Jupyter.
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

# Layout: _constraints (the hyperparameters' rules), _mapping (scikit-learn -> engine
# configuration, one pure function), _base (the fit skeleton), _classifier, _regressor,
# _persistence (save/load), _docstrings (shared parameter documentation).
from ._classifier import MLPClassifier
from ._regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]

# The public home of the classes (pickles, reprs and doctest refer to it).
for _cls in (MLPClassifier, MLPRegressor):
    _cls.__module__ = __name__
del _cls
