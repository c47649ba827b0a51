"""``train(..., fast=False)``: the plain path, equal to the executor, and nothing reused handed out.

``fast=False`` runs every step through :class:`scratchnn.training.ReferenceStep` (each layer's
own ``forward``/``backward`` and the optimiser's own ``step``); the default runs the executor.
Both must give the same history and parameters. And whatever either path hands to a user or a
callback (predictions, outputs, histories) must stay as it was after the next call.
"""

import copy

import numpy as np
import pytest

import scratchnn as nn
from scratchnn.training import ReferenceStep, TrainingContext
from test_equivalence import HEADS, OPTIMIZERS, _data, _network

RTOL = {np.float64: 1e-11, np.float32: 2e-4}
ATOL = {np.float64: 1e-13, np.float32: 1e-6}


def _train_both(hidden, head, optimizer, dtype, seed, **options):
    net = _network(hidden, head, 3, 3, dtype, seed)
    X, T = _data(head, 24, 3, 3, dtype, seed)
    loss = HEADS[head][1]()
    runs = []
    for fast in (True, False):
        trained, opt = copy.deepcopy(net), OPTIMIZERS[optimizer]()
        history = nn.train(trained, loss, opt, X, T, fast=fast, **options)
        runs.append((trained, opt, history))
    return runs


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize(
    "hidden, head",
    [
        (["Tanh"], "softmax+cce"),
        (["ReLU", "Logistic"], "identity+mse"),
        (["Dropout"], "logistic+bce"),
    ],
)
def test_fast_false_equals_the_executor(hidden, head, optimizer, dtype):
    options = dict(
        epochs=3,
        batch_size=5,
        shuffle=True,
        rng=3,
        weight_decay=0.01,
        clip_norm=0.5,
        validation_fraction=0.2,
        metrics=("accuracy",) if head != "identity+mse" else (),
    )
    (fast_net, fast_opt, fast), (plain_net, plain_opt, plain) = _train_both(
        hidden, head, optimizer, dtype, seed=1, **options
    )
    rtol, atol = RTOL[dtype], ATOL[dtype]
    for name in ("train_loss", "validation_loss", "batch_loss", "grad_norm", "learning_rate"):
        np.testing.assert_allclose(
            getattr(fast, name), getattr(plain, name), rtol=rtol, atol=atol, err_msg=name
        )
    assert fast.train_metrics == plain.train_metrics  # accuracies: counts of equal argmaxes
    for (name, p), q in zip(fast_net.named_parameters(), plain_net.parameters()):
        np.testing.assert_allclose(p, q, rtol=rtol, atol=atol, err_msg=name)
        assert p.dtype == q.dtype == dtype
    assert fast_opt.step_count == plain_opt.step_count
    for name in fast_opt.state_names:
        for a, b in zip(getattr(fast_opt, name), getattr(plain_opt, name)):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=name)


def test_fast_false_full_batch_and_resume():
    """Full-batch epochs (the executor reuses the next update's forward pass) and a second
    call that resumes the optimiser: the same numbers on both paths."""
    (fast_net, fast_opt, fast), (plain_net, plain_opt, plain) = _train_both(
        ["Tanh"], "softmax+cce", "momentum", np.float64, seed=2, epochs=5
    )
    np.testing.assert_allclose(fast.train_loss, plain.train_loss, rtol=1e-12)
    X, T = _data("softmax+cce", 24, 3, 3, np.float64, 2)
    loss = nn.CategoricalCrossEntropy()
    nn.train(fast_net, loss, fast_opt, X, T, epochs=2)
    nn.train(plain_net, loss, plain_opt, X, T, epochs=2, fast=False)
    for p, q in zip(fast_net.parameters(), plain_net.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)


def test_fast_must_be_a_bool():
    net = _network(["Tanh"], "identity+mse", 3, 3, np.float64, 0)
    X, T = _data("identity+mse", 8, 3, 3, np.float64, 0)
    with pytest.raises(TypeError, match="fast must be a bool"):
        nn.train(net, nn.MSE(), nn.GradientDescent(0.1), X, T, epochs=1, fast="no")


