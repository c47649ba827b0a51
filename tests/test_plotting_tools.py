"""The plotting tools for a user's own work: History.plot(), plot_decision_regions, show(),
and the axis helpers every figure uses."""

import subprocess
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure

from figure_geometry import drawn, legend_overlaps, points_outside_axes
from scratchnn import plotting
from scratchnn.layers import Linear, Logistic, Softmax
from scratchnn.losses import CategoricalCrossEntropy
from scratchnn.network import Sequential
from scratchnn.optimizers import GradientDescent
from scratchnn.plotting import cover, loss_axis, place_legend, plot_decision_regions, show
from scratchnn.training import History, train

# --- axis helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "limits, values, expected",
    [
        ((0.0, 4.0), [1.0, 3.0], (0.0, 4.0)),  # inside: unchanged
        ((0.0, 4.0), [1.0, 4.25], (0.0, 4.5)),  # next multiple of 0.5 beyond 4.25
        ((0.0, 4.0), [-0.1, 3.0], (-0.5, 4.0)),
        ((0.0, 4.0), [4.0], (0.0, 4.0)),  # on the edge: inside
        ((0.0, 4.0), [np.nan, np.inf, 2.0], (0.0, 4.0)),  # non-finite values ignored
        ((-3.0, 3.0), [3.04], (-3.0, 3.5)),
        ((0.0, 4.0), [-230.0], (-250.0, 4.0)),  # far out: steps of 50 (half of 10**2)
    ],
)
def test_cover_widens_limits_to_hold_the_data(limits, values, expected):
    assert cover(limits, np.array(values)) == pytest.approx(expected)


def test_loss_axis_starts_at_zero_and_turns_logarithmic_over_decades():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([69.48, 69.31])
    loss_axis(ax, np.array([69.48, 69.31]))
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0.0 and ax.get_ylim()[1] >= 69.48

    ax = fig.add_subplot()
    losses = np.array([10.0, 1.0, 1e-3, 1e-5])  # six decades
    ax.plot(losses)
    loss_axis(ax, losses)
    low, high = ax.get_ylim()
    assert ax.get_yscale() == "log" and low <= 1e-5 and high >= 10.0


def test_place_legend_moves_off_a_curve_and_outside_when_curves_fill_the_plot():
    fig = Figure(layout="tight")
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 100)
    ax.plot(x, np.full_like(x, 0.95), label="along the top")
    ax.set_ylim(0, 1)
    place_legend(ax, loc="upper right")
    drawn(fig)
    assert legend_overlaps(ax) == []
    assert ax.get_legend().get_window_extent().y1 <= ax.get_window_extent().y1  # still inside

    fig = Figure(layout="tight")
    ax = fig.add_subplot()
    noise = np.random.RandomState(0).rand(2000)  # a line through every part of the plot
    ax.plot(np.linspace(0, 1, 2000), noise, label="noise")
    ax.set_ylim(0, 1)
    place_legend(ax, loc="upper right")
    drawn(fig)
    assert legend_overlaps(ax) == []
    assert ax.get_legend().get_window_extent().x0 >= ax.get_window_extent().x1  # outside, right


# --- History.plot ---------------------------------------------------------------------------


def _blobs(rng, n=120):
    """Three Gaussian blobs in the plane, labels 0, 1, 2."""
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
    y = np.arange(n) % 3
    return centres[y] + 0.6 * rng.randn(n, 2), y


@pytest.fixture(scope="module")
def trained():
    rng = np.random.RandomState(3)
    X, y = _blobs(rng)
    network = Sequential([Linear(2, 8, rng=rng), Logistic(), Linear(8, 3, rng=rng), Softmax()])
    history = train(
        network,
        CategoricalCrossEntropy(),
        GradientDescent(0.5),
        X,
        np.eye(3)[y],
        epochs=12,
        batch_size=20,
        validation_fraction=0.25,
        rng=rng,
        metrics=["accuracy"],
    )
    return network, X, y, history


def test_history_plot_draws_losses_and_metrics_by_epoch(trained):
    *_, history = trained
    fig = history.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    losses, metrics = fig.axes
    curves = {line.get_label(): line for line in losses.get_lines()}
    np.testing.assert_array_equal(curves["loss training set"].get_ydata(), history.train_loss)
    np.testing.assert_array_equal(
        curves["loss validation set"].get_ydata(), history.validation_loss
    )
    assert list(curves["loss training set"].get_xdata()) == list(range(history.epochs + 1))
    assert len(curves["loss mini-batches"].get_ydata()) == len(history.batch_loss)
    assert losses.get_ylim()[0] == 0.0
    labels = {line.get_label() for line in metrics.get_lines()}
    assert labels == {"accuracy training set", "accuracy validation set"}
    assert metrics.get_ylim() == pytest.approx((0.0, 1.02))
    assert points_outside_axes(fig) == []
    assert all(legend_overlaps(ax) == [] for ax in fig.axes)


def test_history_plot_without_metrics_or_batches_has_one_axes():
    history = History(train_loss=[2.0, 1.0, 0.5], epochs=2)
    fig = history.plot(batches=False, title="mine")
    assert len(fig.axes) == 1 and fig.axes[0].get_title() == "mine"
    assert [line.get_label() for line in fig.axes[0].get_lines()] == ["loss training set"]


def test_history_plot_of_nothing_is_a_clear_error():
    with pytest.raises(ValueError, match="no loss recorded"):
        History().plot()


