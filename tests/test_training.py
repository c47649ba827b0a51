"""train(): validation split, metrics, early stopping with restore, callbacks, Ctrl-C, divergence,
weight decay, clipping, progress bar, resuming, and input validation."""

import io
import json
import signal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn import (
    MSE,
    Adam,
    BinaryCrossEntropy,
    Callback,
    CategoricalCrossEntropy,
    EarlyStopping,
    GradientDescent,
    Linear,
    Logistic,
    Sequential,
    Softmax,
    TrainingDivergedError,
    datasets,
    initializers,
    train,
)
from scratchnn.optimizers import StepDecay
from scratchnn.regularization import ClipByGlobalNorm, global_norm
from scratchnn.tutorial.part5 import tutorial_early_stopping


def _regression(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    T = X @ np.array([[1.0, -2.0], [0.5, 0.0], [-1.0, 1.0]]) + 0.1 * rng.normal(size=(n, 2))
    return X, T


def _linear(seed=1):
    return Sequential([Linear(3, 2, rng=seed)])


def _mse_grads(W, b, X, T):
    """Gradients of the mean squared error of XW + b (mean over all N·k elements)."""
    residual = X @ W + b - T
    scale = 2.0 / residual.size
    return scale * X.T @ residual, scale * residual.sum(axis=0)


def _fixed_line(w):
    layer = Linear(1, 1, bias=False)
    layer.params["W"][...] = w
    return layer


# --- default behaviour is the tutorial's ------------------------------------------------------


def test_part5_first_epoch_numbers_unchanged():
    # docs/tutorial-notes.md, Part 5: first mini-batch cost 2.3053, after epoch 1 train 2.2808, val 2.2870.
    rng = np.random.RandomState(1)
    splits = datasets.digits_splits(rng)
    init = initializers.normal(0.1)
    net = Sequential(
        [
            Linear(64, 20, weight_init=init, rng=rng),
            Logistic(),
            Linear(20, 20, weight_init=init, rng=rng),
            Logistic(),
            Linear(20, 10, weight_init=init, rng=rng),
            Softmax(),
        ]
    )
    h = train(
        net,
        CategoricalCrossEntropy(),
        GradientDescent(0.1),
        *splits["train"],
        epochs=1,
        batch_size=25,
        validation_data=splits["validation"],
        early_stopping=tutorial_early_stopping(),
    )
    assert round(h.batch_loss[0], 4) == 2.3053
    assert round(h.train_loss[1], 4) == 2.2808
    assert round(h.validation_loss[1], 4) == 2.2870
    assert h.batches_per_epoch == 43 and len(h.batch_loss) == 43


def test_validation_fraction_holds_out_a_permutation_drawn_from_rng():
    X, T = _regression(n=20)
    net = _linear()
    W0, b0 = net[0].params["W"].copy(), net[0].params["b"].copy()
    h = train(net, MSE(), GradientDescent(0.1), X, T, epochs=1, validation_fraction=0.25, rng=7)
    perm = np.random.default_rng(7).permutation(20)
    val, tr = perm[:5], np.sort(perm[5:])  # ceil(0.25 · 20) = 5 held out
    assert h.validation_loss[0] == pytest.approx(np.mean((X[val] @ W0 + b0 - T[val]) ** 2))
    gW, gb = _mse_grads(W0, b0, X[tr], T[tr])  # one full-batch step on the other 15
    np.testing.assert_allclose(net[0].params["W"], W0 - 0.1 * gW, rtol=1e-12)
    np.testing.assert_allclose(net[0].params["b"], b0 - 0.1 * gb, rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"validation_fraction": 0.0}, ValueError, "validation_fraction"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
        ({"validation_fraction": 0.99}, ValueError, "no training samples"),
        ({"validation_fraction": 0.2, "validation_data": "x"}, ValueError, "not both"),
        ({"validation_data": (np.zeros((3, 3)),)}, TypeError, "validation_data"),
        (
            {"validation_data": (np.zeros((3, 4)), np.zeros((3, 2)))},
            ValueError,
            "X_val must have 3",
        ),
        (
            {"validation_data": (np.zeros((3, 3)), np.zeros((3, 1)))},
            ValueError,
            "T_val must have 2",
        ),
        ({"validation_data": (np.zeros((3, 3)), np.full((3, 2), np.inf))}, ValueError, "T_val"),
        ({"validation_data": (np.zeros((3, 3)), np.zeros((4, 2)))}, ValueError, "X_val and T_val"),
    ],
)
def test_bad_validation_arguments(kwargs, error, match):
    X, T = _regression(n=10)
    with pytest.raises(error, match=match):
        train(_linear(), MSE(), GradientDescent(0.1), X, T, epochs=1, **kwargs)


