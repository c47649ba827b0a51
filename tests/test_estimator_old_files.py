"""Estimator files written before the engine had scikit-learn's loss convention: their state
holds ``loss_scale`` s, their loss is the engine's default (s times scikit-learn's) and their
optimiser was scaled to compensate (sgd: the learning rate mu / s; the others: epsilon * s).

A file of that form is made here from a fitted estimator by writing its header as the old
code did; loading it must give today's estimator, which continues exactly as the original.
(``tests/data/v0_mlp_classifier.npz``, written by the old code, is loaded in
``test_checkpoint_compat``.)
"""

import json
import warnings
import zipfile

import numpy as np
import pytest

from scratchnn.checkpoint import CheckpointError
from scratchnn.estimators import MLPClassifier, MLPRegressor


def _npy(array):
    import io

    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _as_old_file(path, out, scale, rate_key):
    """``path`` rewritten in the scaled form of the old code."""
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    header = json.loads(np.load(path)["__header__"].tobytes())
    header["loss"]["config"] = {"reduction": "mean"}  # the engine's default convention
    header["metadata"]["state"]["loss_scale"] = scale
    config = header["optimizer"]["config"]
    if rate_key == "learning_rate":
        config["learning_rate"] = config["learning_rate"] / scale
    else:
        config["epsilon"] = config["epsilon"] * scale
    raw = json.dumps(header).encode()
    members["__header__.npy"] = _npy(np.frombuffer(raw, dtype=np.uint8))
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out


CASES = {
    # name: (estimator, targets, the old loss scale s, the optimiser setting it scaled)
    "regression-sgd": (
        MLPRegressor((4,), solver="sgd", random_state=0),
        lambda X: X[:, :3] ** 2,
        2 / 3,
        "learning_rate",
    ),
    "poisson-adam": (
        MLPRegressor((4,), loss="poisson", random_state=0),
        lambda X: np.exp(X[:, :2] / 3),
        1 / 2,
        "epsilon",
    ),
    "multilabel-rmsprop": (
        MLPClassifier((4,), solver="rmsprop", random_state=0),
        lambda X: (X[:, :4] > 0).astype(int),
        1 / 4,
        "epsilon",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_an_old_file_loads_in_todays_form_and_continues_exactly(case, tmp_path):
    model, targets, scale, rate_key = CASES[case]
    X = np.random.RandomState(0).normal(size=(40, 5))
    y = targets(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(max_iter=3).fit(X, y)
    old = _as_old_file(model.save(tmp_path / "new.npz"), tmp_path / "old.npz", scale, rate_key)
    loaded = type(model).load(old)
    assert repr(loaded._loss) == repr(model._loss)
    assert loaded.optimizer_.get_config() == pytest.approx(model.optimizer_.get_config())
    model.partial_fit(X, y)
    loaded.partial_fit(X, y)
    for p, q in zip(model.coefs_ + model.intercepts_, loaded.coefs_ + loaded.intercepts_):
        np.testing.assert_allclose(q, p, rtol=1e-12, atol=1e-15)
    assert loaded.loss_curve_ == pytest.approx(model.loss_curve_, rel=1e-12)


def test_an_old_file_with_a_wrong_scale_is_refused(tmp_path):
    model, targets, _, rate_key = CASES["regression-sgd"]
    X = np.random.RandomState(0).normal(size=(40, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.set_params(max_iter=2).fit(X, targets(X))
    old = _as_old_file(model.save(tmp_path / "new.npz"), tmp_path / "old.npz", 0.25, rate_key)
    with pytest.raises(CheckpointError, match="loss_scale"):
        MLPRegressor.load(old)
