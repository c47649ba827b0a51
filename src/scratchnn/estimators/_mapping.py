"""scikit-learn's MLP hyperparameters -> the engine's configuration, as one pure function.

:func:`engine_config` turns the estimator's parameters, the kind of problem and the size of
the training set into an :class:`EngineConfig`: which output layer and loss (tabulated in
:mod:`scratchnn.estimators`), which optimiser with which arguments, the weight decay, the
batch size and the early-stopping rule. It reads nothing else and changes nothing; the one
warning it may produce is returned as text for the caller to emit.

Taking scikit-learn's steps
---------------------------
scikit-learn's MLP minimises, on a mini-batch of :math:`b` samples,

.. math::

    J = \\ell(Y, T) + \\frac{\\alpha}{2b} \\sum_l \\lVert W_l \\rVert^2,

with :math:`\\ell` the mean log-loss (summed over the outputs), or half the mean squared error
:math:`\\frac{1}{2b}\\sum_i \\lVert y_i - t_i \\rVert^2` for regression; biases are not penalised.
The engine's losses are means over samples *and* outputs (and the squared error is not halved),
so the engine minimises :math:`s \\cdot J` with the scale :math:`s` = 1 for multi-class and
binary, :math:`1/K` for multi-label and :math:`2/n_{outputs}` for regression. The estimators
configure the engine so that it takes scikit-learn's steps on :math:`J`:

* ``alpha`` becomes the engine's L2 weight decay :math:`\\lambda = s\\,\\alpha / \\bar b` on the
  weight matrices (not the biases), :math:`\\bar b = N_{train} / n_{batches}` the mean batch
  size (the gradient of :math:`s\\frac{\\alpha}{2\\bar b}\\lVert W \\rVert^2` is
  :math:`\\lambda W`);
* ``solver="sgd"`` uses the learning rate :math:`\\mu / s`, so that the step
  :math:`(\\mu / s)\\,\\nabla(sJ)` is scikit-learn's :math:`\\mu \\nabla J`; ``"adam"``,
  ``"adamw"`` and ``"rmsprop"`` are invariant to the scale of the gradient but for their
  stabiliser, so they use ``epsilon`` :math:`\\cdot s`;
* with ``solver="adamw"``, ``alpha`` is AdamW's *decoupled* weight decay
  (:math:`W \\leftarrow (1 - \\mu\\alpha) W` every update) instead of the L2 term, so
  :math:`\\lambda = 0` and :math:`J` has no penalty.

``loss_curve_`` reports :math:`J` in scikit-learn's units: the engine loss divided by
:math:`s` plus :math:`\\frac{\\alpha}{2\\bar b}\\sum_l \\lVert W_l \\rVert^2`
(:attr:`EngineConfig.penalty`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..layers import Exp, Identity, Layer, Logistic, ReLU, Softmax, Tanh
from ..losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy, HalfPoissonDeviance, Loss
from ..optimizers import Adam, AdamW, GradientDescent, Optimizer, RMSprop
from ..training import split_batches

__all__ = ["ACTIVATIONS", "SOLVERS", "KINDS", "EngineConfig", "Stopping", "engine_config"]

#: Hidden-layer activations by scikit-learn's names.
ACTIVATIONS: dict[str, type[Layer]] = {
    "identity": Identity,
    "logistic": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
}
#: Engine optimisers by ``solver``.
SOLVERS: dict[str, type[Optimizer]] = {
    "adam": Adam,
    "sgd": GradientDescent,
    "rmsprop": RMSprop,
    "adamw": AdamW,
}
#: The kinds of problem (scikit-learn's ``type_of_target`` names, and regression).
KINDS = ("multiclass", "binary", "multilabel-indicator", "regression")

#: Metric names given to :func:`scratchnn.training.train`: :math:`J` on the training
#: batches, and (with early stopping) the score on the validation samples.
OBJECTIVE = "objective"
SCORE = "score"

#: "auto" batch size: ``min(AUTO_BATCH_SIZE, n_train)``, as scikit-learn.
AUTO_BATCH_SIZE = 200


@dataclass(frozen=True)
class Stopping:
    """Arguments of the engine's :class:`~scratchnn.training.EarlyStopping`."""

    monitor: str
    mode: str
    patience: int
    min_delta: float
    restore_best: bool