# --- metrics ----------------------------------------------------------------------------------


def _classification(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    labels = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, np.eye(2)[labels]


def test_accuracy_per_epoch_for_softmax_outputs():
    X, T = _classification()
    Xv, Tv = _classification(n=30, seed=1)
    net = Sequential([Linear(2, 2, rng=3), Softmax()])
    initial = Sequential([Linear(2, 2, rng=3), Softmax()])
    h = train(
        net,
        CategoricalCrossEntropy(),
        GradientDescent(0.5),
        X,
        T,
        epochs=5,
        validation_data=(Xv, Tv),
        metrics=("accuracy",),
    )

    def acc(model, x, t):
        return np.mean(np.argmax(model.predict(x), 1) == np.argmax(t, 1))

    assert len(h.train_accuracy) == len(h.validation_accuracy) == 6
    assert h.train_accuracy[0] == acc(initial, X, T)
    assert h.train_accuracy[-1] == acc(net, X, T)
    assert h.validation_accuracy[-1] == acc(net, Xv, Tv)
    assert h.series("validation_accuracy") is h.validation_metrics["accuracy"]


def test_accuracy_for_one_logistic_output_and_custom_metrics():
    X, T = _classification()
    t1 = T[:, 1:]
    net = Sequential([Linear(2, 1, rng=0), Logistic()])

    def error_rate(y, t):
        return float(np.mean((y > 0.5) != (t > 0.5)))

    h = train(
        net,
        BinaryCrossEntropy(),
        GradientDescent(1.0),
        X,
        t1,
        epochs=3,
        metrics={"accuracy": __import__("scratchnn").training.accuracy, "err": error_rate},
    )
    y = net.predict(X)
    assert h.train_metrics["accuracy"][-1] == np.mean((y > 0.5) == (t1 > 0.5))
    assert h.train_metrics["err"][-1] == pytest.approx(1 - h.train_metrics["accuracy"][-1])
    assert h.validation_metrics == {}
    h2 = train(
        net, BinaryCrossEntropy(), GradientDescent(1.0), X, t1, epochs=1, metrics=[error_rate]
    )
    assert list(h2.train_metrics) == ["error_rate"]


@pytest.mark.parametrize(
    "metrics, error, match",
    [
        (("f1",), ValueError, "unknown metric"),
        ((3,), TypeError, "metrics"),
        (("accuracy", "accuracy"), ValueError, "distinct"),
    ],
)
def test_bad_metrics(metrics, error, match):
    X, T = _classification()
    net = Sequential([Linear(2, 2), Softmax()])
    with pytest.raises(error, match=match):
        train(net, CategoricalCrossEntropy(), GradientDescent(0.1), X, T, epochs=1, metrics=metrics)


# --- early stopping ---------------------------------------------------------------------------


def _line_data():
    # Train towards t = 2x from w = 0; validate against t = x. Gradient descent moves w
    # monotonically from 0 to 2, so the validation loss falls until w ≈ 1, then rises.
    x = np.linspace(-1, 1, 21)[:, None]
    return x, 2 * x, x


def test_early_stopping_restores_the_best_weights():
    x, t, tv = _line_data()
    net = Sequential([_fixed_line(0.0)])
    stopper = EarlyStopping(patience=3)
    h = train(
        net,
        MSE(),
        GradientDescent(0.1),
        x,
        t,
        epochs=200,
        validation_data=(x, tv),
        early_stopping=stopper,
        record_params=True,
    )
    v = np.array(h.validation_loss)
    best = int(np.argmin(v))
    assert h.best_epoch == stopper.best_epoch == best > 0
    assert h.stopped_early and h.epochs == best + 3 == stopper.stopped_epoch
    assert all(v[best + 1 :] >= v[best])
    np.testing.assert_array_equal(net[0].params["W"], h.params[best]["0.W"])
    assert stopper.restored and stopper.best_value == v[best]
    w = net[0].params["W"][0, 0]
    assert abs(w - 1.0) < 0.1  # the validation optimum


def test_restore_best_false_keeps_the_last_weights_and_callbacks_list_works():
    x, t, tv = _line_data()
    net = Sequential([_fixed_line(0.0)])
    h = train(
        net,
        MSE(),
        GradientDescent(0.1),
        x,
        t,
        epochs=200,
        validation_data=(x, tv),
        callbacks=[EarlyStopping(patience=2, restore_best=False)],
        record_params=True,
    )
    assert h.stopped_early and h.epochs == h.best_epoch + 2
    np.testing.assert_array_equal(net[0].params["W"], h.params[-1]["0.W"])


def test_initial_state_can_be_the_best():
    x, t, _ = _line_data()
    net = Sequential([_fixed_line(0.0)])
    h = train(
        net,
        MSE(),
        GradientDescent(0.1),
        x,
        t,
        epochs=50,
        validation_data=(x, -t),
        early_stopping=EarlyStopping(patience=4),
    )
    assert h.best_epoch == 0 and h.epochs == 4
    assert net[0].params["W"][0, 0] == 0.0


def test_min_delta_and_maximised_metrics():
    x, t, _ = _line_data()
    # Training loss keeps falling, but by less than min_delta after a while.
    h = train(
        Sequential([_fixed_line(0.0)]),
        MSE(),
        GradientDescent(0.05),
        x,
        t,
        epochs=500,
        early_stopping=EarlyStopping("train_loss", patience=2, min_delta=1e-3),
    )
    drops = -np.diff(h.train_loss)
    assert h.stopped_early and h.epochs < 500
    assert np.all(drops[-2:] <= 1e-3)
    X, T = _classification()
    h = train(
        Sequential([Linear(2, 2, rng=0), Softmax()]),
        CategoricalCrossEntropy(),
        GradientDescent(0.5),
        X,
        T,
        epochs=300,
        metrics=("accuracy",),
        early_stopping=EarlyStopping("train_accuracy", patience=5),
    )
    assert h.stopped_early
    assert h.train_accuracy[h.best_epoch] == max(h.train_accuracy)


def test_early_stopping_errors():
    x, t, _ = _line_data()
    with pytest.raises(ValueError, match="monitor 'validation_loss'"):
        train(
            Sequential([_fixed_line(0.0)]),
            MSE(),
            GradientDescent(0.1),
            x,
            t,
            epochs=2,
            early_stopping=EarlyStopping(),
        )
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=0)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="up")
    with pytest.raises(TypeError, match="early_stopping"):
        train(
            Sequential([_fixed_line(0.0)]),
            MSE(),
            GradientDescent(0.1),
            x,
            t,
            epochs=2,
            early_stopping=5,
        )