def test_reference_step_raises_on_a_non_finite_loss_and_leaves_the_parameters():
    net = _network(["Tanh"], "identity+mse", 3, 3, np.float64, 0)
    X, T = _data("identity+mse", 8, 3, 3, np.float64, 0)
    T[0, 0] = np.inf
    before = [p.copy() for p in net.parameters()]
    step = ReferenceStep(net, nn.MSE(), nn.GradientDescent(0.1))
    with np.errstate(invalid="ignore", over="ignore"), pytest.raises(FloatingPointError):
        step(X, T)
    for p, q in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("step_type", [nn.TrainingStep, ReferenceStep])
def test_arrays_handed_out_by_a_step_stay_the_callers(step_type):
    net = _network(["ReLU"], "softmax+cce", 3, 3, np.float64, 0)
    X, T = _data("softmax+cce", 10, 3, 3, np.float64, 0)
    step = step_type(net, nn.CategoricalCrossEntropy(), nn.Adam(0.1))
    step.loss_and_gradients(X, T)
    output = step.last_output()
    kept_output = output.copy()
    prediction = step.predict(X)
    kept_prediction = prediction.copy()
    _, evaluated = step.evaluate(X, T)
    kept_evaluated = evaluated.copy()
    for _ in range(3):  # further steps and predictions on inputs of the same shape
        step(X, T)
        step.predict(X[::-1].copy())
        step.evaluate(X[::-1].copy(), T)
    np.testing.assert_array_equal(output, kept_output)
    np.testing.assert_array_equal(prediction, kept_prediction)
    np.testing.assert_array_equal(evaluated, kept_evaluated)


class _KeepOutputs(nn.Callback):
    """Keeps what each batch's hook receives, and a copy taken at the time."""

    def __init__(self):
        self.received, self.copies = [], []

    def on_before_update(self, context: TrainingContext) -> None:
        for received in (context.outputs, context.targets, context.weights):
            self.received.append(received)
            self.copies.append(received.copy())


@pytest.mark.parametrize("fast", [True, False])
def test_callbacks_and_metrics_keep_what_they_receive(fast):
    net = _network(["Tanh"], "softmax+cce", 3, 3, np.float64, 0)
    X, T = _data("softmax+cce", 20, 3, 3, np.float64, 0)
    keep = _KeepOutputs()
    seen = []

    def remember(y, t):  # a metric that keeps its argument
        seen.append((y, y.copy()))
        return float(np.mean(y))

    nn.train(
        net,
        nn.CategoricalCrossEntropy(),
        nn.GradientDescent(0.5),
        X,
        T,
        epochs=3,
        batch_size=5,
        shuffle=True,  # batches gathered into buffers that every batch reuses
        rng=0,
        sample_weight=np.arange(1.0, 21.0),
        epoch_loss="batches",  # the metrics see every batch's outputs
        callbacks=[keep],
        metrics={"mean": remember},
        fast=fast,
    )
    assert len(keep.received) == 3 * 12 and len(seen) == 3 * 4  # no measure before training
    for received, copied in zip(keep.received, keep.copies):
        np.testing.assert_array_equal(received, copied)
    for received, copied in seen:
        np.testing.assert_array_equal(received, copied)


@pytest.mark.parametrize("fast", [True, False])
def test_full_batch_metrics_keep_what_they_receive(fast):
    """Full-batch training measures each epoch's loss by the next update's forward pass on the
    executor: the outputs a metric receives are still its own."""
    net = _network(["Tanh"], "softmax+cce", 3, 3, np.float64, 0)
    X, T = _data("softmax+cce", 20, 3, 3, np.float64, 0)
    seen = []

    def remember(y, t):
        seen.append((y, y.copy()))
        return 0.0

    nn.train(
        net,
        nn.CategoricalCrossEntropy(),
        nn.GradientDescent(0.5),
        X,
        T,
        epochs=4,
        metrics={"m": remember},
        fast=fast,
    )
    assert len(seen) == 5
    for received, copied in seen:
        np.testing.assert_array_equal(received, copied)
