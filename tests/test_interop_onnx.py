"""Networks and fitted estimators as ONNX files, run by onnxruntime (``scratchnn.interop``;
needs the ``onnx`` extra: onnx and onnxruntime).

onnxruntime reproduces ``Sequential.predict``, and the estimators' ``predict`` and
``predict_proba``, to 1e-9 in float64 and 1e-5 in float32; the files pass onnx's checker,
state their opset and dtype, and are written whole or not at all.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from interop_networks import ACTIVATIONS, N_IN, every_layer, inputs, network
from scratchnn import Layer, Linear, Sequential, Tanh
from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.interop import OPSET, to_onnx

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

pytestmark = pytest.mark.filterwarnings("ignore", category=ConvergenceWarning)

DTYPES = [np.float32, np.float64]
#: The issue's tolerances: onnxruntime's results against scratchnn's.
TOL = {np.float32: 1e-5, np.float64: 1e-9}
ELEM = {np.float32: onnx.TensorProto.FLOAT, np.float64: onnx.TensorProto.DOUBLE}


def _run(path, x):
    """Every output of the file at ``path`` for input ``x``, by name."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"X": x})))


def _check_file(path, dtype):
    """The file passes onnx's checker, states opset ``OPSET`` and has an input in ``dtype``."""
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    assert [(o.domain, o.version) for o in model.opset_import] == [("", OPSET)]
    (x,) = model.graph.input
    assert x.name == "X" and x.type.tensor_type.elem_type == ELEM[dtype]
    return model


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", [*ACTIVATIONS, "every layer"])
def test_a_network_runs_in_onnxruntime_as_predict(name, dtype, tmp_path):
    net = every_layer(dtype) if name == "every layer" else network(name, dtype)
    path = to_onnx(net, tmp_path / "net.onnx")
    model = _check_file(path, dtype)
    x = inputs(dtype, n=50)
    (y,) = _run(path, x).values()
    want = net.predict(x)
    assert y.dtype == want.dtype == dtype and y.shape == want.shape
    np.testing.assert_allclose(y, want, rtol=TOL[dtype], atol=TOL[dtype])
    ops = {node.op_type for node in model.graph.node}
    assert not ops & {"Dropout"}  # inference graphs: dropout is the identity


def _data(kind, seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, N_IN))
    if kind == "regression":
        return X, X @ rng.standard_normal(N_IN) + 0.1 * rng.standard_normal(n)
    if kind == "regression-2":
        return X, X @ rng.standard_normal((N_IN, 2))
    if kind == "poisson":
        return X, rng.poisson(np.exp(0.3 * X[:, 0]))
    if kind == "multilabel":
        return X, (X[:, :3] + 0.3 * rng.standard_normal((n, 3)) > 0).astype(int)
    score = X[:, 0] + X[:, 1] * X[:, 2]
    if kind == "binary-int":
        return X, np.where(score > 0, 7, -3)
    if kind == "binary-str":
        return X, np.where(score > 0, "spam", "ham")
    if kind == "binary-bool":
        return X, score > 0
    if kind == "multiclass-float":
        return X, np.digitize(score, [-0.5, 0.5]).astype(float) - 1.0  # -1.0, 0.0, 1.0
    bins = np.digitize(score, [-1, 0, 1])
    return X, np.array(["setosa", "versicolor", "virginica", "other"])[bins]


CLASSIFIERS = [
    "binary-int", "binary-str", "binary-bool", "multiclass-str", "multiclass-float", "multilabel",
]  # fmt: skip


def _fit(estimator, kind, dtype):
    X, y = _data(kind)
    return estimator.fit(X.astype(dtype), y), X.astype(dtype)


def _label_margin(proba, kind):
    """Samples whose label no rounding of ``proba`` within 1e-4 could change."""
    if kind.startswith("multiclass"):
        top = np.sort(proba, axis=1)
        return top[:, -1] - top[:, -2] > 1e-4
    return np.all(np.abs(proba - 0.5) > 1e-4, axis=1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", CLASSIFIERS)
@pytest.mark.parametrize("activation", ["relu", "logistic", "tanh"])
def test_a_classifier_gives_labels_and_probabilities(kind, activation, dtype, tmp_path):
    clf = MLPClassifier((6,), activation, max_iter=30, random_state=0)
    clf, X = _fit(clf, kind, dtype)
    path = to_onnx(clf, tmp_path / "clf.onnx")
    model = _check_file(path, dtype)
    assert [o.name for o in model.graph.output] == ["label", "probabilities"]
    got = _run(path, X)
    proba, labels = clf.predict_proba(X), clf.predict(X)
    assert got["probabilities"].dtype == proba.dtype == dtype
    assert got["probabilities"].shape == proba.shape == (len(X), len(clf.classes_))
    np.testing.assert_allclose(got["probabilities"], proba, rtol=TOL[dtype], atol=TOL[dtype])
    assert got["label"].shape == labels.shape
    clear = _label_margin(proba, kind)
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(got["label"][clear], labels[clear])
    if labels.dtype.kind == "U":
        assert set(got["label"].tolist()) <= set(clf.classes_.tolist())
    else:
        assert got["label"].dtype == labels.dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["regression", "regression-2", "poisson"])