# --- callbacks, Ctrl-C ------------------------------------------------------------------------


class Recorder(Callback):
    def __init__(self):
        self.events, self.params = [], []

    def on_train_begin(self, ctx):
        self.events.append(("begin", ctx.epoch, len(ctx.history.train_loss)))

    def on_batch_end(self, ctx):
        self.events.append(("batch", ctx.epoch, ctx.batch))
        self.params.append([p.copy() for p in ctx.network.parameters()])

    def on_epoch_end(self, ctx):
        self.events.append(("epoch", ctx.epoch, ctx.batch))

    def on_train_end(self, ctx):
        self.events.append(("end", ctx.history.epochs, ctx.history.interrupted))


def test_callback_hooks_order_and_plain_callbacks():
    X, T = _regression(n=12)
    rec = Recorder()
    seen = []
    h = train(
        _linear(),
        MSE(),
        GradientDescent(0.1),
        X,
        T,
        epochs=2,
        batch_size=4,
        callbacks=[rec, lambda history: seen.append(history.epochs)],
    )
    assert rec.events == [
        ("begin", 0, 1),
        ("batch", 1, 1),
        ("batch", 1, 2),
        ("batch", 1, 3),
        ("epoch", 1, 0),
        ("batch", 2, 1),
        ("batch", 2, 2),
        ("batch", 2, 3),
        ("epoch", 2, 0),
        ("end", 2, False),
    ]
    assert seen == [1, 2] and not h.stopped_early
    h = train(
        _linear(),
        MSE(),
        GradientDescent(0.1),
        X,
        T,
        epochs=5,
        callbacks=[lambda history: history.epochs == 2],
    )
    assert h.epochs == 2 and h.stopped_early


