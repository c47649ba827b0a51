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
from .data import TrainingData, training_data
from .divergence import DivergenceCheck
from .history import History
from .interrupt import deferred_sigint
from .metrics import Metrics, resolve_metrics
from .progress import ProgressBar
from .recorder import Recorder
from .reference_step import ReferenceStep
from .train_doc import TRAIN_DOC

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


train.__doc__ = TRAIN_DOC


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


def _loop(
    step: TrainingStep | ReferenceStep,
    context: TrainingContext,
    hooks: CallbackList,
    data: TrainingData,
    batches: list[slice],
    shuffle: bool,
    rng: Any,
) -> History:
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
        history.interrupted |= sigint.requested  # pressed after the last check: not lost
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