def test_training_does_not_import_matplotlib():
    code = "import sys, scratchnn.training; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- plot_decision_regions ------------------------------------------------------------------


def _filled_contours(fig) -> ContourSet:
    (contours,) = [c for c in fig.axes[0].get_children() if isinstance(c, ContourSet)]
    return contours


def test_decision_regions_of_a_softmax_network(trained):
    network, X, y, _ = trained
    fig = plot_decision_regions(network, X, y)
    ax = fig.axes[0]
    assert list(_filled_contours(fig).levels) == [-0.5, 0.5, 1.5, 2.5]  # three classes
    samples = {line.get_label(): len(line.get_xdata()) for line in ax.get_lines()}
    assert samples == {f"class {k}": int(np.sum(y == k)) for k in range(3)}
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1
    assert points_outside_axes(fig) == [] and legend_overlaps(ax) == []


def test_decision_regions_of_one_logistic_output_follow_its_threshold():
    """A unit with weights (1, 0) and no bias predicts class 1 exactly where x1 > 0."""
    network = Sequential([Linear(2, 1, bias=False), Logistic()])
    network[0].params["W"][...] = [[1.0], [0.0]]
    X = np.array([[-1.0, -1.0], [-0.5, 1.0], [0.5, -1.0], [1.0, 1.0]])
    y = np.array([0, 0, 1, 1])
    fig = plot_decision_regions(network, X, y, resolution=21, class_names=["left", "right"])
    contours = _filled_contours(fig)
    assert list(contours.levels) == [-0.5, 0.5, 1.5]
    (left, right) = contours.get_paths()  # one filled region per class
    assert left.vertices[:, 0].max() <= 0.1 and right.vertices[:, 0].min() >= -0.1
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["left", "right"]


def test_decision_regions_accept_an_estimator_predicting_labels_and_one_hot_targets():
    class Nearest:  # predict returns class indices, as an estimator does
        def predict(self, points):
            return (points[:, 1] > 0).astype(int)

    X = np.array([[0.0, -1.0], [0.0, 1.0], [1.0, 2.0]])
    fig = plot_decision_regions(Nearest(), X, np.eye(2)[[0, 1, 1]])
    assert list(_filled_contours(fig).levels) == [-0.5, 0.5, 1.5]


@pytest.mark.parametrize(
    "X, y, kwargs, message",
    [
        (np.zeros((4, 3)), [0, 1, 0, 1], {}, r"X: expected shape \(n, 2\)"),
        (np.zeros(4), [0, 1, 0, 1], {}, "X: expected shape"),
        (np.zeros((0, 2)), [], {}, "X: expected shape"),
        (np.full((2, 2), np.nan), [0, 1], {}, "X: contains NaN"),
        (np.zeros((4, 2)), [0, 1, 0], {}, "y: expected 4 labels"),
        (np.zeros((4, 2)), [0, 1, -1, 0], {}, "y: labels must be class indices"),
        (np.zeros((4, 2)), [0, 1, 0.5, 0], {}, "y: labels must be class indices"),
        (np.zeros((4, 2)), [0, 1, 0, 1], dict(resolution=1), "resolution"),
        (np.zeros((4, 2)), [0, 1, 0, 1], dict(margin=-1.0), "margin"),
        (np.zeros((4, 2)), [0, 1, 0, 1], dict(class_names=["a"]), "class_names"),
    ],
)
def test_decision_regions_reject_bad_input_by_name(X, y, kwargs, message):
    network = Sequential([Linear(2, 1), Logistic()])
    with pytest.raises(ValueError, match=message):
        plot_decision_regions(network, X, y, **kwargs)


# --- show() and Jupyter ---------------------------------------------------------------------


def _figure() -> Figure:
    return History(train_loss=[1.0, 0.5], epochs=1).plot()


def test_show_without_a_display_warns_and_does_nothing():
    assert plt.get_backend().lower() == "agg"  # the tests' backend: nothing can be shown
    fig = _figure()
    with pytest.warns(UserWarning, match="non-interactive"):
        assert show({"a": fig}) is False
    with pytest.warns(UserWarning, match="non-interactive"):
        assert fig.show() is False  # no AttributeError, unlike a plain Figure made without pyplot
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fig.show(warn=False) is False
    assert plt.get_fignums() == []


def test_show_gives_each_figure_a_pyplot_window(monkeypatch):
    """With an interactive backend each figure gets a manager, then pyplot.show runs once."""
    shown = []
    monkeypatch.setattr(plotting._show, "can_show", lambda: True)
    monkeypatch.setattr(plt, "show", lambda block=None: shown.append(plt.get_fignums()))
    figures = [_figure(), _figure()]
    try:
        assert show(figures, block=False) is True
        managed = [plt.figure(num).canvas.figure for num in plt.get_fignums()]
        assert shown == [plt.get_fignums()] and len(managed) == 2
        assert all(any(m is f for m in managed) for f in figures)
        show(figures[0])  # already in an open window: no second one
        assert len(plt.get_fignums()) == 2
    finally:
        plt.close("all")


@pytest.mark.parametrize("bad", [None, 3, "figure", [Figure(), "x"]])
def test_show_rejects_what_is_not_a_figure(bad):
    with pytest.raises(TypeError, match="show"):
        show(bad)


def test_figures_display_inline_in_jupyter():
    from IPython.core.formatters import PNGFormatter

    fig = _figure()
    png = PNGFormatter()(fig)  # what Jupyter calls, with or without pyplot
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