def _reference_updates(X, T, epochs=2, batch_size=4):
    rec = Recorder()
    train(_linear(), MSE(), Adam(0.1), X, T, epochs=epochs, batch_size=batch_size, callbacks=[rec])
    return rec.params


class InterruptAt(Callback):
    def __init__(self, update, use_signal=False):
        self.update, self.count, self.use_signal = update, 0, use_signal

    def on_batch_end(self, ctx):
        self.count += 1
        if self.count == self.update:
            if self.use_signal:
                signal.raise_signal(signal.SIGINT)  # as if Ctrl-C were pressed now
            else:
                raise KeyboardInterrupt


@pytest.mark.parametrize("use_signal", [False, True])
def test_ctrl_c_stops_after_a_complete_update(use_signal):
    X, T = _regression(n=12)
    reference = _reference_updates(X, T)
    net = _linear()
    h = train(
        net, MSE(), Adam(0.1), X, T, epochs=2, batch_size=4, callbacks=[InterruptAt(5, use_signal)]
    )
    assert h.interrupted and h.epochs == 1 and len(h.batch_loss) == 5
    for p, r in zip(net.parameters(), reference[4]):
        np.testing.assert_array_equal(p, r)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert np.all(np.isfinite(net.predict(X)))


class SignalMidUpdate(Adam):
    """Ctrl-C arrives while the second update is being computed (a subclass: the executor
    runs its own ``update``, the parameters are written after it returns)."""

    def update(self, grads, state, params):
        if state.count == 1:
            signal.raise_signal(signal.SIGINT)
        return super().update(grads, state, params)


def test_sigint_during_an_update_is_deferred_until_it_completes():
    X, T = _regression(n=12)
    reference = _reference_updates(X, T)
    net = _linear()
    h = train(net, MSE(), SignalMidUpdate(0.1), X, T, epochs=2, batch_size=4)
    assert h.interrupted and len(h.batch_loss) == 2
    for p, r in zip(net.parameters(), reference[1]):  # both arrays got update 2
        np.testing.assert_allclose(p, r, rtol=1e-12)  # the reference rule: rounding apart


class SignalAtTrainEnd(Callback):
    """Ctrl-C pressed after the last check of the loop, while training winds up."""

    def on_train_end(self, context):
        signal.raise_signal(signal.SIGINT)


def test_sigint_after_the_last_update_is_not_lost():
    X, T = _regression(n=12)
    h = train(
        _linear(), MSE(), GradientDescent(0.1), X, T, epochs=2, callbacks=[SignalAtTrainEnd()]
    )
    assert h.interrupted and h.epochs == 2


def test_interrupt_from_a_plain_callback_and_early_stopping_restores():
    x, t, tv = _line_data()

    def interrupt(history):
        if history.epochs == 20:
            raise KeyboardInterrupt

    net = Sequential([_fixed_line(0.0)])
    h = train(
        net,
        MSE(),
        GradientDescent(0.1),
        x,
        t,
        epochs=200,
        validation_data=(x, tv),
        early_stopping=EarlyStopping(patience=100),
        callbacks=[interrupt],
        record_params=True,
    )
    assert h.interrupted and h.epochs == 20
    np.testing.assert_array_equal(net[0].params["W"], h.params[h.best_epoch]["0.W"])


# --- divergence -------------------------------------------------------------------------------


def test_non_finite_batch_loss_names_epoch_and_batch():
    X, T = _regression(n=12)
    # With μ = 1e200 the first update sends the weights to ~1e200: the second batch's
    # squared error overflows to inf.
    with pytest.raises(TrainingDivergedError) as info:
        train(_linear(), MSE(), GradientDescent(1e200), X, T, epochs=100, batch_size=4)
    err = info.value
    assert (err.epoch, err.batch) == (1, 2)
    assert "loss became inf at epoch 1, batch 2" in str(err)
    assert "learning rate 1e+200" in str(err)
    assert len(err.history.batch_loss) == 1
    assert isinstance(err, ValueError)


def test_non_finite_full_batch_loss_names_the_end_of_epoch():
    X, T = _regression(n=12)
    with pytest.raises(TrainingDivergedError, match=r"at the end of epoch \d+") as info:
        train(_linear(), MSE(), GradientDescent(1e3), X, T, epochs=500)
    assert info.value.batch == 0


