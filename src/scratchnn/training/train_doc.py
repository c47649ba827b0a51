"""The documentation of :func:`scratchnn.training.train`: every parameter, in numpydoc.

It is long (the loop takes two dozen options) and lives here, beside the loop rather than inside
it, so that ``train`` itself reads at a glance; ``train.__doc__`` is this text, so ``help``,
IDEs and the API reference show it as usual.
"""

TRAIN_DOC = """Train ``network`` on ``(X, T)`` in place and return the :class:`~.history.History`.

    Parameters
    ----------
    network : Sequential
        Trained in place. Its parameters are converted to the dtype of ``X`` (float32 data
        trains float32 parameters; integer data is treated as float64).
    loss : Loss
        Its targets are checked once (:meth:`~scratchnn.losses.Loss.check_targets`:
        probabilities for the binary cross-entropy, one-hot or probability rows for the
        categorical one, non-negative values for the Poisson deviance).
    optimizer : Optimizer
        Its state is created on first use and otherwise continued, so calling ``train``
        again resumes (``partial_fit``).
    X : array_like or SciPy CSR/CSC matrix, shape (N, n_in)
        Finite inputs. A sparse ``X`` (and ``X_val``) is multiplied as it is by a first
        ``Linear`` layer, never densified: a CSC matrix is converted to CSR once (batches are
        rows) and its stored values cast once to the float dtype; NaN and infinity among them
        are rejected, and other formats (COO, LIL …) too, with the conversion to make.
    T : array_like, shape (N, n_out)
        Targets, one row per sample, as many columns as the network has outputs.
    epochs : int
        Passes over the training set (0: only the initial evaluation).
    batch_size : int or None, default None
        Samples per update; None is full-batch gradient descent (one update an epoch, the
        "iterations" of Parts 1–4), 1 online learning.
    shuffle : bool, default False
        True: permute the samples with ``rng`` before every epoch. False: fixed batches
        visited in the same order every epoch.
    rng : None, int, Generator or RandomState, default None
        The source of the shuffling and of the validation split; an int or None seeds a new
        ``numpy.random.default_rng``.
    validation_data : (X_val, T_val), optional
        Evaluated after every epoch into ``history.validation_loss`` (and metrics).
    validation_fraction : float in (0, 1), optional
        Hold out ``ceil(fraction * N)`` samples drawn with ``rng`` (the first ``n_val``
        entries of ``rng.permutation(N)``, drawn before any shuffling) as validation data;
        the remaining samples keep their order and are trained on. Not with
        ``validation_data``.
    early_stopping : Callback or callable, optional
        For instance an :class:`~.callbacks.EarlyStopping`; it runs before the other
        callbacks.
    callbacks : sequence of Callback or callable, default ()
        :class:`~.callbacks.Callback` objects get all their hooks; a plain function
        ``f(history)`` is called after every epoch and a true return value stops training.
    record_params : bool, default False
        Keep a copy of every parameter after every epoch in ``history.params``.
    metrics : sequence of str or callable, or mapping of name to callable, default ()
        Per-epoch metrics of the training and validation predictions, e.g.
        ``("accuracy",)`` (:data:`~scratchnn.training.METRICS`) or ``{"r2": r2}`` with
        ``r2(y, t) -> float``; recorded in ``history.train_metrics`` and
        ``history.validation_metrics``.
    weight_decay : float, default 0
        :math:`\\lambda \\ge 0` of the L2 penalty :math:`\\frac{\\lambda}{2}\\lVert W\\rVert^2`:
        :math:`\\lambda W` is added to the gradient of every weight matrix before the step
        (:class:`~scratchnn.regularization.WeightDecay`).
    decay_biases : bool, default False
        Decay the biases (and every other 1-D parameter) too.
    clip_norm : float, optional
        Rescale the gradients so that their global norm is at most this, after weight decay
        (:class:`~scratchnn.regularization.ClipByGlobalNorm`); the norms before clipping are
        recorded in ``history.grad_norm``. ``weight_decay`` and ``clip_norm`` build
        ``chain(WeightDecay, ClipByGlobalNorm, optimizer)``; the optimiser passed in keeps
        its state.
    verbose : int, default 0
        ``>= 1`` shows the progress on stderr (:class:`~.progress.ProgressBar`): a tqdm bar
        over the epochs on a terminal (the notebook widget in Jupyter), else one line per
        epoch with the losses and metrics. For another stream or form, pass
        ``callbacks=[ProgressBar(file=sys.stdout)]`` instead.
    epoch_loss : {"full", "batches"}, default "full"
        How ``history.train_loss`` (and the training metrics) are measured each epoch:
        "full", a pass over the whole training set after the epoch (what the series
        records); "batches", the sample-weighted mean of the epoch's mini-batch values, each
        measured before its update: no extra pass, so faster for large data; the initial
        entry (index 0) is then NaN. Full-batch training gets the exact values either way.
    sample_weight : array_like, shape (N,), optional
        One finite, non-negative weight per sample, not all zero: every batch loss is the
        weighted mean :math:`\\sum_i w_i \\ell_i / \\sum_i w_i`, and so are the recorded
        training and validation losses (metrics are not weighted). Integer weights train as
        repeated samples do within a batch; all ones train as no weights.
    batch_split : {"even", "fill"}, default "even"
        "even": ``max(1, N // batch_size)`` consecutive mini-batches whose sizes differ by at
        most one; "fill": full batches of ``batch_size`` and a smaller last one
        (scikit-learn's and PyTorch's rule) (:func:`~scratchnn.training.split_batches`).
    fast : bool, default True
        Run each step on the executor (:class:`~scratchnn.executor.TrainingStep`: in-place
        kernels, flat storage). ``False`` runs the plain path instead
        (:class:`~.reference_step.ReferenceStep`: each layer's ``forward`` and ``backward``,
        the optimiser's own ``step``), as PyTorch's ``foreach=False``: slower, for stepping
        through the math and for debugging. Both give the same parameters (up to rounding).

    Returns
    -------
    History
        Index 0 of the per-epoch lists is the state before training.

    Raises
    ------
    TypeError, ValueError
        For bad arguments (named in the message), checked once before training.
    TrainingDivergedError
        When the loss becomes NaN or infinite; it names the epoch and batch and carries the
        history so far.
    """
