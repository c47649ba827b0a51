"""float32 end to end: float32 in gives float32 parameters, activations, gradients, optimiser
state and predictions, for every layer, loss and optimiser."""

import numpy as np
import pytest

from scratchnn import (
    MSE,
    Adam,
    AdamW,
    Bias,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Dropout,
    GaussianRBF,
    GradientDescent,
    Identity,
    Linear,
    Logistic,
    ReLU,
    RMSprop,
    Sequential,
    Softmax,
    Tanh,
    train,
)
from scratchnn.optimizers import ExponentialDecay

F32 = np.float32

LAYERS = {
    "Linear": lambda: Linear(4, 3, rng=0, dtype=F32),
    "Linear-1x1": lambda: Linear(1, 1, bias=False, rng=0, dtype=F32),
    "Bias": lambda: Bias(4, dtype=F32),
    "Identity": Identity,
    "Logistic": Logistic,
    "Softmax": Softmax,
    "GaussianRBF": GaussianRBF,
    "Tanh": Tanh,
    "ReLU": ReLU,
    "Dropout": lambda: Dropout(0.5, rng=0),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_forward_backward_and_gradients_stay_float32(name):
    layer = LAYERS[name]()
    n_in = getattr(layer, "n_in", 4)
    x = np.random.default_rng(1).normal(size=(5, n_in)).astype(F32)
    y = layer.forward(x)
    assert y.dtype == F32, f"{name} forward gave {y.dtype}"
    grad_x = layer.backward(np.ones_like(y))
    assert grad_x.dtype == F32, f"{name} backward gave {grad_x.dtype}"
    for key in layer.params:
        assert layer.params[key].dtype == F32
        assert layer.grads[key].dtype == F32


def test_float64_layers_convert_to_float32():
    layer = Linear(4, 3, rng=0)
    layer.astype(F32)
    assert layer.params["W"].dtype == layer.grads["W"].dtype == F32


def _targets(loss_name, rng):
    if loss_name == "CategoricalCrossEntropy":
        return np.eye(3, dtype=F32)[rng.integers(0, 3, 6)]
    if loss_name == "BinaryCrossEntropy":
        return rng.integers(0, 2, (6, 3)).astype(F32)
    return rng.normal(size=(6, 3)).astype(F32)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss_cls", [MSE, BinaryCrossEntropy, CategoricalCrossEntropy])
def test_loss_value_gradient_and_fused_gradient_dtype(loss_cls, reduction):
    rng = np.random.default_rng(2)
    loss = loss_cls(reduction)
    z = rng.normal(size=(6, 3)).astype(F32)
    t = _targets(loss_cls.__name__, rng)
    activation = loss.fused_activation() if loss.fused_activation else Identity()
    y = activation.forward(z)
    value = loss.value(y, t)
    reference = loss_cls(reduction).value(y.astype(np.float64), t.astype(np.float64))
    assert isinstance(value, float) and np.isfinite(value)
    assert value == pytest.approx(reference, rel=1e-5)  # computed in float32 precision
    assert loss.gradient(y, t).dtype == F32
    if loss.fused_activation is not None:
        assert loss.fused_gradient(y, t).dtype == F32


def _network():
    # Built in float64 on purpose: training on float32 data converts it.
    return Sequential(
        [
            Linear(4, 6, rng=0),
            Bias(6),
            Tanh(),
            Linear(6, 6, rng=1),
            ReLU(),
            Dropout(0.2, rng=2),
            Linear(6, 6, rng=3),
            GaussianRBF(),
            Linear(6, 6, rng=4),
            Logistic(),
            Identity(),
            Linear(6, 3, rng=5),
            Softmax(),
        ]
    )


OPTIMIZERS = {
    "GradientDescent": lambda: GradientDescent(0.1),
    "Momentum": lambda: GradientDescent(0.1, momentum=0.9),
    "Nesterov": lambda: GradientDescent(ExponentialDecay(0.1, 0.9, 5), momentum=0.9, nesterov=True),
    "RMSprop": lambda: RMSprop(0.01),
    "Adam": lambda: Adam(0.01),
    "AdamW": lambda: AdamW(0.01, weight_decay=0.1),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_training_end_to_end_in_float32(name):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 4)).astype(F32)
    T = np.eye(3, dtype=F32)[rng.integers(0, 3, 40)]
    net, opt = _network(), OPTIMIZERS[name]()
    history = train(
        net,
        CategoricalCrossEntropy(),
        opt,
        X,
        T,
        epochs=4,
        batch_size=10,
        shuffle=True,
        rng=0,
        validation_fraction=0.25,
        metrics=("accuracy",),
        weight_decay=1e-3,
        clip_norm=1.0,
    )
    assert all(np.isfinite(history.train_loss)) and all(np.isfinite(history.validation_loss))
    assert all(p.dtype == F32 for p in net.parameters())
    assert all(g.dtype == F32 for g in net.gradients())
    for state in opt.state_names:
        buffers = getattr(opt, state)
        assert buffers and all(b.dtype == F32 for b in buffers), state
    assert net.predict(X).dtype == F32
    assert net.forward(X).dtype == F32
    assert net.predict(X.astype(np.float64)).dtype == F32  # inputs follow the parameters
    assert opt.step_count == 4 * 3  # 30 training samples in batches of 10
