"""The engine's training loop on Part 1's model: update rule, batching modes, dtype."""

import numpy as np
import pytest

from scratchnn import MSE, GradientDescent, Linear, Sequential, train
from scratchnn.training import TrainingDivergedError, split_batches


def _data(n=20, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, size=(n, 1)).astype(dtype)
    return x, (2 * x + 0.2 * rng.normal(size=(n, 1))).astype(dtype)


def _model(w0, dtype=np.float64):
    net = Sequential([Linear(1, 1, bias=False, dtype=dtype)])
    net[0].params["W"][...] = w0
    return net


def test_one_update_equals_the_written_out_formula():
    x, t = _data()
    w0, mu = 0.3, 0.9
    net = _model(w0)
    train(net, MSE(), GradientDescent(mu), x, t, epochs=1)
    expected = w0 - mu * 2 * np.mean(x * (x * w0 - t))  # Δw = μ·2·mean(x(y − t))
    assert net[0].params["W"][0, 0] == pytest.approx(expected, rel=1e-14)


def test_history_includes_the_initial_state():
    x, t = _data()
    net = _model(0.1)
    history = train(net, MSE(), GradientDescent(0.5), x, t, epochs=3, record_params=True)
    assert len(history.train_loss) == len(history.params) == 4
    assert history.params[0]["0.W"][0, 0] == 0.1
    assert history.train_loss[0] == pytest.approx(np.mean((x * 0.1 - t) ** 2))
    assert history.batch_loss == history.train_loss[:3]  # full batch: loss before each update
    w_final = history.params[-1]["0.W"][0, 0]
    assert history.train_loss[-1] == pytest.approx(np.mean((x * w_final - t) ** 2))


def test_online_updates_one_sample_at_a_time():
    x, t = _data(n=5)
    w, mu = 0.2, 0.1
    for xi, ti in zip(x[:, 0], t[:, 0]):
        w = w - mu * 2 * xi * (xi * w - ti)
    net = _model(0.2)
    history = train(net, MSE(), GradientDescent(mu), x, t, epochs=1, batch_size=1)
    assert len(history.batch_loss) == 5
    assert net[0].params["W"][0, 0] == pytest.approx(w, rel=1e-13)


def test_mini_batches_split_like_array_split():
    sizes = [s.stop - s.start for s in split_batches(1078, 25)]
    assert sizes == [len(b) for b in np.array_split(np.arange(1078), 43)]
    assert [s.stop - s.start for s in split_batches(10, None)] == [10]
    assert [s.stop - s.start for s in split_batches(3, 10)] == [3]


def test_mini_batch_updates_follow_the_formula():
    x, t = _data(n=10)
    w, mu = 0.0, 0.5
    for idx in np.array_split(np.arange(10), 3):
        w = w - mu * 2 * np.mean(x[idx] * (x[idx] * w - t[idx]))
    net = _model(0.0)
    train(net, MSE(), GradientDescent(mu), x, t, epochs=1, batch_size=3)
    assert net[0].params["W"][0, 0] == pytest.approx(w, rel=1e-13)


def test_shuffled_batches_are_reproducible_from_the_rng():
    x, t = _data(n=12)
    results = []
    for _ in range(2):
        net = _model(0.0)
        train(net, MSE(), GradientDescent(0.3), x, t, epochs=2, batch_size=4, shuffle=True, rng=5)
        results.append(net[0].params["W"].copy())
    np.testing.assert_array_equal(*results)


def test_float32_in_float32_out():
    x, t = _data(dtype=np.float32)
    net = _model(0.1)  # built as float64: training on float32 data converts it
    history = train(net, MSE(), GradientDescent(0.5), x, t, epochs=3)
    assert net[0].params["W"].dtype == np.float32
    assert net[0].grads["W"].dtype == np.float32
    assert net.forward(x).dtype == np.float32
    assert all(np.isfinite(history.train_loss))


