"""The training loop: full-batch, online and mini-batch gradient descent with a history.

One epoch visits every training sample once, in mini-batches (:mod:`.batches`):
``batch_size=None`` is full-batch gradient descent (one update an epoch, the "iterations" of
Parts 1–4), ``batch_size=1`` online learning. Every update is one call of the executor's
:class:`~scratchnn.executor.TrainingStep`: forward the batch, its loss, backpropagate, the
optimiser step (after weight decay and clipping, when asked). Everything else is a callback
(:mod:`.callbacks`): the history recorder, the divergence check, early stopping, the progress
bar and the user's own.

Ctrl-C stops training and leaves a usable model: while :func:`train` runs in the main thread
it defers SIGINT until the update in progress is complete, so the parameters are never left
half-updated; the history is returned with ``interrupted=True``.

Options of :func:`train`
------------------------
network
    Trained in place. Its parameters are converted to the dtype of ``X`` (float32 data trains
    float32 parameters; integer data is treated as float64).
X (sparse)
    ``X`` (and ``X_val``) may be a SciPy sparse matrix in CSR or CSC format when the network
    starts with a ``Linear`` layer: it is multiplied as it is, never densified. A CSC matrix
    is converted to CSR once per call (mini-batches are rows), and the stored values are
    cast once to the float dtype; NaN and infinity among them are rejected, and other
    formats (COO, LIL …) too, with the conversion to make.
loss
    Its targets are checked once (:meth:`~scratchnn.losses.Loss.check_targets`: probabilities
    for the binary cross-entropy, one-hot or probability rows for the categorical one,
    non-negative values for the Poisson deviance).
sample_weight
    One non-negative weight per sample: every batch loss is the weighted mean
    :math:`\\sum_i w_i \\ell_i / \\sum_i w_i` (:mod:`scratchnn.losses`), and so are the
    recorded training and validation losses (metrics are not weighted). Integer weights
    train as repeated samples do within a batch; all ones train as no weights.
optimizer
    Its state is created on first use and otherwise continued, so calling ``train`` again
    resumes (``partial_fit``).
batch_size, batch_split
    The samples are split into ``max(1, N // batch_size)`` consecutive mini-batches whose
    sizes differ by at most one (``batch_split="even"``), or into full batches of
    ``batch_size`` and a smaller last one (``"fill"``, scikit-learn's and PyTorch's rule)
    (:func:`~.batches.split_batches`).
shuffle, rng
    With ``shuffle=True`` the samples are permuted by ``rng`` before each epoch; with
    ``shuffle="cumulative"`` each epoch permutes the previous epoch's order instead
    (scikit-learn's MLP); with ``shuffle=False`` the batches are fixed and visited in the
    same order every epoch. An int or None ``rng`` seeds a new ``numpy.random.default_rng``.
validation_data, validation_fraction
    Evaluated after every epoch into ``history.validation_loss`` (and metrics). A fraction
    holds out ``ceil(fraction * N)`` samples drawn with ``rng`` (the first ``n_val`` entries
    of ``rng.permutation(N)``, drawn before any shuffling); the remaining samples keep their
    order and are trained on.
early_stopping, callbacks
    :class:`~.callbacks.Callback` objects get all their hooks (``early_stopping``, for
    instance an :class:`~.callbacks.EarlyStopping`, runs first); a plain function
    ``f(history)`` is called after every epoch and a true return value stops training.
record_params
    Keep a copy of every parameter after every epoch in ``history.params``.
metrics
    Per-epoch metrics of the training and validation predictions, e.g. ``("accuracy",)``
    (:data:`~.metrics.METRICS`) or ``{"r2": r2}`` with ``r2(y, t) -> float``; recorded in
    ``history.train_metrics`` and ``history.validation_metrics``.
weight_decay, decay_biases
    L2 penalty :math:`\\frac{\\lambda}{2}\\lVert W\\rVert^2`: :math:`\\lambda W` is added to the
    gradient of every weight matrix (and of the biases with ``decay_biases``) before the step
    (:class:`~scratchnn.regularization.WeightDecay`).
clip_norm
    Rescale the gradients so that their global norm is at most this, after weight decay
    (:class:`~scratchnn.regularization.ClipByGlobalNorm`); the norms are recorded in
    ``history.grad_norm``. Both build ``chain(WeightDecay, ClipByGlobalNorm, optimizer)``;
    the optimiser passed in keeps its state.
verbose
    ``>= 1`` shows the progress on stderr (:class:`~.progress.ProgressBar`): a tqdm bar over
    the epochs on a terminal (the notebook widget in Jupyter), else one line per epoch with
    the losses and metrics, e.g. ``epoch 3/10: train_loss 0.4127, validation_loss 0.45,
    validation_accuracy 0.9``. For another stream or form, pass
    ``callbacks=[ProgressBar(file=sys.stdout)]`` (or ``mode="lines"``) instead.
epoch_loss
    How ``history.train_loss`` (and the training metrics) are measured each epoch.
    ``"full"``: a pass over the whole training set after the epoch (what the series records).
    ``"batches"``: the sample-weighted mean of the epoch's mini-batch values, each measured
    before its update: no extra pass, so faster for large data; the initial entry (index 0)
    is then NaN. Full-batch training gets the exact values for free either way.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from .._sparse import is_sparse
from .._validation import (
    as_float_array,
    as_rng,
    check_choice,
    check_int,
    check_real,
    check_same_length,
)
from ..executor import TrainingStep
from ..executor.step import check_training_objects
from ..losses import Loss
from ..network import Sequential
from ..optimizer_base import Chain, Optimizer, chain
from ..regularization import ClipByGlobalNorm, WeightDecay
from .batches import BATCH_SPLITS, EpochBatches, split_batches
from .callbacks import (
    Callback,
    CallbackList,
    TrainingContext,
    as_callback,
)
from .history import History
from .interrupt import deferred_sigint
from .metrics import Metrics, resolve_metrics
from .progress import ProgressBar
from .recorder import DivergenceCheck, Recorder, TrainingData

__all__ = ["train"]


def train(
    network: Sequential,
    loss: Loss,
    optimizer: Optimizer,
    X: Any,
    T: Any,
    *,
    epochs: int,
    batch_size: int | None = None,
    shuffle: bool | str = False,
    rng: Any = None,
    validation_data: tuple[Any, Any] | None = None,
    validation_fraction: float | None = None,
    early_stopping: Callback | Callable[[History], Any] | None = None,
    callbacks: Sequence[Callback | Callable[[History], Any]] = (),
    record_params: bool = False,
    metrics: Metrics = (),
    weight_decay: float = 0.0,
    decay_biases: bool = False,
    clip_norm: float | None = None,
    verbose: int = 0,
    epoch_loss: str = "full",
    sample_weight: Any = None,
    batch_split: str = "even",
) -> History:
    """Train ``network`` on ``(X, T)`` in place and return the :class:`History`.

    Parameters
    ----------
    network, loss, optimizer : Sequential, Loss, Optimizer
        The parameters take the dtype of ``X``; the optimiser's state continues (resume).
    X, T : array_like, shape (N, n_in) and (N, n_out)
        ``X`` may be a SciPy CSR or CSC matrix (see the module's documentation).
    epochs : int
    batch_size : int or None, default None (full batch)
    shuffle, rng : bool or "cumulative", and None, int, Generator or RandomState
        Permute the samples with ``rng`` before every epoch.
    validation_data, validation_fraction : (X_val, T_val) or float in (0, 1), optional
    early_stopping, callbacks : Callback or callable(history), and a sequence of them
    record_params : bool, default False
    metrics : sequence of str or callable, or mapping of name to callable
    weight_decay, decay_biases, clip_norm : float, bool, float or None
    verbose : int, default 0 (1: progress on stderr: a bar on a terminal or in Jupyter, else
        one line per epoch)
    epoch_loss : {"full", "batches"}, default "full"
    sample_weight : array_like, shape (N,), optional (finite, non-negative, not all zero)
    batch_split : {"even", "fill"}, default "even"

    Every option is described in the module's documentation (``help(scratchnn.training)``).

    Raises
    ------
    TypeError, ValueError
        For bad arguments (named in the message), checked once before training.
    TrainingDivergedError
        When the loss becomes NaN or infinite; it names the epoch and batch and carries the
        history so far.
    """
    check_training_objects(network, loss, optimizer)
    epochs = check_int(epochs, "epochs", low=0)
    batch_size, batch_split = _check_batching(batch_size, batch_split, shuffle)
    data, rng = _training_data(
        network, loss, X, T, validation_data, validation_fraction, shuffle, rng, sample_weight
    )
    epoch_loss = check_choice(epoch_loss, "epoch_loss", ("full", "batches"))
    hooks = _user_hooks(callbacks, early_stopping, verbose)
    composed, grad_norms = _compose(optimizer, weight_decay, decay_biases, clip_norm)

    network.astype(data.X.dtype)
    network.train()
    step = TrainingStep(network, loss, composed)
    batches = split_batches(data.X.shape[0], batch_size, batch_split)
    full_batch = len(batches) == 1 and not shuffle and not network.stochastic
    recorder = Recorder(data, resolve_metrics(metrics), epoch_loss, record_params, step, full_batch)
    history = History(batches_per_epoch=len(batches))
    context = TrainingContext(network, loss, optimizer, history, epochs)
    hooks = CallbackList([recorder, DivergenceCheck(), *grad_norms, *hooks])
    return _loop(step, context, hooks, data, batches, shuffle, rng)


def _user_hooks(callbacks: Sequence, early_stopping: Any, verbose: Any) -> list[Callback]:
    """The caller's callbacks: early stopping first, the progress bar (``verbose``) last."""
    hooks = [as_callback(c, f"callbacks[{i}]") for i, c in enumerate(callbacks)]
    if early_stopping is not None:
        hooks.insert(0, as_callback(early_stopping, "early_stopping"))
    if check_int(verbose, "verbose", low=0):
        hooks.append(ProgressBar())
    return hooks


def _check_batching(batch_size: Any, batch_split: Any, shuffle: Any) -> tuple[int | None, str]:
    """Checked ``batch_size`` and ``batch_split``; ``shuffle`` a bool or "cumulative"."""
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", low=1)
    if isinstance(shuffle, str):
        check_choice(shuffle, "shuffle", ("cumulative",))
    return batch_size, check_choice(batch_split, "batch_split", BATCH_SPLITS)


def _loop(step, context, hooks, data, batches, shuffle, rng) -> History:
    """Epochs → batches → loss and gradients → update → callbacks."""
    history, optimizer = context.history, context.optimizer
    source = EpochBatches(
        data.X, data.T, batches, bool(shuffle), rng, data.W, cumulative=shuffle == "cumulative"
    )
    # Overflow to inf/NaN is detected (DivergenceCheck names where), not warned about.
    with np.errstate(over="ignore", invalid="ignore"), deferred_sigint() as sigint:
        try:
            hooks.on_train_begin(context)
            for epoch in range(1, context.epochs + 1):
                context.epoch = epoch
                for b, batch in enumerate(source.epoch(), start=1):
                    context.batch, context.targets = b, batch[1]
                    context.weights = batch[2] if len(batch) > 2 else None
                    context.learning_rate = optimizer.current_learning_rate
                    context.batch_loss = step.loss_and_gradients(*batch)
                    context.outputs = step.output
                    hooks.on_before_update(context)
                    step.update()
                    hooks.on_batch_end(context)
                    if sigint.requested:
                        raise KeyboardInterrupt
                context.batch = 0
                history.epochs = epoch
                stop = hooks.on_epoch_end(context)
                if sigint.requested:
                    raise KeyboardInterrupt
                if stop:
                    history.stopped_early = epoch < context.epochs
                    break
        except KeyboardInterrupt:
            history.interrupted = True
        finally:
            hooks.on_train_end(context)
    return history


def _training_data(
    network: Sequential,
    loss: Loss,
    X: Any,
    T: Any,
    validation_data: Any,
    validation_fraction: Any,
    shuffle: bool,
    rng: Any,
    sample_weight: Any = None,
) -> tuple[TrainingData, Any]:
    """Checked arrays (validation split drawn from ``rng``) and the rng the loop uses."""
    X = _as_input(network, X, "X")
    T = as_float_array(T, "T", ndim=2, dtype=X.dtype)
    check_same_length(X, T, "X", "T")
    W = None if sample_weight is None else check_sample_weight(sample_weight, X.shape[0], X.dtype)
    network.check_features(X, "X")
    n_out = network.output_shapes(X.shape[1])[-1][-1]
    if T.shape[1] != n_out:
        raise ValueError(
            f"T must have {n_out} columns (the network's outputs), got shape {T.shape}"
        )
    if validation_data is not None and validation_fraction is not None:
        raise ValueError("pass validation_data or validation_fraction, not both")
    loss.check_targets(T, "T")
    data = TrainingData(X, T, W=W)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(
                f"validation_data must be a pair (X_val, T_val), got {type(validation_data)}"
            )
        data.X_val = _as_input(network, validation_data[0], "X_val", X.dtype)
        data.T_val = as_float_array(validation_data[1], "T_val", ndim=2, dtype=X.dtype)
        check_same_length(data.X_val, data.T_val, "X_val", "T_val")
        network.check_features(data.X_val, "X_val")
        if data.T_val.shape[1] != n_out:
            raise ValueError(f"T_val must have {n_out} columns, got shape {data.T_val.shape}")
        loss.check_targets(data.T_val, "T_val")
    if validation_fraction is not None:
        validation_fraction = check_real(validation_fraction, "validation_fraction", "(0, 1)")
    rng = as_rng(rng) if (shuffle or validation_fraction is not None) else None
    if validation_fraction is not None:
        n_val = math.ceil(validation_fraction * X.shape[0])
        if X.shape[0] - n_val < 1:
            raise ValueError(
                f"validation_fraction={validation_fraction} of {X.shape[0]} samples leaves "
                "no training samples"
            )
        order = rng.permutation(X.shape[0])
        val_idx, train_idx = order[:n_val], np.sort(order[n_val:])
        data = TrainingData(X[train_idx], T[train_idx], X[val_idx], T[val_idx])
        if W is not None:
            data.W, data.W_val = W[train_idx], W[val_idx]
            if not np.any(data.W):
                raise ValueError("sample_weight: every training sample has weight 0")
    return data, rng


def _as_input(network: Sequential, X: Any, name: str, dtype: Any = None) -> Any:
    """``X`` checked: a finite float array, 2-D, or a SciPy sparse matrix as CSR (a CSC
    matrix is converted once, here: batches are rows), its stored values cast once."""
    if not is_sparse(X):
        return as_float_array(X, name, ndim=2, dtype=dtype)
    return network.check_sparse(X, name, dtype=dtype, rows=True)


def check_sample_weight(sample_weight: Any, n_samples: int, dtype: Any) -> np.ndarray:
    """``sample_weight`` as an array of shape ``(n_samples,)`` in ``dtype``.

    Raises
    ------
    ValueError
        Unless it is one finite, non-negative weight per sample, not all zero.
    """
    w = as_float_array(sample_weight, "sample_weight", ndim=1, dtype=dtype)
    if w.shape != (n_samples,):
        raise ValueError(
            f"sample_weight must have shape ({n_samples},) (one weight per sample), got {w.shape}"
        )
    if np.any(w < 0):
        i = int(np.flatnonzero(w < 0)[0])
        raise ValueError(f"sample_weight must be non-negative, got {float(w[i])!r} at index {i}")
    if not np.any(w):
        raise ValueError("sample_weight must not be all zero")
    return w


class _GradNorms(Callback):
    """Records the clipping transformation's norm of every update in ``history.grad_norm``."""

    def __init__(self, composed: Chain, index: int) -> None:
        self.composed, self.index = composed, index

    def on_batch_end(self, context: TrainingContext) -> None:
        context.history.grad_norm.append(self.composed.transform_states[self.index].norm)


def _compose(
    optimizer: Optimizer, weight_decay: Any, decay_biases: bool, clip_norm: Any
) -> tuple[Optimizer, list[Callback]]:
    """``optimizer``, or ``chain(WeightDecay, ClipByGlobalNorm, optimizer)`` as asked."""
    transforms: list[Any] = []
    if check_real(weight_decay, "weight_decay", "[0, inf)"):
        transforms.append(WeightDecay(weight_decay, decay_biases))
    if clip_norm is not None:
        transforms.append(ClipByGlobalNorm(check_real(clip_norm, "clip_norm", "(0, inf)")))
    if not transforms:
        return optimizer, []
    composed = chain(*transforms, optimizer)
    if clip_norm is None:
        return composed, []
    return composed, [_GradNorms(composed, len(transforms) - 1)]