@dataclass(frozen=True)
class EngineConfig:
    """What the engine is given for one ``fit`` or ``partial_fit`` call.

    Attributes
    ----------
    hidden_activation, output_layer : type of Layer
        Classes of the hidden activations and of the output activation.
    init_factor : float
        scikit-learn's initialisation: weights and biases of a layer with ``fan_in`` inputs
        and ``fan_out`` outputs are drawn from :math:`U(-a, a)`,
        :math:`a = \\sqrt{f / (fan_{in} + fan_{out})}`, :math:`f` = 2 for logistic hidden
        units, else 6 (Glorot).
    out_activation : str
        scikit-learn's name of the output activation (``out_activation_``).
    loss : type of Loss
        The engine loss class; the engine minimises ``loss_scale`` :math:`\\cdot J`.
    loss_scale : float
        :math:`s`: 1 (multi-class, binary), :math:`1/K` (multi-label),
        :math:`2/n_{outputs}` (regression).
    optimizer : type of Optimizer
        The engine optimiser for ``solver``, built as
        ``optimizer(*optimizer_args, **optimizer_kwargs)``.
    optimizer_args : tuple of float
        ``(mu / s,)`` for sgd; ``(mu,)`` for rmsprop; ``(mu, beta_1, beta_2, epsilon * s)``
        for adam and adamw.
    optimizer_kwargs : mapping
        ``momentum`` and ``nesterov`` for sgd, ``epsilon`` (times :math:`s`) for rmsprop,
        ``weight_decay`` (:math:`\\alpha`, decoupled) for adamw.
    n_train : int
        Training samples: all, or :math:`N - \\lceil f N \\rceil` with early stopping.
    batch_weight : float
        :math:`\\bar b`: the mean number of training samples a batch, or with sample weights
        the mean total weight a batch (scikit-learn divides a batch's L2 term by the sum of
        its weights; with early stopping, the held-out samples are assumed to carry their
        share of the weight).
    batch_size, n_batches : int
        Mini-batch size and the number of batches the engine cuts ``n_train`` into.
    weight_decay : float
        The engine's L2 decay :math:`\\lambda = s\\alpha/\\bar b` (0 for adamw).
    penalty : float
        The coefficient :math:`\\alpha / (2\\bar b)` of :math:`\\sum \\lVert W \\rVert^2` in
        :math:`J` (0 for adamw), :math:`\\bar b` = ``n_train / n_batches``.
    epochs : int
        ``max_iter``, or 1 for ``partial_fit``.
    shuffle : bool
    verbose : int
    validation_fraction : float or None
        Held out for early stopping, else None.
    stopping : Stopping or None
        None for ``partial_fit`` (no stopping rule).
    warning : str or None
        A message for the caller to emit as a ``UserWarning`` (batch size clipped).
    """

    hidden_activation: type[Layer]
    output_layer: type[Layer]
    init_factor: float
    out_activation: str
    loss: type[Loss]
    loss_scale: float
    optimizer: type[Optimizer]
    optimizer_args: tuple[float, ...]
    optimizer_kwargs: Mapping[str, Any]
    n_train: int
    batch_weight: float
    batch_size: int
    n_batches: int
    weight_decay: float
    penalty: float
    epochs: int
    shuffle: bool
    verbose: int
    validation_fraction: float | None
    stopping: Stopping | None
    warning: str | None


def _output(
    kind: str, n_outputs: int, loss: str = "squared_error"
) -> tuple[type[Layer], str, type[Loss], float]:
    """Output layer, its scikit-learn name, the engine loss and the loss scale :math:`s`."""
    if kind == "regression" and loss == "poisson":
        # half Poisson deviance: the engine's is a mean over samples and outputs, J's is
        # summed over the outputs (its gradient y − t is J's as it is).
        return Exp, "exp", HalfPoissonDeviance, 1.0 / n_outputs
    if kind == "multiclass":
        return Softmax, "softmax", CategoricalCrossEntropy, 1.0
    if kind in ("binary", "multilabel-indicator"):
        # The engine's binary cross-entropy is a mean over samples and labels.
        return Logistic, "logistic", BinaryCrossEntropy, 1.0 / n_outputs
    if kind == "regression":
        # MSE: mean over samples and outputs, not halved -> 2 / n_outputs times J's gradient.
        return Identity, "identity", MSE, 2.0 / n_outputs
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def _optimizer(
    params: Mapping[str, Any], s: float
) -> tuple[type[Optimizer], tuple[float, ...], dict[str, Any]]:
    """The optimiser class and arguments that take scikit-learn's steps on :math:`J`."""
    solver = params["solver"]
    lr = float(params["learning_rate_init"])
    if solver == "sgd":
        momentum = float(params["momentum"])
        nesterov = bool(params["nesterovs_momentum"]) and momentum > 0
        return GradientDescent, (lr / s,), {"momentum": momentum, "nesterov": nesterov}
    eps = float(params["epsilon"]) * s
    if solver == "rmsprop":
        return RMSprop, (lr,), {"epsilon": eps}
    betas = (float(params["beta_1"]), float(params["beta_2"]))
    if solver == "adamw":
        return AdamW, (lr, *betas, eps), {"weight_decay": float(params["alpha"])}
    return Adam, (lr, *betas, eps), {}