def test_divergence_with_early_stopping_leaves_the_best_weights():
    X, T = _regression(n=12)
    net = _linear()
    with pytest.raises(TrainingDivergedError):
        train(
            net,
            MSE(),
            GradientDescent(1e3),
            X,
            T,
            epochs=500,
            batch_size=4,
            validation_data=(X, T),
            early_stopping=EarlyStopping(patience=1000),
        )
    assert np.all(np.isfinite(net.predict(X)))


# --- weight decay and clipping ----------------------------------------------------------------


@pytest.mark.parametrize("decay_biases", [False, True])
def test_weight_decay_adds_lambda_theta_to_weights_only_by_default(decay_biases):
    X, T = _regression()
    net = _linear()
    W0, b0 = net[0].params["W"].copy(), net[0].params["b"].copy() + 0.5
    net[0].params["b"][...] = b0
    mu, lam = 0.1, 0.3
    train(
        net, MSE(), GradientDescent(mu), X, T, epochs=1, weight_decay=lam, decay_biases=decay_biases
    )
    gW, gb = _mse_grads(W0, b0, X, T)
    np.testing.assert_allclose(net[0].params["W"], W0 - mu * (gW + lam * W0), rtol=1e-12)
    expected_b = b0 - mu * (gb + lam * b0) if decay_biases else b0 - mu * gb
    np.testing.assert_allclose(net[0].params["b"], expected_b, rtol=1e-12)


def test_clip_norm_rescales_the_whole_gradient():
    X, T = _regression()
    net = _linear()
    W0, b0 = net[0].params["W"].copy(), net[0].params["b"].copy()
    gW, gb = _mse_grads(W0, b0, X, T)
    norm = np.sqrt(np.sum(gW**2) + np.sum(gb**2))
    c = norm / 4
    h = train(net, MSE(), GradientDescent(0.1), X, T, epochs=1, clip_norm=c)
    assert h.grad_norm == [pytest.approx(norm, rel=1e-12)]
    np.testing.assert_allclose(net[0].params["W"], W0 - 0.1 * gW * c / norm, rtol=1e-12)
    np.testing.assert_allclose(net[0].params["b"], b0 - 0.1 * gb * c / norm, rtol=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    shapes=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=4),
    scale=st.floats(1e-3, 1e3),
    max_norm=st.floats(1e-2, 1e2),
    seed=st.integers(0, 1000),
)
def test_clip_by_global_norm_property(shapes, scale, max_norm, seed):
    rng = np.random.default_rng(seed)
    grads = [scale * rng.normal(size=s) for s in shapes]
    before = [g.copy() for g in grads]
    norm = np.sqrt(sum(np.sum(g**2) for g in before))
    clip = ClipByGlobalNorm(max_norm)
    clipped, state = clip.update(grads, clip.init(grads), grads)
    assert state.norm == pytest.approx(norm, rel=1e-12)
    for g, b in zip(grads, before):  # a pure transformation: its input is untouched
        np.testing.assert_array_equal(g, b)
    if norm <= max_norm:
        for g, b in zip(clipped, before):
            np.testing.assert_array_equal(g, b)
    else:
        assert global_norm(clipped) == pytest.approx(max_norm, rel=1e-10)
        for g, b in zip(clipped, before):
            np.testing.assert_allclose(g, b * (max_norm / norm), rtol=1e-12)


# --- history, schedules, resuming -------------------------------------------------------------


