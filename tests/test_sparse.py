"""SciPy sparse input (CSR and CSC): the first Linear layer multiplies sparse × dense.

Expectations come from the dense path on ``X.toarray()`` (the same arithmetic on the same
numbers), from central finite differences, and from scikit-learn's MLP fitted on the same
sparse data; the memory test measures with ``tracemalloc`` that a matrix whose dense form
would take 40 GB trains in a few megabytes.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import neural_network as sknn
from sklearn.datasets import make_classification

import scratchnn as nn
from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.training.batches import EpochBatches, split_batches

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FORMATS = {
    "csr": sp.csr_matrix,
    "csc": sp.csc_matrix,
    "csr_array": sp.csr_array,
    "csc_array": sp.csc_array,
}


def _sparse_data(n=40, n_in=7, density=0.3, seed=0, dtype=np.float64):
    """A dense array with most entries exactly zero (the same numbers as its sparse forms)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_in)) * (rng.random((n, n_in)) < density)
    X[0] = 0.0  # an empty row
    X[:, 1] = 0.0  # an empty column
    return X.astype(dtype)


def _targets(n, n_out, seed, kind="cce", dtype=np.float64):
    rng = np.random.default_rng(seed + 100)
    if kind == "cce":
        return np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n)]
    if kind == "bce":
        return (rng.random((n, n_out)) < 0.5).astype(dtype)
    return rng.normal(size=(n, n_out)).astype(dtype)


HEADS = {
    "softmax+cce": (nn.Softmax, nn.CategoricalCrossEntropy, "cce"),
    "logistic+bce": (nn.Logistic, nn.BinaryCrossEntropy, "bce"),
    "identity+mse": (nn.Identity, nn.MSE, "mse"),
}


