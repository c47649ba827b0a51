"""Checkpoints written by the engine before its redesign (commit 8dab1eb) still load: the
same predictions and optimiser state as the old code recorded, and training resumes as
continuing the old optimiser would (Adam's and momentum's equations written out here).

The files and the old code's results are in tests/data, written by
tests/data/make_v0_checkpoints.py run with the old code.
"""

from pathlib import Path

import numpy as np
import pytest

from scratchnn import (
    Adam,
    CategoricalCrossEntropy,
    Dropout,
    GradientDescent,
    load_checkpoint,
    train,
)

DATA = Path(__file__).parent / "data"
#: The networks of make_v0_checkpoints.py: optimiser type, its buffers, its settings.
CASES = {
    "adam": (Adam, ("first_moments", "second_moments"), {"learning_rate": 0.01}),
    "dropout_bias": (Adam, ("first_moments", "second_moments"), {"learning_rate": 0.01}),
    "momentum": (GradientDescent, ("velocities",), {"learning_rate": 0.1, "momentum": 0.9}),
}
DROPOUT_SEED = 7  # the seed of the masks of the old code's continued epoch
# Results are compared across two implementations: the same formulas, not always the same
# floating-point operations in the same order.
TOL = {"rtol": 1e-10, "atol": 1e-13}