def _batch_size(params: Mapping[str, Any], n_train: int) -> tuple[int, str | None]:
    """``"auto"`` -> ``min(200, n_train)``; a larger int is clipped, with a warning."""
    if params["batch_size"] == "auto":
        return min(AUTO_BATCH_SIZE, n_train), None
    batch_size = int(params["batch_size"])
    if batch_size > n_train:
        return n_train, (
            f"batch_size={batch_size} is larger than the {n_train} training samples; "
            "it is clipped to that"
        )
    return batch_size, None


def _stopping(params: Mapping[str, Any], early: bool) -> Stopping:
    """scikit-learn's rule: stop after ``n_iter_no_change + 1`` epochs without an
    improvement by more than ``tol`` of the training objective (or validation score)."""
    if params["n_iter_no_change"] == math.inf:
        patience = int(params["max_iter"]) + 1
    else:
        patience = int(params["n_iter_no_change"]) + 1
    return Stopping(
        monitor=f"validation_{SCORE}" if early else f"train_{OBJECTIVE}",
        mode="max" if early else "min",
        patience=patience,
        min_delta=float(params["tol"]),
        restore_best=early,
    )


def engine_config(
    params: Mapping[str, Any],
    kind: str,
    n_outputs: int,
    n_samples: int,
    *,
    incremental: bool,
    weight_sum: float | None = None,
) -> EngineConfig:
    """The engine configuration that trains like scikit-learn's MLP with ``params``.

    Parameters
    ----------
    params : mapping
        The estimator's hyperparameters (``get_params()``), already checked.
    kind : {"multiclass", "binary", "multilabel-indicator", "regression"}
    n_outputs : int
        Network outputs: K classes (multi-class), 1 (binary), K labels, or the regression
        outputs.
    n_samples : int
        Samples given to ``fit`` (before the validation split).
    incremental : bool
        ``partial_fit``: one epoch, no stopping rule.
    weight_sum : float, optional
        :math:`\\sum w`: :math:`\\bar b` is then :math:`\\sum w \\cdot N_{train}/N / n_{batches}`.

    Returns
    -------
    EngineConfig
        With :math:`s` the loss scale, :math:`\\bar b = N_{train}/n_{batches}`:
        :math:`\\lambda = s\\alpha/\\bar b`, learning rate :math:`\\mu/s` (sgd) or
        epsilon :math:`\\cdot s` (adam, adamw, rmsprop), patience ``n_iter_no_change + 1``.

    Raises
    ------
    ValueError
        When early stopping's validation set leaves no training samples.
    """
    hidden = params["activation"]
    loss_name = params.get("loss", "squared_error")
    output_layer, out_activation, loss, s = _output(kind, n_outputs, loss_name)
    optimizer, args, kwargs = _optimizer(params, s)
    early = bool(params["early_stopping"])
    fraction = float(params["validation_fraction"])
    n_train = n_samples - math.ceil(fraction * n_samples) if early else n_samples
    if n_train < 1:
        raise ValueError(
            f"validation_fraction={params['validation_fraction']} of {n_samples} samples "
            "leaves no training samples"
        )
    batch_size, warning = _batch_size(params, n_train)
    n_batches = len(split_batches(n_train, batch_size))
    train_weight = n_train if weight_sum is None else weight_sum * n_train / n_samples
    mean_batch = train_weight / n_batches
    decoupled = params["solver"] == "adamw"
    return EngineConfig(
        hidden_activation=ACTIVATIONS[hidden],
        output_layer=output_layer,
        init_factor=2.0 if hidden == "logistic" else 6.0,
        out_activation=out_activation,
        loss=loss,
        loss_scale=s,
        optimizer=optimizer,
        optimizer_args=args,
        optimizer_kwargs=kwargs,
        n_train=n_train,
        batch_weight=mean_batch,
        batch_size=batch_size,
        n_batches=n_batches,
        weight_decay=0.0 if decoupled else s * float(params["alpha"]) / mean_batch,
        penalty=0.0 if decoupled else float(params["alpha"]) / (2.0 * mean_batch),
        epochs=1 if incremental else int(params["max_iter"]),
        shuffle=bool(params["shuffle"]),
        verbose=int(params["verbose"]),
        validation_fraction=fraction if early else None,
        stopping=None if incremental else _stopping(params, early),
        warning=warning,
    )
