"""Workload D: ``scratchnn.estimators.MLPClassifier.fit`` against scikit-learn's
``MLPClassifier.fit``: the same parameters, the same data, paired rounds.

Three settings (:func:`settings`): (a) digits, adam, one hidden layer of 100, batch 200;
(b) digits, sgd (momentum 0.9, Nesterov: the defaults), batch 25; (c) B's shape,
784-256-256-10, adam, batch 128, float32, on the learnable teacher data. Both estimators get
the same ``random_state`` and ``n_iter_no_change = max_iter + 1``, so that neither stops
early: each runs exactly ``max_iter`` epochs (``n_iter_`` is reported to show it). One
repetition = one ``fit`` of a fresh estimator; the test accuracy and ``n_iter_`` of the last
fit are reported beside the times.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .common import Unavailable
from .harness import Case, log, run_interleaved
from .limit import StepProducts
from .workloads import Sizes, data_b

CASES_D = [
    Case(
        "scratchnn",
        "scratchnn",
        "scratchnn.estimators.MLPClassifier",
        "estimators",
        "scratchnn_fit",
        "MLPClassifier(**params).fit(X_train, y_train), the scikit-learn-compatible estimator "
        "on the scratchnn engine",
    ),
    Case(
        "sklearn",
        "sklearn",
        "scikit-learn MLPClassifier",
        "estimators",
        "sklearn_fit",
        "sklearn.neural_network.MLPClassifier(**params).fit(X_train, y_train)",
    ),
]

#: The split of the digits: 25 % test, stratified, a fixed seed.
DIGITS_SPLIT_SEED = 0
RANDOM_STATE = 0


def _digits() -> dict:
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError as exc:
        raise Unavailable(f"scikit-learn is not installed ({exc})") from None
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, random_state=DIGITS_SPLIT_SEED, stratify=y
    )
    return {"X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test}


def _teacher(n_train: int, n_test: int) -> dict:
    data = data_b(n_train + n_test, labels="teacher")
    X, y = data["X"], data["labels"]
    return {
        "X_train": X[:n_train],
        "y_train": y[:n_train],
        "X_test": X[n_train:],
        "y_test": y[n_train:],
    }


def settings(sizes: Sizes) -> dict[str, dict]:
    """Name -> {title, params, data}: the three settings of workload D."""
    digits = _digits()

    def params(max_iter: int, **kw) -> dict:
        return {
            "max_iter": max_iter,
            "n_iter_no_change": max_iter + 1,
            "random_state": RANDOM_STATE,
            **kw,
        }

    a = params(sizes.d_digits_adam_epochs, hidden_layer_sizes=(100,), solver="adam")
    b = params(sizes.d_digits_sgd_epochs, hidden_layer_sizes=(100,), solver="sgd")
    c = params(sizes.d_teacher_epochs, hidden_layer_sizes=(256, 256), solver="adam")
    teacher = _teacher(sizes.d_teacher_train, sizes.d_teacher_test)
    return {
        "a": {
            "title": "digits, adam, 64-100-10, batch 200",
            "params": {**a, "batch_size": 200},
            "data": digits,
        },
        "b": {
            "title": "digits, sgd (momentum 0.9, Nesterov), 64-100-10, batch 25",
            "params": {**b, "batch_size": 25},
            "data": digits,
        },
        "c": {
            "title": f"B's shape: 784-256-256-10, adam, batch 128, float32, "
            f"{sizes.d_teacher_train:,} learnable samples",
            "params": {**c, "batch_size": 128},
            "data": teacher,
        },
    }


class _Fit:
    """One repetition: fit a fresh estimator; ``result()`` scores the last one."""

    def __init__(self, cls: Any, setting: dict) -> None:
        self.cls, self.params, self.data = cls, setting["params"], setting["data"]
        self.model = None

    def run(self) -> None:
        d = self.data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter, by design
            self.model = self.cls(**self.params).fit(d["X_train"], d["y_train"])

    def result(self) -> dict:
        d, model = self.data, self.model
        return {
            "n_iter": int(model.n_iter_),
            "test_accuracy": float(model.score(d["X_test"], d["y_test"])),
            "final_loss": float(model.loss_curve_[-1]) if model.loss_curve_ else None,
            "dtype": str(model.coefs_[0].dtype),
        }


def scratchnn_fit(setting: dict) -> _Fit:
    try:
        from scratchnn.estimators import MLPClassifier
    except ImportError as exc:  # the estimators need scikit-learn
        raise Unavailable(f"scratchnn.estimators is unavailable ({exc})") from None
    return _Fit(MLPClassifier, setting)


def sklearn_fit(setting: dict) -> _Fit:
    try:
        from sklearn.neural_network import MLPClassifier
    except ImportError as exc:
        raise Unavailable(f"scikit-learn is not installed ({exc})") from None
    return _Fit(MLPClassifier, setting)


class FitProducts:
    """The matrix products of a whole ``fit`` alone (a probe, once per round): every step's
    eight-or-fewer products (forward, weight gradients, input gradients but the first
    layer's, as ``limit.StepProducts``) at the fit's batch shapes and dtype, the best of a few
    each, times the number of steps. No implementation of the same training makes fewer:
    scikit-learn's fit time ÷ this bounds what any of them can reach against it."""

    def __init__(self, setting: dict) -> None:
        d, p = setting["data"], setting["params"]
        X = np.asarray(d["X_train"])
        n, classes = X.shape[0], np.unique(d["y_train"]).size
        layers = (X.shape[1], *p["hidden_layer_sizes"], 1 if classes == 2 else classes)
        size = min(p["batch_size"], n)
        self.steps = [(n // size, StepProducts(layers, size, dtype=X.dtype))]
        if n % size:
            self.steps.append((1, StepProducts(layers, n % size, dtype=X.dtype)))
        self.epochs = p["max_iter"]

    def __call__(self) -> float:
        return self.epochs * sum(count * products() for count, products in self.steps)


def _short(setting: dict) -> dict:
    """The same setting for one epoch: the warm-up fit."""
    return {**setting, "params": {**setting["params"], "max_iter": 1, "n_iter_no_change": 2}}


def workload_d(sizes: Sizes, frameworks: set[str], repeats: int | None) -> dict:
    cases = [c for c in CASES_D if c.framework in frameworks]
    out: dict = {
        "title": "D. MLPClassifier.fit: scratchnn.estimators against scikit-learn",
        "unit": "s per fit",
        "better": "lower",
        "settings": {},
    }
    try:
        chosen = settings(sizes)
    except Unavailable as exc:
        out["skipped"] = str(exc)
        return out
    for name, setting in chosen.items():
        log(f"  D: setting {name}")
        results, runners = run_interleaved(
            cases,
            make=lambda c: c.make(setting),
            warm=lambda c: c.make(_short(setting)).run(),
            repeats=repeats or sizes.d_repeats,
            settle_s=sizes.settle_s,
            to_unit=lambda t: t,
            probes={"products": FitProducts(setting)},
        )
        for cid, runner in runners.items():
            results["cases"][cid].update(runner.result())
        d = setting["data"]
        results.update(
            title=setting["title"],
            params={
                k: list(v) if isinstance(v, tuple) else v for k, v in setting["params"].items()
            },
            n_train=int(d["X_train"].shape[0]),
            n_test=int(d["X_test"].shape[0]),
            dtype=str(np.asarray(d["X_train"]).dtype),
        )
        out["settings"][name] = results
    return out
