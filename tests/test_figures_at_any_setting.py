"""Every part's figures at settings far from the tutorial's: the plotted data stays inside the
axes, no legend hides a curve, loss axes start at 0 (or the loss's floor on a log scale)."""

import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from figure_geometry import (
    drawn,
    legend_overlaps,
    overlapping_texts,
    plotted_points,
    points_outside_axes,
    texts_outside_axes,
)
from scratchnn.tutorial import logistic, part1, part2, part3, part4, part5, softmax

# slow: every part run and drawn at eleven settings (seconds each)
pytestmark = pytest.mark.slow

#: (module, settings): a few non-default settings per part, each far from the tutorial's.
CASES = [
    (logistic, dict(z_min=-2.0, z_max=3.0, n_points=50)),
    (part1, dict(learning_rate=3.0)),  # above the critical rate: the iterates diverge
    (part1, dict(seed=7, learning_rate=2.2)),  # samples above t = 2
    (part2, dict(learning_rate=100.0)),
    (part2, dict(seed=5, learning_rate=1.0)),
    (part3, dict(learning_rate=10.0)),
    (part3, dict(w_h=-2.0, b_o=-1.0, iterations=5)),
    (part4, dict(momentum=0.0)),  # a 0.2 % change of loss
    (part4, dict(learning_rate=1.0, iterations=50)),  # the loss explodes
    (part5, dict(batch_size=1, max_epochs=2)),  # costs above 2.5, noise everywhere
    (softmax, dict(grid_size=5, limit=2.0)),
]

#: Figures whose y axis is a loss (or cost), by file name stem.
LOSS_FIGURES = {"part1_loss", "part1_gradient_descent", "part4_loss", "part5_cost"}


def _id(case) -> str:
    module, settings = case
    return (
        module.__name__.rsplit(".", 1)[1] + "-" + "-".join(f"{k}={v}" for k, v in settings.items())
    )


def _render(module, settings) -> tuple[object, dict[str, Figure]]:
    """The part's result and figures (as returned: already drawn), computed once."""
    key = (module.__name__, tuple(sorted(settings.items())))
    if key not in _RENDERED:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # divergence warnings: the settings are meant to be bad
            result = module.run(**settings)
            _RENDERED[key] = result, module.figures(result)
    return _RENDERED[key]


_RENDERED: dict = {}


@pytest.fixture(scope="module", params=CASES, ids=_id)
def rendered(request):
    return _render(*request.param)


def test_plotted_data_lies_inside_the_axes(rendered):
    _, figures = rendered
    for stem, fig in figures.items():
        assert points_outside_axes(fig) == [], stem


def test_no_legend_hides_a_curve(rendered):
    _, figures = rendered
    for stem, fig in figures.items():
        for ax in fig.axes:
            assert legend_overlaps(ax) == [], f"{stem}: {ax.get_title()}"


def test_network_figures_keep_every_text_inside_and_apart(rendered):
    _, figures = rendered
    for stem, fig in figures.items():
        if stem.endswith(("_network", "_graph")):
            assert texts_outside_axes(fig) == [], stem
            assert overlapping_texts(fig) == [], stem


def test_loss_axes_start_at_the_floor(rendered):
    _, figures = rendered
    for stem in LOSS_FIGURES & figures.keys():
        ax = figures[stem].axes[0]
        low, high = ax.get_ylim()
        values = np.concatenate([p[:, 1] for _, p in plotted_points(ax) if p.size])
        if ax.get_yscale() == "log":
            assert low <= values[values > 0].min(), stem
        else:
            assert low <= 0.0 < high, stem
        assert high >= values.max(), stem


# The three settings the issue names, each checked against the data it plots.


def test_part1_diverging_iterates_stay_in_view():
    result, figures = _render(part1, dict(learning_rate=3.0))
    assert result.learning_rate > result.critical_learning_rate  # the iterates do diverge…
    assert result.w.max() > 4.0 or result.w.min() < 0.0  # …out of the tutorial's w in [0, 4]
    ax = figures["part1_gradient_descent"].axes[0]
    low, high = ax.get_xlim()
    assert low <= result.w.min() and result.w.max() <= high
    curve = ax.get_lines()[0].get_xdata()  # the loss curve spans the widened axis
    assert curve.min() <= result.w.min() and curve.max() >= result.w.max()


def test_part4_without_momentum_draws_the_loss_from_zero():
    result, figures = _render(part4, dict(momentum=0.0))
    change = (result.loss.max() - result.loss.min()) / result.loss.max()
    assert change < 0.01  # the loss barely moves…
    ax = figures["part4_loss"].axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0.0  # …and is not drawn as a drop


def test_part5_batch_size_1_keeps_every_cost_and_a_free_legend():
    result, figures = _render(part5, dict(batch_size=1, max_epochs=2))
    assert result.batch_cost.max() > 2.5  # above the tutorial's fixed top
    ax = figures["part5_cost"].axes[0]
    assert ax.get_ylim()[1] >= result.batch_cost.max()
    assert ax.get_legend() is not None and legend_overlaps(ax) == []


def test_default_views_are_the_tutorials():
    """At the tutorial's settings the views stay the tutorial's fixed ones."""
    _, one = _render(part1, {})
    assert one["part1_samples"].axes[0].axis() == (0.0, 1.0, 0.0, 2.0)
    assert one["part1_gradient_descent"].axes[0].get_xlim() == (0.0, 4.0)
    _, two = _render(part2, {})
    assert two["part2_classes"].axes[0].axis() == (-3.0, 4.0, -4.0, 4.0)


# The checks themselves catch what they are meant to catch (else the tests above prove nothing).


def test_the_checks_see_data_outside_the_axes_and_under_a_legend():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 10], [0, 1], label="line")
    ax.set_xlim(0, 5)
    assert len(points_outside_axes(drawn(fig))) == 1

    fig = Figure()
    ax = fig.add_subplot()
    ax.plot(np.linspace(0, 1, 50), np.full(50, 0.95), label="along the top")
    ax.set_ylim(0, 1)
    ax.legend(loc="upper center")
    drawn(fig)
    assert legend_overlaps(ax) == ["along the top"]