def test_divergence_is_a_clear_error():
    x, t = _data()
    with pytest.raises(TrainingDivergedError, match=r"epoch \d+"):
        train(_model(0.1), MSE(), GradientDescent(1000.0), x, t, epochs=500)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"epochs": -1}, "epochs"),
        ({"epochs": 1, "batch_size": 0}, "batch_size"),
    ],
)
def test_bad_arguments(kwargs, match):
    x, t = _data()
    with pytest.raises(ValueError, match=match):
        train(_model(0.1), MSE(), GradientDescent(0.1), x, t, **kwargs)


def test_bad_data():
    x, t = _data()
    with pytest.raises(ValueError, match="same number of samples"):
        train(_model(0.1), MSE(), GradientDescent(0.1), x, t[:5], epochs=1)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train(_model(0.1), MSE(), GradientDescent(0.1), bad, t, epochs=1)
    with pytest.raises(TypeError, match="real numbers"):
        train(_model(0.1), MSE(), GradientDescent(0.1), x.astype(str), t, epochs=1)
    with pytest.raises(ValueError, match="learning_rate"):
        GradientDescent(-1.0)


def test_epoch_loss_from_batches_is_the_weighted_mean_of_batch_losses():
    x, t = _data(n=10)
    net = _model(0.0)
    history = train(
        net, MSE(), GradientDescent(0.5), x, t, epochs=2, batch_size=3, epoch_loss="batches"
    )
    sizes = np.array([4, 3, 3])  # array_split(10, 3)
    assert np.isnan(history.train_loss[0])  # not evaluated
    for epoch in (1, 2):
        batch = np.array(history.batch_loss[3 * (epoch - 1) : 3 * epoch])
        assert history.train_loss[epoch] == pytest.approx(np.sum(batch * sizes) / 10)
    with pytest.raises(ValueError, match="epoch_loss"):
        train(net, MSE(), GradientDescent(0.5), x, t, epochs=1, epoch_loss="sometimes")


@pytest.mark.parametrize("identity_output", [False, True])
def test_outputs_returned_during_training_are_the_callers_to_keep(identity_output):
    from scratchnn import Identity

    x, t = _data(n=200_000)  # outputs of 1.6 MB: the layer reuses an output buffer
    net = _model(0.0)
    if identity_output:  # the buffer passes through a later layer unchanged
        net = Sequential([net[0], Identity()])
    kept = []
    train(
        net,
        MSE(),
        GradientDescent(0.5),
        x,
        t,
        epochs=3,
        callbacks=[lambda history: kept.append(net.predict(x))],
    )
    w = [k[0, 0] / x[0, 0] for k in kept]
    assert w[0] != w[1] != w[2]  # three different predictions, none overwritten
    np.testing.assert_allclose(kept[-1], net.predict(x))


@pytest.mark.parametrize("activation", ["ReLU", "Logistic", "Tanh"])
@pytest.mark.parametrize("rows", [40, 3000])  # 3000 x 100 floats: Linear's output buffer
def test_in_place_activations_give_the_api_loop_results_and_leave_inputs_alone(activation, rows):
    import scratchnn
    from scratchnn import CategoricalCrossEntropy, Softmax

    rng = np.random.default_rng(4)
    X = rng.normal(size=(rows, 6))
    T = np.eye(3)[rng.integers(0, 3, rows)]
    X_before = X.copy()

    def net():
        act = getattr(scratchnn, activation)
        # an activation first (its input is the caller's X), then after each Linear
        return Sequential([act(), Linear(6, 100, rng=1), act(), Linear(100, 3, rng=2), Softmax()])

    trained, looped = net(), net()
    loss = CategoricalCrossEntropy()
    train(trained, loss, GradientDescent(0.1), X, T, epochs=2, batch_size=rows // 2)
    opt = GradientDescent(0.1)
    for _ in range(2):
        for s in (slice(0, rows // 2), slice(rows // 2, rows)):
            y = looped.forward(X[s])
            looped.backward_loss(loss, y, T[s])
            opt.step(looped.parameters(), looped.gradients())
    for p, q in zip(trained.parameters(), looped.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(X, X_before)
