"""Training progress where the user looks: a bar on a terminal or in Jupyter, lines elsewhere."""

import io
import re
import sys
import types
import warnings

import numpy as np
import pytest
import tqdm
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from scratchnn import GradientDescent, Linear, Logistic, Sequential, Softmax
from scratchnn.estimators import MLPClassifier, MLPRegressor
from scratchnn.losses import CategoricalCrossEntropy
from scratchnn.training import Callback, ProgressBar, train
from scratchnn.training import progress as progress_module


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def _classification(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, np.eye(2)[labels]


def _network(seed=1):
    return Sequential([Linear(2, 4, rng=seed), Logistic(), Linear(4, 2, rng=seed), Softmax()])


def _train(epochs=4, **kwargs):
    X, T = _classification()
    return train(
        _network(),
        CategoricalCrossEntropy(),
        GradientDescent(0.5),
        X,
        T,
        epochs=epochs,
        batch_size=20,
        validation_fraction=0.25,
        rng=0,
        metrics=("accuracy",),
        **kwargs,
    )


LINE = re.compile(r"^epoch (\d+)/(\d+): (.*)$")


def _parse(line):
    match = LINE.match(line)
    assert match, line
    pairs = [item.split(" ") for item in match.group(3).split(", ")]
    return int(match.group(1)), int(match.group(2)), {name: float(v) for name, v in pairs}


def test_verbose_to_a_pipe_prints_one_line_per_epoch_matching_the_history(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    history = _train(epochs=4, verbose=1)
    lines = stream.getvalue().splitlines()
    assert len(lines) == history.epochs == 4
    for e, line in enumerate(lines, start=1):
        epoch, total, values = _parse(line)
        assert (epoch, total) == (e, 4)
        expected = {
            "train_loss": history.train_loss[e],
            "validation_loss": history.validation_loss[e],
            "train_accuracy": history.train_accuracy[e],
            "validation_accuracy": history.validation_accuracy[e],
        }
        assert values == pytest.approx(expected, rel=1e-5)


def test_lines_go_to_the_callbacks_file_and_stop_with_training():
    stream = io.StringIO()
    history = _train(epochs=50, callbacks=[ProgressBar(file=stream)], early_stopping=lambda h: True)
    assert history.epochs == 1
    assert stream.getvalue().count("\n") == 1 and stream.getvalue().startswith("epoch 1/50: ")


class _SeeBar(Callback):
    """Records the progress callback's bar while training runs."""

    def __init__(self, progress):
        self.progress, self.bars = progress, []

    def on_epoch_end(self, context):
        self.bars.append(self.progress.bar)


def test_on_a_terminal_a_tqdm_bar_is_used():
    terminal = FakeTerminal()
    progress = ProgressBar(file=terminal)
    seen = _SeeBar(progress)
    _train(epochs=3, callbacks=[progress, seen])
    assert all(isinstance(bar, tqdm.tqdm) for bar in seen.bars)
    assert progress.bar is None  # closed at the end
    out = terminal.getvalue()
    assert "\r" in out and "3/3" in out and "validation_accuracy" in out
    assert "epoch 1/3:" not in out


@pytest.mark.parametrize("mode, terminal, bar", [("lines", True, False), ("bar", False, True)])
def test_mode_forces_the_form(mode, terminal, bar):
    stream = FakeTerminal() if terminal else io.StringIO()
    progress = ProgressBar(file=stream, mode=mode)
    seen = _SeeBar(progress)
    _train(epochs=2, callbacks=[progress, seen])
    assert all((b is not None) == bar for b in seen.bars)
    assert stream.getvalue().startswith("epoch 1/2: ") != bar


def test_bad_mode_is_named():
    with pytest.raises(ValueError, match="mode"):
        ProgressBar(mode="widget")


class _FakeTqdm:
    created = []

    def __init__(self, **kwargs):
        self.kwargs, self.updates, self.closed = kwargs, 0, False
        _FakeTqdm.created.append(self)

    def set_postfix(self, postfix, refresh=True):
        self.postfix = postfix

    def update(self, n):
        self.updates += n

    def close(self):
        self.closed = True


def test_in_a_notebook_the_tqdm_auto_bar_is_used(monkeypatch):
    import tqdm.auto

    _FakeTqdm.created = []
    monkeypatch.setattr(tqdm.auto, "tqdm", _FakeTqdm)
    monkeypatch.setattr(progress_module, "in_notebook", lambda: True)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    _train(epochs=3, verbose=1)
    (bar,) = _FakeTqdm.created
    assert bar.kwargs["total"] == 3 and bar.updates == 3 and bar.closed
    assert set(bar.postfix) >= {"train_loss", "validation_loss", "validation_accuracy"}
    assert sys.stderr.getvalue() == ""


def test_in_a_notebook_an_explicit_file_still_gets_lines(monkeypatch):
    monkeypatch.setattr(progress_module, "in_notebook", lambda: True)
    stream = io.StringIO()
    _train(epochs=2, callbacks=[ProgressBar(file=stream)])
    assert stream.getvalue().count("\n") == 2


def test_in_notebook_detects_an_ipython_kernel(monkeypatch):
    assert progress_module.in_notebook() is False  # pytest is no kernel
    shell = types.SimpleNamespace(config={"IPKernelApp": {}})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert progress_module.in_notebook() is True
    shell.config = {"TerminalIPythonApp": {}}  # a terminal IPython: a bar only on a tty
    assert progress_module.in_notebook() is False
    fake.get_ipython = lambda: None
    assert progress_module.in_notebook() is False


# --- the estimators: scikit-learn's lines -------------------------------------------------


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def _fit_quietly(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


def test_classifier_lines_with_early_stopping(iris, capsys):
    X, y = iris
    clf = MLPClassifier(
        (8,),
        max_iter=60,
        verbose=True,
        early_stopping=True,
        n_iter_no_change=2,
        learning_rate_init=0.01,
        random_state=0,
    )
    _fit_quietly(clf, X, y)
    out = capsys.readouterr().out.splitlines()
    expected = []
    for k, (loss, score) in enumerate(zip(clf.loss_curve_, clf.validation_scores_), start=1):
        expected += [f"Iteration {k}, loss = {loss:.8f}", f"Validation score: {score:f}"]
    assert clf.n_iter_ < 60  # the rule stopped it: scikit-learn's sentence ends the output
    expected.append(
        "Validation score did not improve more than tol=0.000100 for 2 consecutive epochs. "
        "Stopping."
    )
    assert out == expected


def test_regressor_lines_restart_with_every_partial_fit(capsys):
    """scikit-learn's n_iter_ is the epochs of the last call: every partial_fit prints
    "Iteration 1", with the loss it appends to loss_curve_."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, -1.0, 0.5])
    reg = MLPRegressor((5,), verbose=True, random_state=0)
    reg.partial_fit(X, y).partial_fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert out == [f"Iteration 1, loss = {v:.8f}" for v in reg.loss_curve_]
    assert len(out) == 2 and reg.n_iter_ == 1


def test_training_loss_stop_sentence(capsys):
    X = np.linspace(-1, 1, 30)[:, None]
    y = X[:, 0] * 2.0
    reg = MLPRegressor((3,), max_iter=200, tol=10.0, n_iter_no_change=1, verbose=True)
    reg.set_params(random_state=0).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        "Training loss did not improve more than tol=10.000000 for 1 consecutive epochs. Stopping."
    )
    assert len(out) == reg.n_iter_ + 1


def test_estimator_verbose_on_a_terminal_prints_sklearns_lines(iris, monkeypatch):
    """As scikit-learn's: the same lines wherever stdout goes, a terminal too."""
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    X, y = iris
    clf = _fit_quietly(MLPClassifier((4,), max_iter=3, verbose=True, random_state=0), X, y)
    expected = [f"Iteration {k}, loss = {v:.8f}" for k, v in enumerate(clf.loss_curve_, 1)]
    assert terminal.getvalue().splitlines() == expected
