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

* ``alpha``: on a batch of :math:`b` samples the gradient of the L2 term,
  :math:`s\\frac{\\alpha}{b} W`, is added to the engine's gradient of every weight matrix (not
  the biases) before the update (:class:`._objective.L2Gradient`, coefficient
  :attr:`EngineConfig.l2_coefficient` :math:`= s\\alpha`); :math:`b` is the batch's own size,
  so the smaller last batch gets scikit-learn's larger coefficient;
* ``solver="sgd"`` uses the learning rate :math:`\\mu / s`, so that the step
  :math:`(\\mu / s)\\,\\nabla(sJ)` is scikit-learn's :math:`\\mu \\nabla J` (the schedules
  change :math:`\\mu`: :mod:`._stopping`); ``"adam"``, ``"adamw"`` and ``"rmsprop"`` are
  invariant to the scale of the gradient but for their stabiliser, so they use ``epsilon``
  :math:`\\cdot s`; ``"adam"`` is scikit-learn's form of Adam
  (:class:`~scratchnn.optimizers.Adam` with ``epsilon_hat=True``);
* with ``solver="adamw"``, ``alpha`` is AdamW's *decoupled* weight decay
  (:math:`W \\leftarrow (1 - \\mu\\alpha) W` every update) instead of the L2 term, so
  :math:`J` has no penalty.

``loss_curve_`` reports what scikit-learn reports: :math:`J`, except that for regression the
squared error is averaged over the outputs too (:math:`\\frac{1}{2 b\\, n_{outputs}} \\sum_i
\\lVert y_i - t_i \\rVert^2`, although its gradient is that of :math:`J`). That is the engine
loss divided by the *report* scale :math:`r` (:math:`r = s`, but 2 for regression), plus
:math:`\\frac{\\alpha}{2b}\\sum_l \\lVert W_l \\rVert^2`, averaged over the epoch's batches
weighted by their sizes.

Mini-batches are scikit-learn's: full batches of ``batch_size`` and a smaller last one, from
an order that every epoch permutes again (the engine's ``batch_split="fill"`` and
``shuffle="cumulative"``).
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

__all__ = ["ACTIVATIONS", "SOLVERS", "KINDS", "SCHEDULES", "EngineConfig", "engine_config"]

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
#: ``learning_rate`` schedules of ``solver="sgd"`` (:mod:`._stopping`).
SCHEDULES = ("constant", "invscaling", "adaptive")
#: The kinds of problem (scikit-learn's ``type_of_target`` names, and regression).
KINDS = ("multiclass", "binary", "multilabel-indicator", "regression")

#: Metric names given to :func:`scratchnn.training.train`: :math:`J` on the training
#: batches, and (with early stopping) the score on the validation samples.
OBJECTIVE = "objective"
SCORE = "score"

