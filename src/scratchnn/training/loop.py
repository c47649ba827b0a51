"""The training loop: full-batch, online and mini-batch gradient descent with a history.

:func:`train` is a loop, not a framework: epochs → batches → loss and gradients → update →
callbacks. Every update is one call of a training step: the executor's
:class:`~scratchnn.executor.TrainingStep` (in-place kernels, flat storage: the default) or,
with ``fast=False``, the plain path's :class:`~.reference_step.ReferenceStep` (each layer's
own ``forward``/``backward`` and the optimiser's own ``step``); the two compute the same.
Everything else is a callback (:mod:`.callbacks`): the history recorder, the divergence
check, early stopping, the progress bar and the user's own.

Ctrl-C stops training and leaves a usable model: while :func:`train` runs in the main thread
it defers SIGINT until the update in progress is complete, so the parameters are never left
half-updated; the history is returned with ``interrupted=True``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .._validation import check_choice, check_int, check_real
from ..composition import Chain, chain
from ..executor import TrainingStep
from ..executor.step import check_training_objects
from ..losses import Loss
from ..network import Sequential
from ..optimizer_base import Optimizer
from ..regularization import ClipByGlobalNorm, WeightDecay
from .batches import BATCH_SPLITS, EpochBatches, split_batches
from .callbacks import Callback, CallbackList, TrainingContext, as_callback
from .data import training_data
from .divergence import DivergenceCheck
from .history import History
from .interrupt import deferred_sigint
from .metrics import Metrics, resolve_metrics
from .progress import ProgressBar
from .recorder import Recorder
from .reference_step import ReferenceStep

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
    shuffle: bool = False,
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
    fast: bool = True,
) -> History:
    """Train ``network`` on ``(X, T)`` in place and return the :class:`~.history.History`.

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
    check_training_objects(network, loss, optimizer)
    epochs = check_int(epochs, "epochs", low=0)
    batch_size, batch_split = _check_batching(batch_size, batch_split, shuffle)
    data, rng = training_data(
        network, loss, X, T, validation_data, validation_fraction, shuffle, rng, sample_weight
    )
    epoch_loss = check_choice(epoch_loss, "epoch_loss", ("full", "batches"))
    hooks = _user_hooks(callbacks, early_stopping, verbose)
    composed, grad_norms = _compose(optimizer, weight_decay, decay_biases, clip_norm)
    if not isinstance(fast, (bool, np.bool_)):
        raise TypeError(f"fast must be a bool, got {fast!r}")

    network.astype(data.X.dtype)
    network.train()
    step_type = TrainingStep if fast else ReferenceStep
    step = step_type(network, loss, composed)
    batches = split_batches(data.X.shape[0], batch_size, batch_split)
    full_batch = len(batches) == 1 and not shuffle and not network.stochastic
    recorder = Recorder(data, resolve_metrics(metrics), epoch_loss, record_params, step, full_batch)
    history = History(batches_per_epoch=len(batches))
    context = TrainingContext(network, loss, optimizer, history, epochs)
    check = DivergenceCheck(initial_loss=not recorder.batch_means)
    callback_list = CallbackList([recorder, check, *grad_norms, *hooks])
    return _loop(step, context, callback_list, data, batches, shuffle, rng)


def _user_hooks(callbacks: Sequence, early_stopping: Any, verbose: Any) -> list[Callback]:
    """The caller's callbacks: early stopping first, the progress bar (``verbose``) last."""
    hooks = [as_callback(c, f"callbacks[{i}]") for i, c in enumerate(callbacks)]
    if early_stopping is not None:
        hooks.insert(0, as_callback(early_stopping, "early_stopping"))
    if check_int(verbose, "verbose", low=0):
        hooks.append(ProgressBar())
    return hooks


def _check_batching(batch_size: Any, batch_split: Any, shuffle: Any) -> tuple[int | None, str]:
    """Checked ``batch_size`` and ``batch_split``; TypeError unless ``shuffle`` is a bool."""
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", low=1)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be a bool, got {shuffle!r}")
    return batch_size, check_choice(batch_split, "batch_split", BATCH_SPLITS)


def _loop(step, context, hooks, data, batches, shuffle, rng) -> History:
    """Epochs → batches → loss and gradients → update → callbacks."""
    history, optimizer = context.history, context.optimizer
    source = EpochBatches(data.X, data.T, batches, bool(shuffle), rng, data.W)
    # Overflow to inf/NaN is detected (DivergenceCheck names where), not warned about.
    with np.errstate(over="ignore", invalid="ignore"), deferred_sigint() as sigint:
        try:
            hooks.on_train_begin(context)
            for epoch in range(1, context.epochs + 1):
                context.epoch = epoch
                for b, batch in enumerate(source.epoch(), start=1):
                    context.batch, context.batch_targets = b, batch[1]
                    context.batch_weights = batch[2] if len(batch) > 2 else None
                    context.learning_rate = optimizer.current_learning_rate
                    context.batch_loss = step.loss_and_gradients(*batch)
                    context.output_source = step.last_output
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
