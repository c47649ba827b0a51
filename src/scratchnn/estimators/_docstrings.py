"""Parameter and attribute sections shared by the docstrings of both estimators."""

_PARAMETERS = """
    hidden_layer_sizes : int or sequence of int, default (100,)
        Units of each hidden layer; ``()`` for none (a linear model).
    activation : {"relu", "logistic", "tanh", "identity"}, default "relu"
        Hidden-layer activation (the engine's ``ReLU``, ``Logistic``, ``Tanh``, ``Identity``).
    solver : {"adam", "sgd", "rmsprop", "adamw", "lbfgs"}, default "adam"
        Engine optimiser: ``Adam``, ``GradientDescent`` (with ``momentum``), ``RMSprop``
        (decay 0.9), ``AdamW``; or ``"lbfgs"``: SciPy's L-BFGS-B on the whole training set
        (no mini-batches, validation split or ``partial_fit``), as scikit-learn's; see
        ``max_fun``.
    alpha : float, default 1e-4
        L2 penalty :math:`\\frac{\\alpha}{2b}\\lVert W\\rVert^2` on the weights (see the module
        notes); AdamW's decoupled weight decay with ``solver="adamw"``.
    batch_size : int or "auto", default "auto"
        Mini-batch size; "auto" is ``min(200, n_samples)``. An epoch is full batches of this
        size and a smaller last one, as scikit-learn's.
    learning_rate : {"constant", "invscaling", "adaptive"}, default "constant"
        Schedule of ``solver="sgd"`` (ignored by the others): "invscaling" uses
        ``learning_rate_init / (t_ + 1) ** power_t`` from the second epoch on ("t_" the
        samples seen); "adaptive" divides the rate by 5 whenever ``n_iter_no_change``
        epochs in a row did not improve by ``tol``, and stops once it is at most 1e-6.
    learning_rate_init : float, default 1e-3
        Initial learning rate.
    power_t : float, default 0.5
        Exponent of "invscaling".
    max_iter : int, default 200
        Maximum number of epochs (L-BFGS iterations with ``solver="lbfgs"``).
    shuffle : bool, default True
        Shuffle the samples before every epoch (each epoch permutes the previous order).
    random_state : None, int, RandomState or Generator
        Source of the initial weights, then the validation split, then the shuffling, drawn
        in scikit-learn's order. None: fresh entropy (never NumPy's global state); an int:
        ``RandomState(seed)`` anew for every ``fit``/``partial_fit`` call, as scikit-learn,
        so the same seed gives scikit-learn's weights, split and batches.
    tol : float, default 1e-4
        An epoch counts as progress when ``loss_curve_`` drops (or, with
        ``early_stopping``, the validation score rises) by at least ``tol``; the best
        epoch is any improvement. With ``solver="lbfgs"``: L-BFGS-B's ``gtol`` (it stops
        when no gradient component exceeds ``tol``).
    verbose : bool or int, default False
        Print scikit-learn's lines to stdout (``Iteration 3, loss = 0.41268301``,
        ``Validation score: 0.900000`` with ``early_stopping``, and its stopping sentences).
    warm_start : bool, default False
        ``fit`` continues from the current weights (with a new optimiser; ``loss_curve_``,
        ``t_``, the best values and the count of epochs without progress go on) instead of
        starting afresh.
    momentum : float, default 0.9
        Momentum of ``solver="sgd"``, in [0, 1).
    nesterovs_momentum : bool, default True
        Nesterov momentum for ``solver="sgd"``.
    early_stopping : bool, default False
        Hold out ``validation_fraction`` of the samples (scikit-learn's
        ``train_test_split``, stratified for a binary classifier), stop when the validation
        score has not improved by ``tol`` for more than ``n_iter_no_change`` epochs and
        restore the weights of the best score. At least 2 validation samples.
    validation_fraction : float, default 0.1
        In (0, 1); used with ``early_stopping``.
    beta_1, beta_2, epsilon : float, default 0.9, 0.999, 1e-8
        Adam's (and AdamW's) moment decays and stabiliser; ``epsilon`` also RMSprop's.
    n_iter_no_change : int or inf, default 10
        Stop (or, "adaptive", lower the rate) after ``n_iter_no_change + 1`` epochs in a row
        without progress (scikit-learn's rule).
    max_fun : int, default 15000
        ``solver="lbfgs"`` only: the most evaluations of the loss and its gradient
        (L-BFGS-B's ``maxfun``; line searches take several per iteration).
"""

_ATTRIBUTES = """
    network_ : scratchnn.Sequential
        The trained network (``Linear`` layers and activations).
    optimizer_ : scratchnn.optimizers.Optimizer or None
        The engine optimiser with its state (continued by ``partial_fit``); None after a
        ``solver="lbfgs"`` fit.
    history_ : scratchnn.History
        What :func:`scratchnn.train` recorded during the last ``fit``/``partial_fit``
        (``"lbfgs"``: ``train_metrics["objective"]``, :math:`J` of every iteration).
    coefs_, intercepts_ : list of ndarray
        The network's weight matrices and biases, layer by layer (the arrays themselves).
    loss_ : float
        ``loss_curve_[-1]`` (``"lbfgs"``: :math:`J` at the solution).
    loss_curve_ : list of float
        scikit-learn's loss (L2 term included) of every epoch since the weights were
        initialised: the mean of its mini-batches' values (see the module notes).
    best_loss_ : float or None
        Smallest ``loss_curve_`` value (None with ``early_stopping``; ``loss_`` for
        ``"lbfgs"``).
    validation_scores_ : list of float or None
        With ``early_stopping``: the score on the validation samples after every epoch.
    best_validation_score_ : float or None
        Best validation score (``max(validation_scores_)``); its weights were restored.
    n_iter_ : int
        Epochs run by the last ``fit`` or ``partial_fit`` call (1 for ``partial_fit``).
    t_ : int
        Training samples seen by the optimiser since the weights were initialised
        (``n_train`` per epoch, as scikit-learn; after Ctrl-C, the interrupted epoch's
        batches too, so ``optimizer_.step_count <= t_``, which ``load`` checks).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        When ``X`` had column names.
    n_outputs_ : int
        Network outputs.
    n_layers_ : int
        Layers counted as scikit-learn does (input, hidden, output).
"""
