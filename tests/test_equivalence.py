"""The executor equals the reference path.

Random networks (every layer type), every loss and reduction, every optimiser with and without
weight decay and clipping, float64 and float32: the same batches through the plain path
(``Sequential.loss_and_gradients`` + ``Optimizer.step``, one NumPy expression per formula)
and through :class:`scratchnn.TrainingStep` (in-place kernels, flat storage) give the same
losses, gradients, optimiser state and parameters.
"""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnn as nn
from scratchnn.optimizers import ExponentialDecay

RTOL = {np.float64: 1e-12, np.float32: 2e-4}
ATOL = {np.float64: 1e-14, np.float32: 1e-6}

HIDDEN = {
    "ReLU": nn.ReLU,
    "Logistic": nn.Logistic,
    "Tanh": nn.Tanh,
    "GaussianRBF": nn.GaussianRBF,
    "Identity": nn.Identity,
    "Dropout": lambda: nn.Dropout(0.3, rng=7),
}

OPTIMIZERS = {
    "sgd": lambda: nn.GradientDescent(0.05),
    "momentum": lambda: nn.GradientDescent(0.05, momentum=0.9),
    "nesterov": lambda: nn.GradientDescent(0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: nn.RMSprop(0.01),
    "adam": lambda: nn.Adam(0.01),
    "adam-epsilon-hat": lambda: nn.Adam(0.01, epsilon=1e-3, epsilon_hat=True),
    "adamw": lambda: nn.AdamW(0.01, weight_decay=0.1),
    "adam-schedule": lambda: nn.Adam(ExponentialDecay(0.01, 0.5, 2)),
}

TRANSFORMS = {
    "none": lambda: [],
    "decay": lambda: [nn.WeightDecay(0.01)],
    "decay-biases": lambda: [nn.WeightDecay(0.01, decay_biases=True)],
    "clip": lambda: [nn.ClipByGlobalNorm(0.05)],
    "decay+clip": lambda: [nn.WeightDecay(0.01), nn.ClipByGlobalNorm(0.05)],
}

HEADS = {  # output layer and loss
    "softmax+cce": (nn.Softmax, nn.CategoricalCrossEntropy),  # fused
    "logistic+bce": (nn.Logistic, nn.BinaryCrossEntropy),  # fused
    "identity+mse": (nn.Identity, nn.MSE),
    "linear+mse": (None, nn.MSE),
    "tanh+mse": (nn.Tanh, nn.MSE),
    "logistic+cce": (nn.Logistic, nn.CategoricalCrossEntropy),  # not fused
    "softmax+mse": (nn.Softmax, nn.MSE),
}


def _network(hidden, head, n_in, n_out, dtype, seed):
    rng = np.random.default_rng(seed)
    layers, width = [], n_in
    for k, name in enumerate(hidden):
        if name == "Bias":
            layers.append(nn.Bias(width, dtype=dtype))
            layers[-1].params["b"][...] = rng.normal(size=width)
            continue
        n = int(rng.integers(2, 6))
        layers += [nn.Linear(width, n, rng=rng, dtype=dtype), HIDDEN[name]()]
        width = n
    layers.append(nn.Linear(width, n_out, rng=rng, dtype=dtype))
    output, _ = HEADS[head]
    if output is not None:
        layers.append(output())
    return nn.Sequential(layers)


def _data(head, n, n_in, n_out, dtype, seed):
    rng = np.random.default_rng(seed + 1)
    X = rng.normal(size=(n, n_in)).astype(dtype)
    if head.endswith("cce"):
        T = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n)]
    elif head.endswith("bce"):
        T = (rng.random((n, n_out)) < 0.5).astype(dtype)
    else:
        T = rng.normal(size=(n, n_out)).astype(dtype)
    return X, T


def _compare(a, b, dtype, what):
    np.testing.assert_allclose(a, b, rtol=RTOL[dtype], atol=ATOL[dtype], err_msg=what)