@pytest.fixture(scope="module")
def ref():
    with np.load(DATA / "v0_reference.npz", allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _old_buffers(ref, case):
    _, names, _ = CASES[case]
    count = sum(key.startswith(f"{case}.{names[0]}.") for key in ref)
    return {name: [ref[f"{case}.{name}.{k}"] for k in range(count)] for name in names}


def _resume(checkpoint, ref):
    """One more full-batch epoch on the old training data, as the old code ran it."""
    for layer in checkpoint.model.layers:
        if isinstance(layer, Dropout):
            layer.rng = np.random.default_rng(DROPOUT_SEED)
    loss, optimizer = checkpoint.loss, checkpoint.optimizer
    train(checkpoint.model, loss, optimizer, ref["data.X"], ref["data.T"], epochs=1)


def _gradients(params, X, T):
    """Gradients of the mean cross-entropy of Linear + Tanh + Linear + Softmax, by hand."""
    W1, b1, W2, b2 = params
    H = np.tanh(X @ W1 + b1)
    Z = H @ W2 + b2
    Y = np.exp(Z - Z.max(axis=1, keepdims=True))
    Y /= Y.sum(axis=1, keepdims=True)
    G = (Y - T) / len(X)  # d(-1/N sum T log Y)/dZ
    G_hidden = (G @ W2.T) * (1 - H**2)
    return [X.T @ G_hidden, G_hidden.sum(axis=0), H.T @ G, G.sum(axis=0)]


# --- loading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_an_old_checkpoint_predicts_as_the_old_code(ref, case):
    ck = load_checkpoint(DATA / f"v0_{case}.npz")
    assert ck.library_version == "0.1.0"
    assert ck.metadata["written_by"].endswith("(commit 8dab1eb)")
    assert type(ck.loss) is CategoricalCrossEntropy and ck.loss.reduction == "mean"
    predictions = ck.model.predict(ref["data.X_new"])
    assert predictions.dtype == np.float64
    np.testing.assert_allclose(predictions, ref[f"{case}.predictions"], rtol=1e-12, atol=0)


@pytest.mark.parametrize("case", CASES)
def test_the_old_optimizer_state_is_restored(ref, case):
    ck = load_checkpoint(DATA / f"v0_{case}.npz")
    kind, names, settings = CASES[case]
    assert type(ck.optimizer) is kind
    assert ck.optimizer.get_config().items() >= settings.items()
    assert ck.optimizer.step_count == int(ref[f"{case}.step_count"]) == 6
    state = ck.optimizer.get_state()
    assert state["step_count"] == 6 and tuple(state["buffers"]) == names
    params = ck.model.parameters()
    for name, old in _old_buffers(ref, case).items():
        assert len(old) == len(params) == len(state["buffers"][name])
        for restored, recorded, param in zip(state["buffers"][name], old, params):
            assert restored.shape == param.shape and restored.dtype == np.float64
            np.testing.assert_array_equal(restored, recorded)  # stored values: bit-exact
        for attribute, recorded in zip(getattr(ck.optimizer, name), old):
            np.testing.assert_array_equal(attribute, recorded)


# --- resuming ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_training_resumes_like_the_old_optimizer(ref, case):
    ck = load_checkpoint(DATA / f"v0_{case}.npz")
    before = [p.copy() for p in ck.model.parameters()]
    _resume(ck, ref)
    assert ck.optimizer.step_count == 7
    after = ck.model.parameters()
    assert all(not np.array_equal(a, b) for a, b in zip(after, before))
    for k, param in enumerate(after):  # what the old code computed for the same epoch
        np.testing.assert_allclose(param, ref[f"{case}.continued.{k}"], **TOL)


def test_adam_resumes_by_adams_equations(ref):
    ck = load_checkpoint(DATA / "v0_adam.npz")
    X, T = ref["data.X"], ref["data.T"]
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8  # Adam(0.01) of make_v0_checkpoints.py
    old = _old_buffers(ref, "adam")
    t = int(ref["adam.step_count"]) + 1
    theta = [p.copy() for p in ck.model.parameters()]
    expected, moments = [], []
    for theta_k, m, v, g in zip(
        theta, old["first_moments"], old["second_moments"], _gradients(theta, X, T)
    ):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
        expected.append(theta_k - lr * m_hat / (np.sqrt(v_hat) + eps))
        moments.append((m, v))
    _resume(ck, ref)
    for param, want in zip(ck.model.parameters(), expected):
        np.testing.assert_allclose(param, want, **TOL)
    for (m, v), m_new, v_new in zip(
        moments, ck.optimizer.first_moments, ck.optimizer.second_moments
    ):
        np.testing.assert_allclose(m_new, m, **TOL)
        np.testing.assert_allclose(v_new, v, **TOL)


def test_momentum_resumes_by_the_heavy_ball_equations(ref):
    ck = load_checkpoint(DATA / "v0_momentum.npz")
    lr, momentum = 0.1, 0.9  # GradientDescent(0.1, momentum=0.9) of make_v0_checkpoints.py
    theta = [p.copy() for p in ck.model.parameters()]
    grads = _gradients(theta, ref["data.X"], ref["data.T"])
    velocities = [
        momentum * M - lr * g for M, g in zip(_old_buffers(ref, "momentum")["velocities"], grads)
    ]
    _resume(ck, ref)
    for param, theta_k, M in zip(ck.model.parameters(), theta, velocities):
        np.testing.assert_allclose(param, theta_k + M, **TOL)
    for restored, M in zip(ck.optimizer.velocities, velocities):
        np.testing.assert_allclose(restored, M, **TOL)


# --- estimators -------------------------------------------------------------------------------


def test_an_old_estimator_file_loads_and_predicts_as_the_old_code(ref):
    from scratchnn.estimators import MLPClassifier

    model = MLPClassifier.load(DATA / "v0_mlp_classifier.npz")
    params = model.get_params()
    assert params["hidden_layer_sizes"] == (5,) and params["max_iter"] == 5
    assert params["random_state"] == 0
    assert model.classes_.tolist() == ["ant", "bee", "cat"]
    assert model.n_iter_ == int(ref["estimator.n_iter"]) == 5
    np.testing.assert_array_equal(model.loss_curve_, ref["estimator.loss_curve"])
    X = ref["estimator.X"]
    np.testing.assert_array_equal(model.predict(X).astype(str), ref["estimator.labels"])
    np.testing.assert_allclose(model.predict_proba(X), ref["estimator.proba"], rtol=1e-12)
    # and it keeps learning from where it stopped
    before = [p.copy() for p in model.network_.parameters()]
    model.partial_fit(X, ref["estimator.labels"])
    # n_iter_ counts the epochs of the last call (scikit-learn's), t_ accumulates
    assert model.n_iter_ == 1 and model.optimizer_.step_count > 5 and len(model.loss_curve_) == 6
    assert any(not np.array_equal(a, b) for a, b in zip(model.network_.parameters(), before))