def test_history_records_learning_rates_and_is_json_ready():
    X, T = _regression(n=12)
    schedule = StepDecay(0.1, factor=0.5, step_size=2)
    h = train(_linear(), MSE(), GradientDescent(schedule), X, T, epochs=2, batch_size=4)
    assert h.learning_rate == [0.1 * 0.5 ** (k // 2) for k in range(6)]
    assert h.batches_per_epoch == 3 and len(h.batch_loss) == 6
    assert json.loads(json.dumps(h.to_dict()))["epochs"] == 2


@pytest.mark.parametrize("shuffle", [False, True])
def test_training_in_two_calls_equals_one_call(shuffle):
    # What partial_fit relies on: the optimiser state and a shared Generator carry over.
    X, T = _regression(n=16)
    one, two = _linear(), _linear()
    rng1, rng2 = np.random.default_rng(3), np.random.default_rng(3)
    train(one, MSE(), opt1 := Adam(0.05), X, T, epochs=4, batch_size=4, shuffle=shuffle, rng=rng1)
    opt2 = Adam(0.05)
    for _ in range(2):
        train(two, MSE(), opt2, X, T, epochs=2, batch_size=4, shuffle=shuffle, rng=rng2)
    for a, b in zip(one.parameters(), two.parameters()):
        np.testing.assert_array_equal(a, b)
    assert opt1.step_count == opt2.step_count == 16


# --- progress bar -----------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(
    "verbose, tty, shown", [(1, True, "bar"), (1, False, "lines"), (0, True, None)]
)
def test_progress_bar_on_a_terminal_lines_elsewhere(monkeypatch, verbose, tty, shown):
    stream = FakeTerminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    X, T = _regression(n=12)
    train(
        _linear(),
        MSE(),
        GradientDescent(0.1),
        X,
        T,
        epochs=3,
        verbose=verbose,
        validation_fraction=0.25,
        rng=0,
    )
    out = stream.getvalue()
    assert ("3/3" in out and "validation_loss" in out) == (shown is not None)
    assert ("\r" in out) == (shown == "bar")
    assert (out.count("\n") == 3 and out.startswith("epoch 1/3: ")) == (shown == "lines")


# --- input validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, error, match",
    [
        (lambda X, T: (X[:, :2], T), ValueError, "X must have 3 features"),
        (lambda X, T: (X, T[:, :1]), ValueError, "T must have 2 columns"),
        (lambda X, T: (X[:, 0], T), ValueError, "X must have 2 dimension"),
        (lambda X, T: (X[:0], T[:0]), ValueError, "X must not be empty"),
        (lambda X, T: (X.astype(str), T), TypeError, "X must hold real numbers"),
        (lambda X, T: (X, np.where(T > 0, np.inf, T)), ValueError, "T must not contain"),
        (lambda X, T: (X, T[:-1]), ValueError, "X and T must have the same number"),
        (lambda X, T: (X.astype(complex), T), TypeError, "X must hold real"),
    ],
)
def test_bad_training_data(change, error, match):
    X, T = change(*_regression(n=10))
    with pytest.raises(error, match=match):
        train(_linear(), MSE(), GradientDescent(0.1), X, T, epochs=1)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"weight_decay": -1.0}, ValueError, "weight_decay"),
        ({"clip_norm": 0.0}, ValueError, "clip_norm"),
        ({"verbose": -1}, ValueError, "verbose"),
        ({"callbacks": [3]}, TypeError, r"callbacks\[0\]"),
        ({"rng": "seed", "shuffle": True}, TypeError, "rng"),
        ({"epochs": 1.5}, TypeError, "epochs"),
        ({"shuffle": "cumulative"}, TypeError, "shuffle must be a bool"),
        ({"shuffle": 1}, TypeError, "shuffle must be a bool"),
    ],
)
def test_bad_training_options(kwargs, error, match):
    X, T = _regression(n=10)
    kwargs = {"epochs": 1, **kwargs}
    with pytest.raises(error, match=match):
        train(_linear(), MSE(), GradientDescent(0.1), X, T, **kwargs)


def test_bad_model_objects():
    X, T = _regression(n=10)
    with pytest.raises(TypeError, match="network"):
        train([Linear(3, 2)], MSE(), GradientDescent(0.1), X, T, epochs=1)
    with pytest.raises(TypeError, match="loss"):
        train(_linear(), "mse", GradientDescent(0.1), X, T, epochs=1)
    with pytest.raises(TypeError, match="optimizer"):
        train(_linear(), MSE(), 0.1, X, T, epochs=1)
    with pytest.raises(ValueError, match="layer 1 .* expects 4 inputs"):
        train(Sequential([Linear(3, 2), Linear(4, 2)]), MSE(), GradientDescent(0.1), X, T, epochs=1)


def test_predict_and_forward_validate_their_input():
    net = _linear()
    with pytest.raises(ValueError, match="x must not contain NaN"):
        net.predict(np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="x must have 3 features"):
        net.predict(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="x must have 3 features"):
        net.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="2 dimensions"):
        net.forward(np.zeros(3))
    with pytest.raises(TypeError, match="real numbers"):
        net.predict([["a", "b", "c"]])
    with pytest.raises(ValueError, match="empty"):
        net.predict(np.zeros((0, 3)))
    np.testing.assert_array_equal(net.predict([[1, 2, 3]]), net.forward(np.array([[1.0, 2, 3]])))
    with pytest.raises(TypeError, match="dtype"):
        Linear(2, 2, dtype=np.int64)