def _run_both(hidden, head, optimizer, transforms, dtype, reduction="mean", seed=0, steps=4):
    n_in, n_out, n = 3, 3, 12
    net = _network(hidden, head, n_in, n_out, dtype, seed)
    X, T = _data(head, n, n_in, n_out, dtype, seed)
    loss = HEADS[head][1](reduction)
    fast_net = copy.deepcopy(net)
    plain_opt = nn.chain(*TRANSFORMS[transforms](), OPTIMIZERS[optimizer]())
    fast_opt = copy.deepcopy(plain_opt)
    step = nn.TrainingStep(fast_net, loss, fast_opt)
    batches = [slice(0, 5), slice(5, 12)]  # two sizes: buffers are re-made
    X_before = X.copy()
    for k in range(steps):
        s = batches[k % 2]
        plain_value = net.loss_and_gradients(loss, X[s], T[s])
        fast_value = step.loss_and_gradients(X[s], T[s])
        _compare(fast_value, plain_value, dtype, f"loss at step {k}")
        for (name, _), g, h in zip(net.named_parameters(), net.gradients(), fast_net.gradients()):
            _compare(h, g, dtype, f"gradient of {name} at step {k}")
        plain_opt.step(net.parameters(), net.gradients())
        step.update()
        for (name, p), q in zip(net.named_parameters(), fast_net.parameters()):
            _compare(q, p, dtype, f"{name} after step {k}")
    for name in fast_opt.optimizer.state_names:
        for a, b in zip(getattr(fast_opt.optimizer, name), getattr(plain_opt.optimizer, name)):
            _compare(a, b, dtype, f"optimiser state {name}")
    assert fast_opt.step_count == plain_opt.step_count == steps
    for a, b in zip(fast_opt.transform_states, plain_opt.transform_states):
        assert type(a) is type(b)
    np.testing.assert_array_equal(X, X_before)  # the caller's data is never written


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("transforms", list(TRANSFORMS))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_and_transformation(optimizer, transforms, dtype):
    _run_both(["ReLU", "Tanh"], "softmax+cce", optimizer, transforms, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("hidden", [[name] for name in HIDDEN] + [["Bias", "Logistic"]])
def test_every_layer_loss_and_reduction(hidden, head, reduction, dtype):
    _run_both(hidden, head, "momentum", "none", dtype, reduction=reduction)


@settings(max_examples=60, deadline=None)
@given(
    hidden=st.lists(st.sampled_from([*HIDDEN, "Bias"]), max_size=4),
    head=st.sampled_from(list(HEADS)),
    optimizer=st.sampled_from(list(OPTIMIZERS)),
    transforms=st.sampled_from(list(TRANSFORMS)),
    reduction=st.sampled_from(["mean", "sum"]),
    seed=st.integers(0, 10_000),
)
def test_random_networks(hidden, head, optimizer, transforms, reduction, seed):
    _run_both(hidden, head, optimizer, transforms, np.float64, reduction, seed)


def test_one_to_one_linear_and_large_batches():
    """Part 1's y = x·w (elementwise kernel) and MSE's factor moved to the parameter
    gradients when the output is larger than them."""
    rng = np.random.default_rng(3)
    x = rng.random((5000, 1))
    t = 2 * x + 0.1 * rng.normal(size=x.shape)
    net = nn.Sequential([nn.Linear(1, 1, bias=False, rng=1)])
    fast = copy.deepcopy(net)
    plain_opt, fast_opt = nn.GradientDescent(0.9), nn.GradientDescent(0.9)
    step = nn.TrainingStep(fast, nn.MSE(), fast_opt)
    for _ in range(5):
        value = net.loss_and_gradients(nn.MSE(), x, t)
        plain_opt.step(net.parameters(), net.gradients())
        _compare(step(x, t), value, np.float64, "loss")
        _compare(fast[0].params["W"], net[0].params["W"], np.float64, "w")


@pytest.mark.parametrize("head", list(HEADS))
def test_predict_through_the_kernels_is_the_networks_prediction(head):
    net = _network(["ReLU", "Dropout", "Logistic"], head, 3, 3, np.float64, 5)
    X, T = _data(head, 40, 3, 3, np.float64, 5)
    step = nn.TrainingStep(net, HEADS[head][1](), nn.GradientDescent(0.1))
    step(X[:10], T[:10])
    for rows in (40, 10, 40):  # buffers per shape, reused
        _compare(step.predict(X[:rows]), net.predict(X[:rows]), np.float64, "predict")
    assert all(layer.training for layer in net.layers)  # the mode is restored


def test_passes_per_batch_shape_beyond_the_number_kept():
    """Every batch size gets its passes (at most MAX_PLANS kept, then all dropped and
    re-made); each step still equals the plain path, whatever sizes came before."""
    from scratchnn.executor.step import MAX_PLANS

    net = _network(["Logistic", "ReLU"], "softmax+cce", 3, 3, np.float64, 11)
    X, T = _data("softmax+cce", 40, 3, 3, np.float64, 11)
    fast, loss = copy.deepcopy(net), nn.CategoricalCrossEntropy()
    step = nn.TrainingStep(fast, loss, nn.GradientDescent(0.1))
    plain_opt = nn.GradientDescent(0.1)
    for rows in [*range(1, MAX_PLANS + 4), 2, 1, MAX_PLANS + 3]:
        value = net.loss_and_gradients(loss, X[:rows], T[:rows])
        plain_opt.step(net.parameters(), net.gradients())
        _compare(step(X[:rows], T[:rows]), value, np.float64, f"loss of {rows} rows")
        assert len(step._forwards) <= MAX_PLANS and len(step._backwards) <= MAX_PLANS
        for p, q in zip(net.parameters(), fast.parameters()):
            _compare(q, p, np.float64, f"parameters after {rows} rows")


def test_passes_of_a_network_without_an_input_width():
    """A network that starts with an activation takes inputs of any width: the passes are
    per input shape (rows and columns), not per number of rows."""
    net = nn.Sequential([nn.Tanh(), nn.Logistic()])
    step = nn.TrainingStep(net, nn.MSE(), nn.GradientDescent(0.1))
    rng = np.random.default_rng(0)
    for cols in (2, 5, 2):
        x = rng.normal(size=(4, cols))
        _compare(step.predict(x), net.predict(x), np.float64, f"{cols} columns")
        assert step.loss_and_gradients(x, np.zeros((4, cols))) == pytest.approx(
            nn.MSE().value(net.predict(x), np.zeros((4, cols))), rel=1e-12
        )


def test_a_new_input_width_is_checked_after_passes_were_made():
    net = _network(["ReLU"], "linear+mse", 3, 2, np.float64, 2)
    step = nn.TrainingStep(net, nn.MSE(), nn.GradientDescent(0.1))
    x = np.ones((4, 3))
    step(x, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="features"):
        step(np.ones((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="features"):
        step.predict(np.ones((4, 4)))