def _network(n_in, n_out, head, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    output = HEADS[head][0]
    return nn.Sequential(
        [
            nn.Linear(n_in, 5, rng=rng, dtype=dtype),
            nn.Tanh(),
            nn.Linear(5, n_out, rng=rng, dtype=dtype),
            output(),
        ]
    )


# ---------------------------------------------------------------------------------------------
# The layer
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_linear_sparse_forward_and_backward_equal_dense(fmt, bias):
    X = _sparse_data()
    G = np.random.default_rng(1).normal(size=(X.shape[0], 3))
    dense, sparse = nn.Linear(7, 3, bias, rng=0), nn.Linear(7, 3, bias, rng=0)
    y_dense = dense.forward(X)
    y_sparse = sparse.forward(FORMATS[fmt](X))
    assert type(y_sparse) is np.ndarray and y_sparse.shape == (40, 3)
    np.testing.assert_allclose(y_sparse, y_dense, rtol=1e-13, atol=1e-15)
    assert dense.backward(G).shape == X.shape
    assert sparse.backward(G) is None  # no gradient of the (sparse) data
    for name in dense.params:
        np.testing.assert_allclose(sparse.grads[name], dense.grads[name], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_linear_sparse_weight_gradient_by_central_differences(fmt):
    """ξ = Σ R ∘ Y for a fixed R, so G = R; ∂ξ/∂W_jk by (ξ(W + hE) − ξ(W − hE)) / 2h."""
    X = FORMATS[fmt](_sparse_data(n=12, n_in=5, seed=3))
    R = np.random.default_rng(4).normal(size=(12, 4))
    layer = nn.Linear(5, 4, rng=2)

    def xi():
        return float(np.sum(R * layer.forward(X)))

    layer.forward(X)
    layer.backward(R)
    W, h = layer.params["W"], 1e-6
    numeric = np.zeros_like(W)
    for j, k in np.ndindex(*W.shape):
        old = W[j, k]
        W[j, k] = old + h
        plus = xi()
        W[j, k] = old - h
        minus = xi()
        W[j, k] = old
        numeric[j, k] = (plus - minus) / (2 * h)
    np.testing.assert_allclose(layer.grads["W"], numeric, rtol=1e-6, atol=1e-8)
    assert np.all(numeric[1] == 0.0)  # the empty column of X: no gradient for its weights


def test_float32_sparse_input_gives_float32():
    X = sp.csr_matrix(_sparse_data(dtype=np.float32))
    layer = nn.Linear(7, 3, rng=0, dtype=np.float32)
    assert layer.forward(X).dtype == np.float32
    net = _network(7, 3, "softmax+cce", dtype=np.float32)
    assert net.predict(sp.csr_matrix(_sparse_data())).dtype == np.float32  # float64 cast


# ---------------------------------------------------------------------------------------------
# The network, the executor and train
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("head", list(HEADS))
def test_reference_and_executor_paths_equal_with_sparse_input(head, fmt):
    """Plain path (Sequential + Optimizer.step) and TrainingStep on sparse batches, and both
    equal to the dense batches."""
    X = _sparse_data(n=30)
    T = _targets(30, 3, 0, HEADS[head][2])
    loss = HEADS[head][1]()
    plain, fast, dense = (_network(7, 3, head) for _ in range(3))
    plain_opt, fast_opt, dense_opt = nn.Adam(0.05), nn.Adam(0.05), nn.Adam(0.05)
    step = nn.TrainingStep(fast, loss, fast_opt)
    for k, s in enumerate([slice(0, 12), slice(12, 30), slice(0, 12), slice(0, 30)]):
        xs = FORMATS[fmt](X[s])
        value = plain.loss_and_gradients(loss, xs, T[s])
        dense_value = dense.loss_and_gradients(loss, X[s], T[s])
        np.testing.assert_allclose(step.loss_and_gradients(xs, T[s]), value, rtol=1e-12)
        np.testing.assert_allclose(value, dense_value, rtol=1e-12)
        for g, h, d in zip(plain.gradients(), fast.gradients(), dense.gradients()):
            np.testing.assert_allclose(h, g, rtol=1e-12, atol=1e-15, err_msg=f"step {k}")
            np.testing.assert_allclose(g, d, rtol=1e-12, atol=1e-15, err_msg=f"step {k}")
        plain_opt.step(plain.parameters(), plain.gradients())
        dense_opt.step(dense.parameters(), dense.gradients())
        step.update()
    for p, q, d in zip(plain.parameters(), fast.parameters(), dense.parameters()):
        np.testing.assert_allclose(q, p, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(p, d, rtol=1e-12, atol=1e-15)


def test_executor_keeps_dense_and_sparse_passes_of_one_shape_apart():
    X = _sparse_data(n=20)
    T = _targets(20, 3, 1)
    loss = nn.CategoricalCrossEntropy()
    net = _network(7, 3, "softmax+cce")
    step = nn.TrainingStep(net, loss, nn.GradientDescent(0.1))
    dense_value = step.loss_and_gradients(X, T)
    dense_grads = [g.copy() for g in net.gradients()]
    sparse_value = step.loss_and_gradients(sp.csr_matrix(X), T)
    assert sparse_value == pytest.approx(dense_value, rel=1e-13)
    for g, d in zip(net.gradients(), dense_grads):
        np.testing.assert_allclose(g, d, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(step.predict(sp.csc_matrix(X)), net.predict(X), rtol=1e-13)


def test_epoch_batches_of_a_csr_matrix_are_the_dense_batches():
    X = _sparse_data(n=23)
    T = _targets(23, 2, 2, "mse")
    batches = split_batches(23, 5)
    dense = EpochBatches(X, T, batches, True, np.random.default_rng(5))
    sparse = EpochBatches(sp.csr_matrix(X), T, batches, True, np.random.default_rng(5))
    for _ in range(2):
        for (xd, td), (xs, ts) in zip(dense.epoch(), sparse.epoch(), strict=True):
            assert sp.issparse(xs) and xs.format == "csr"
            np.testing.assert_array_equal(xs.toarray(), xd)
            np.testing.assert_array_equal(ts, td)


def _fit_both(fmt, dtype, **options):
    X = _sparse_data(n=50, seed=7, dtype=dtype)
    T = _targets(50, 3, 7, dtype=dtype)
    results = []
    for data in (FORMATS[fmt](X), X):
        net = _network(7, 3, "softmax+cce", dtype=np.float64, seed=1)
        history = nn.train(net, nn.CategoricalCrossEntropy(), nn.Adam(0.02), data, T, **options)
        results.append((net, history))
    return results


@pytest.mark.parametrize("fmt", ["csr", "csc", "csr_array"])
@pytest.mark.parametrize(
    "options",
    [
        dict(epochs=4),  # full batch
        dict(epochs=3, batch_size=8),  # fixed mini-batches
        dict(epochs=3, batch_size=8, shuffle=True, rng=3, validation_fraction=0.2),
        dict(epochs=3, batch_size=7, shuffle=True, rng=4, epoch_loss="batches"),
    ],
    ids=["full", "fixed", "shuffled+validation", "batch-means"],
)
def test_train_on_sparse_equals_train_on_dense(fmt, options):
    (sparse_net, sparse_h), (dense_net, dense_h) = _fit_both(fmt, np.float64, **options)
    np.testing.assert_allclose(sparse_h.train_loss, dense_h.train_loss, rtol=1e-12)
    np.testing.assert_allclose(sparse_h.validation_loss, dense_h.validation_loss, rtol=1e-12)
    np.testing.assert_allclose(sparse_h.batch_loss, dense_h.batch_loss, rtol=1e-12)
    for p, q in zip(sparse_net.parameters(), dense_net.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-14)


def test_train_honours_float32_sparse_data_and_leaves_it_unchanged():
    X = sp.csc_matrix(_sparse_data(n=50, seed=7, dtype=np.float32))
    before = X.copy()
    (net, history), (dense_net, _) = _fit_both("csc", np.float32, epochs=3, batch_size=10)
    assert net.dtype == np.float32
    for p, q in zip(net.parameters(), dense_net.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)
    assert X.format == "csc" and X.dtype == np.float32
    assert (X != before).nnz == 0
    # integer sparse data trains float64, as integer dense data does
    net = _network(7, 3, "softmax+cce")
    X_int = sp.csr_matrix((np.abs(_sparse_data()) > 0.5).astype(np.int32))
    nn.train(net, nn.CategoricalCrossEntropy(), nn.Adam(0.01), X_int, _targets(40, 3, 0), epochs=1)
    assert net.dtype == np.float64


def test_sparse_validation_data():
    X = _sparse_data(n=50, seed=7)
    T = _targets(50, 3, 7)
    histories = []
    for X_val in (sp.csc_matrix(X[:10]), X[:10]):
        net = _network(7, 3, "softmax+cce", seed=1)
        histories.append(
            nn.train(
                net,
                nn.CategoricalCrossEntropy(),
                nn.Adam(0.02),
                sp.csr_matrix(X),
                T,
                epochs=2,
                validation_data=(X_val, T[:10]),
            )
        )
    np.testing.assert_allclose(histories[0].validation_loss, histories[1].validation_loss)


def _train(X, net=None, T=None):
    net = net or _network(7, 3, "softmax+cce")
    T = _targets(X.shape[0], 3, 0) if T is None else T
    return nn.train(net, nn.CategoricalCrossEntropy(), nn.Adam(0.01), X, T, epochs=1)


@pytest.mark.parametrize("fmt", ["coo", "lil", "dok", "bsr", "dia"])
def test_unusable_sparse_formats_are_named(fmt):
    X = sp.csr_matrix(_sparse_data()).asformat(fmt)
    with pytest.raises(ValueError, match=f"{fmt.upper()} format.*CSR and CSC.*tocsr"):
        _train(X)
    with pytest.raises(ValueError, match=f"{fmt.upper()} format"):
        _network(7, 3, "softmax+cce").predict(X)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_infinity_in_sparse_data_are_rejected(bad):
    X = sp.csr_matrix(_sparse_data())
    X.data[3] = bad
    with pytest.raises(ValueError, match="X must not contain NaN or infinity"):
        _train(X)
    with pytest.raises(ValueError, match="x must not contain NaN or infinity"):
        _network(7, 3, "softmax+cce").predict(X)
    with pytest.raises(ValueError, match="X_val must not contain NaN or infinity"):
        clean = sp.csr_matrix(_sparse_data())
        T = _targets(40, 3, 0)
        nn.train(
            _network(7, 3, "softmax+cce"),
            nn.CategoricalCrossEntropy(),
            nn.Adam(0.01),
            clean,
            T,
            epochs=1,
            validation_data=(X, T),
        )


def test_other_bad_sparse_input():
    X = _sparse_data()
    with pytest.raises(TypeError, match="X must hold real numbers"):
        _train(sp.csr_matrix(X.astype(complex)))
    with pytest.raises(ValueError, match="X must have 8 features"):
        _train(sp.csr_matrix(X), net=_network(8, 3, "softmax+cce"))
    with pytest.raises(ValueError, match="first layer is Tanh.*Linear first layer"):
        _train(sp.csr_matrix(X), net=nn.Sequential([nn.Tanh(), nn.Linear(7, 3), nn.Softmax()]))
    with pytest.raises(ValueError, match="must not be empty"):
        _train(sp.csr_matrix((0, 7)), T=np.zeros((0, 3)))


def test_wide_very_sparse_matrix_trains_without_densifying():
    """50,000 × 100,000 at 0.01 % density (10 stored values a row): 40 GB dense, 6 MB as CSR.
    Training (shuffled mini-batches, a full pass per epoch) and predicting allocate a few
    parameter-sized arrays, not the dense matrix: the peak stays below 0.2 % of it."""
    n, n_in, per_row = 50_000, 100_000, 10
    rng = np.random.default_rng(0)
    columns = rng.integers(0, n_in, size=n * per_row)
    X = sp.csr_matrix(
        (rng.random(n * per_row), columns, np.arange(0, n * per_row + 1, per_row)),
        shape=(n, n_in),
    )
    T = (rng.random((n, 1)) < 0.5).astype(float)
    dense_bytes = n * n_in * 8
    net = nn.Sequential([nn.Linear(n_in, 2, rng=1), nn.ReLU(), nn.Linear(2, 1), nn.Logistic()])
    tracemalloc.start()
    try:
        history = nn.train(
            net,
            nn.BinaryCrossEntropy(),
            nn.Adam(0.01),
            X,
            T,
            epochs=1,
            batch_size=10_000,
            shuffle=True,
            rng=2,
        )
        y = net.predict(X[:100])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert np.isfinite(history.train_loss).all() and y.shape == (100, 1)
    assert peak < dense_bytes / 500, f"peak {peak / 1e6:.0f} MB"


# ---------------------------------------------------------------------------------------------
# The estimators
# ---------------------------------------------------------------------------------------------


def _classification(n=120, n_features=30, seed=0):
    """A learnable problem with most features zero: dense informative features sparsified."""
    X, y = make_classification(
        n, n_features, n_informative=6, n_classes=3, random_state=seed, shuffle=False
    )
    rng = np.random.default_rng(seed)
    X[rng.random(X.shape) < 0.7] = 0.0
    return X, y


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_classifier_on_sparse_equals_classifier_on_dense(fmt):
    X, y = _classification()
    Xs = sp.csr_matrix(X).asformat(fmt)
    options = dict(hidden_layer_sizes=(6,), max_iter=15, batch_size=32, random_state=0)
    sparse = MLPClassifier(**options).fit(Xs, y)
    dense = MLPClassifier(**options).fit(X, y)
    for a, b in zip(sparse.coefs_ + sparse.intercepts_, dense.coefs_ + dense.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(sparse.predict_proba(Xs), dense.predict_proba(X), rtol=1e-12)
    np.testing.assert_array_equal(sparse.predict(Xs), dense.predict(X))
    assert sparse.score(Xs, y) == dense.score(X, y)
    sparse.partial_fit(Xs, y)
    dense.partial_fit(X, y)
    for a, b in zip(sparse.coefs_, dense.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_regressor_on_sparse_equals_regressor_on_dense(fmt):
    X, _ = _classification(seed=1)
    y = X @ np.linspace(-1, 1, X.shape[1])
    Xs = FORMATS[fmt](X)
    options = dict(hidden_layer_sizes=(5,), max_iter=20, early_stopping=True, random_state=0)
    sparse = MLPRegressor(**options).fit(Xs, y)
    dense = MLPRegressor(**options).fit(X, y)
    for a, b in zip(sparse.coefs_, dense.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(sparse.validation_scores_, dense.validation_scores_, rtol=1e-12)
    np.testing.assert_allclose(sparse.predict(Xs), dense.predict(X), rtol=1e-12, atol=1e-14)


def test_estimator_float32_sparse_input():
    X, y = _classification()
    model = MLPClassifier((4,), max_iter=5, random_state=0).fit(sp.csr_matrix(X, dtype="f4"), y)
    assert model.coefs_[0].dtype == np.float32
    assert model.predict_proba(sp.csc_matrix(X, dtype="f4")).dtype == np.float32
    # float64 input is answered in float64, as scikit-learn's products do
    assert model.predict_proba(sp.csc_matrix(X)).dtype == np.float64


def test_estimator_rejects_nan_in_sparse_input():
    X, y = _classification()
    Xs = sp.csr_matrix(X)
    Xs.data[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier((4,), max_iter=5).fit(Xs, y)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sgd_on_sparse_data_reproduces_scikit_learn(fmt):
    """Full batches of ``batch_size`` in both (40 divides 120), no shuffling: scikit-learn's
    MLP on the same sparse matrix takes the same steps from the same initial weights."""
    X, y = _classification()
    Xs = FORMATS[fmt](X)
    options = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        learning_rate_init=0.05,
        batch_size=40,
        shuffle=False,
        max_iter=10,
        random_state=0,
    )
    ours = MLPClassifier(**options).fit(Xs, y)
    theirs = sknn.MLPClassifier(**options).fit(Xs, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_default_fit_on_sparse_data_behaves_like_scikit_learn():
    """adam, shuffled, batch_size "auto": not step-for-step equal to
    scikit-learn's yet, so only loosely: both learn the problem about equally well and
    mostly agree."""
    X, y = _classification(n=300, seed=2)
    Xs = sp.csr_matrix(X)
    options = dict(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=100, random_state=0)
    ours = MLPClassifier(**options).fit(Xs, y)
    theirs = sknn.MLPClassifier(**options).fit(Xs, y)
    assert ours.score(Xs, y) > 0.9 and theirs.score(Xs, y) > 0.9
    assert abs(ours.score(Xs, y) - theirs.score(Xs, y)) < 0.05
    assert np.mean(ours.predict(Xs) == theirs.predict(Xs)) > 0.9