#: "auto" batch size: ``min(AUTO_BATCH_SIZE, n_train)``, as scikit-learn.
AUTO_BATCH_SIZE = 200


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
    report_scale : float
        :math:`r`: ``loss_curve_`` holds the engine loss over :math:`r` (plus the L2 term);
        :math:`r = s`, but 2 for regression (scikit-learn averages over the outputs).
    optimizer : type of Optimizer
        The engine optimiser for ``solver``, built as
        ``optimizer(*optimizer_args, **optimizer_kwargs)``.
    optimizer_args : tuple of float
        ``(mu / s,)`` for sgd; ``(mu,)`` for rmsprop; ``(mu, beta_1, beta_2, epsilon * s)``
        for adam and adamw.
    optimizer_kwargs : mapping
        ``momentum`` and ``nesterov`` for sgd, ``epsilon`` (times :math:`s`) for rmsprop,
        ``epsilon_hat`` for adam, ``weight_decay`` (:math:`\\alpha`, decoupled) for adamw.
    rate_scale : float
        The engine's learning rate over scikit-learn's: :math:`1/s` for sgd, else 1.
    schedule : {"constant", "invscaling", "adaptive"}
        ``learning_rate`` for sgd; "constant" for every other solver.
    n_train : int
        Training samples: all, or :math:`N - \\lceil f N \\rceil` with early stopping.
    batch_size, n_batches : int
        Mini-batch size and the number of batches of an epoch (full ones and the rest).
    l2_coefficient : float
        :math:`s\\alpha`: the L2 gradient added on a batch of :math:`b` samples is
        :math:`s\\alpha W / b` (0 for adamw).
    penalty : float
        :math:`\\alpha / 2`: the L2 term of :math:`J` on a batch of :math:`b` samples is
        :math:`\\frac{\\alpha}{2b}\\sum \\lVert W \\rVert^2` (0 for adamw).
    epochs : int
        ``max_iter``, or 1 for ``partial_fit``.
    shuffle : bool
    verbose : int
    validation_fraction : float or None
        Held out for early stopping, else None.
    warning : str or None
        A message for the caller to emit as a ``UserWarning`` (batch size clipped).
    """

    hidden_activation: type[Layer]
    output_layer: type[Layer]
    init_factor: float
    out_activation: str
    loss: type[Loss]
    loss_scale: float
    report_scale: float
    optimizer: type[Optimizer]
    optimizer_args: tuple[float, ...]
    optimizer_kwargs: Mapping[str, Any]
    rate_scale: float
    schedule: str
    n_train: int
    batch_size: int
    n_batches: int
    l2_coefficient: float
    penalty: float
    epochs: int
    shuffle: bool
    verbose: int
    validation_fraction: float | None
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
    return Adam, (lr, *betas, eps), {"epsilon_hat": True}


def _batch_size(params: Mapping[str, Any], n_train: int) -> tuple[int, str | None]:
    """``"auto"`` -> ``min(200, n_train)``; a larger int is clipped, with scikit-learn's
    warning."""
    if params["batch_size"] == "auto":
        return min(AUTO_BATCH_SIZE, n_train), None
    batch_size = int(params["batch_size"])
    if batch_size > n_train:
        return n_train, (
            "Got `batch_size` less than 1 or larger than sample size. It is going to be "
            f"clipped (batch_size={batch_size}, {n_train} training samples)"
        )
    return batch_size, None


def engine_config(
    params: Mapping[str, Any],
    kind: str,
    n_outputs: int,
    n_samples: int,
    *,
    incremental: bool,
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
        ``partial_fit``: one epoch, no validation split.

    Returns
    -------
    EngineConfig
        With :math:`s` the loss scale: L2 coefficient :math:`s\\alpha`, learning rate
        :math:`\\mu/s` (sgd) or epsilon :math:`\\cdot s` (adam, adamw, rmsprop).

    Raises
    ------
    ValueError
        When early stopping's validation set leaves no training samples.
    """
    hidden = params["activation"]
    loss_name = params.get("loss", "squared_error")
    output_layer, out_activation, loss, s = _output(kind, n_outputs, loss_name)
    optimizer, args, kwargs = _optimizer(params, s)
    early = bool(params["early_stopping"]) and not incremental
    fraction = float(params["validation_fraction"])
    n_train = n_samples - math.ceil(fraction * n_samples) if early else n_samples
    if n_train < 1:
        raise ValueError(
            f"validation_fraction={params['validation_fraction']} of {n_samples} samples "
            "leaves no training samples"
        )
    batch_size, warning = _batch_size(params, n_train)
    sgd = params["solver"] == "sgd"
    decoupled = params["solver"] == "adamw"
    return EngineConfig(
        hidden_activation=ACTIVATIONS[hidden],
        output_layer=output_layer,
        init_factor=2.0 if hidden == "logistic" else 6.0,
        out_activation=out_activation,
        loss=loss,
        loss_scale=s,
        report_scale=2.0 if kind == "regression" else s,
        optimizer=optimizer,
        optimizer_args=args,
        optimizer_kwargs=kwargs,
        rate_scale=1.0 / s if sgd else 1.0,
        schedule=params["learning_rate"] if sgd else "constant",
        n_train=n_train,
        batch_size=batch_size,
        n_batches=len(split_batches(n_train, batch_size, "fill")),
        l2_coefficient=0.0 if decoupled else s * float(params["alpha"]),
        penalty=0.0 if decoupled else float(params["alpha"]) / 2.0,
        epochs=1 if incremental else int(params["max_iter"]),
        shuffle=bool(params["shuffle"]),
        verbose=int(params["verbose"]),
        validation_fraction=fraction if early else None,
        warning=warning,
    )