def test_a_regressor_gives_predict(kind, dtype, tmp_path):
    loss = "poisson" if kind == "poisson" else "squared_error"
    reg = MLPRegressor((6,), "tanh", loss=loss, max_iter=30, random_state=0)
    reg, X = _fit(reg, kind, dtype)
    path = to_onnx(reg, tmp_path / "reg.onnx")
    model = _check_file(path, dtype)
    assert [o.name for o in model.graph.output] == ["variable"]
    (y,) = _run(path, X).values()
    want = reg.predict(X)
    assert y.dtype == want.dtype == dtype and y.shape == want.shape
    np.testing.assert_allclose(y, want, rtol=TOL[dtype], atol=TOL[dtype])


def test_the_lbfgs_solver_and_integer_classes_of_any_width(tmp_path):
    X, y = _data("multiclass-str")
    codes = np.unique(y, return_inverse=True)[1].astype(np.int32) + 10
    clf = MLPClassifier((5,), solver="lbfgs", max_iter=50, random_state=0).fit(X, codes)
    got = _run(to_onnx(clf, tmp_path / "clf.onnx"), X)
    assert got["label"].dtype == np.int32
    np.testing.assert_array_equal(got["label"], clf.predict(X))


def test_an_unfitted_estimator_is_refused(tmp_path):
    with pytest.raises(NotFittedError, match="MLPClassifier"):
        to_onnx(MLPClassifier(), tmp_path / "clf.onnx")
    assert not list(tmp_path.iterdir())


class Cube(Layer):
    def forward(self, x):
        return x**3


def test_an_unsupported_layer_is_named_and_nothing_is_written(tmp_path):
    path = tmp_path / "net.onnx"
    path.write_bytes(b"the old file")
    with pytest.raises(TypeError, match=r"layer 1 \(Cube\(\).*supported: Bias"):
        to_onnx(Sequential([Linear(2, 2, rng=0), Cube(), Tanh()]), path)
    assert path.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["net.onnx"]  # no temporary file left


def test_other_objects_are_refused(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    with pytest.raises(TypeError, match="Pipeline"):
        to_onnx(make_pipeline(StandardScaler(), MLPClassifier()), tmp_path / "p.onnx")
    with pytest.raises(TypeError, match="list"):
        to_onnx([Linear(2, 2)], tmp_path / "p.onnx")


def test_classes_without_onnx_type_are_refused(tmp_path):
    X, y = _data("binary-int")
    clf = MLPClassifier((3,), max_iter=5, random_state=0).fit(X, y)
    clf.classes_ = clf.classes_.astype(complex)  # no classifier fits those; refused all the same
    with pytest.raises(ValueError, match="classes_ of dtype complex128"):
        to_onnx(clf, tmp_path / "clf.onnx")
    assert not list(tmp_path.iterdir())


def test_a_network_without_parameters_is_float64(tmp_path):
    path = to_onnx(Sequential([Tanh()]), tmp_path / "tanh.onnx")
    _check_file(path, np.float64)
    x = np.linspace(-3, 3, 12).reshape(4, 3)
    np.testing.assert_allclose(_run(path, x)["Y"], np.tanh(x), rtol=1e-9)


def test_a_loaded_estimator_exports_as_the_fitted_one(tmp_path):
    clf, X = _fit(MLPClassifier((4,), max_iter=20, random_state=0), "multiclass-str", np.float64)
    clf.save(tmp_path / "clf.npz")
    got = _run(to_onnx(MLPClassifier.load(tmp_path / "clf.npz"), tmp_path / "clf.onnx"), X)
    np.testing.assert_array_equal(got["label"], clf.predict(X))
    np.testing.assert_allclose(got["probabilities"], clf.predict_proba(X), rtol=1e-9, atol=1e-9)
