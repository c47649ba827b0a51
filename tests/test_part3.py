"""Part 3 (docs/tutorial-notes.md, Part 3): one hidden RBF neuron trained by backpropagation, figures, CLI."""

import json

import numpy as np
import pytest

from checks import assert_figure_file, single_error_line
from scratchnn.cli import main
from scratchnn.cli._common import write_figures
from scratchnn.training import TrainingDivergedError
from scratchnn.tutorial import part3

# docs/tutorial-notes.md, Part 3: (w_h, b_o, loss) at iteration k
TUTORIAL_TRAJECTORY = {
    0: (2.3000, 1.4000, 0.8772),
    1: (2.2826, 0.7205, 0.6813),
    2: (2.2468, 0.2619, 0.5967),
    5: (2.0577, -0.2300, 0.5521),
    10: (1.6676, -0.3456, 0.5354),
    20: (1.1231, -0.4425, 0.5194),
}
# the tutorial's printed output, verbatim
TUTORIAL_LINE = "final loss is 0.52 for weights wh=1.12 and bo=-0.44"


def tutorial_procedure(seed, learning_rate, iterations, wh=2.3, bo=1.4):
    """The notebook's code written out: per-sample updates averaged (backprop_update)."""
    rs = np.random.RandomState(seed)
    xs_blue = rs.randn(20, 1) * 0.5 + 0
    xs_red = np.vstack((rs.randn(10, 1) * 0.5 - 2, rs.randn(10, 1) * 0.5 + 2))
    x = np.vstack((xs_blue, xs_red))
    t = np.vstack((np.ones((20, 1)), np.zeros((20, 1))))

    def nn(wh, bo):
        return 1.0 / (1.0 + np.exp(-(np.exp(-((x * wh) ** 2)) + bo)))

    def loss(wh, bo):
        y = nn(wh, bo)
        return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))

    trajectory = [(wh, bo, loss(wh, bo))]
    for _ in range(iterations):
        zh = x * wh
        h = np.exp(-(zh**2))
        y = 1.0 / (1.0 + np.exp(-(h + bo)))
        grad_output = y - t
        d_bo = learning_rate * grad_output
        d_wh = learning_rate * x * -2 * zh * h * grad_output
        wh, bo = float(np.mean(wh - d_wh)), float(np.mean(bo - d_bo))
        trajectory.append((wh, bo, loss(wh, bo)))
    predictions = np.round(nn(wh, bo))
    return x[:, 0], np.array(trajectory), int(np.sum(predictions != t))


@pytest.fixture(scope="module")
def result():
    return part3.run()


@pytest.fixture(scope="module")
def figs(result):
    return part3.figures(result)


def test_data_fingerprint(result):
    # docs/tutorial-notes.md, Part 3: xs_blue[0], red_left[0], red_right[0]
    assert result.x[[0, 20, 30]] == pytest.approx([0.025281, -2.491496, 1.674387], abs=1e-6)
    assert result.t.tolist() == [1] * 20 + [0] * 20


@pytest.mark.parametrize("k", sorted(TUTORIAL_TRAJECTORY))
def test_tutorial_trajectory(result, k):
    w_h, b_o, loss = TUTORIAL_TRAJECTORY[k]
    assert result.w_h[k] == pytest.approx(w_h, abs=6e-5)
    assert result.b_o[k] == pytest.approx(b_o, abs=6e-5)
    assert result.loss[k] == pytest.approx(loss, abs=6e-5)


def test_tutorial_printed_line(result):
    assert result.final_line() == TUTORIAL_LINE
    assert len(result.loss) == 21  # the code's 20 iterations, not the text's 50


def test_all_samples_classified_and_blue_region(result):
    # docs/tutorial-notes.md, Part 3: all 40 correct; the blue region is |x| < 0.804
    assert result.n_misclassified == 0
    assert result.blue_radius == pytest.approx(0.804, abs=5e-4)
    inside = np.abs(result.x) < result.blue_radius
    np.testing.assert_array_equal(inside, result.predictions == 1)


@pytest.mark.parametrize("seed, lr, iterations", [(7, 0.5, 3), (11, 3.0, 40)])
def test_json_agrees_with_the_procedure_written_out(capsys, seed, lr, iterations):
    argv = [
        "part3",
        "--json",
        "--seed",
        str(seed),
        "--learning-rate",
        str(lr),
        "--iterations",
        str(iterations),
    ]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    x, trajectory, wrong = tutorial_procedure(seed, lr, iterations)
    np.testing.assert_array_equal(data["x"], x)
    np.testing.assert_allclose(data["w_h"], trajectory[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(data["b_o"], trajectory[:, 1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(data["loss"], trajectory[:, 2], rtol=1e-10)
    assert data["n_misclassified"] == wrong
    assert data["final_line"] == "final loss is {:.2f} for weights wh={:.2f} and bo={:.2f}".format(
        trajectory[-1, 2], trajectory[-1, 0], trajectory[-1, 1]
    )


def test_loss_surface_range_and_values(result):
    whs, bos = np.linspace(-3, 3, 50), np.linspace(-2.5, 1.5, 50)
    x, t = result.x[:, None], result.t[:, None].astype(float)
    surface = part3.loss_surface(x, t, whs, bos)
    assert surface.shape == (50, 50)
    # docs/tutorial-notes.md, Part 3: surface range about 0.519–1.32
    assert surface.min() == pytest.approx(0.519, abs=1e-3)
    assert surface.max() == pytest.approx(1.32, abs=5e-3)
    i, j = 17, 41
    y = 1 / (1 + np.exp(-(np.exp(-((x * whs[j]) ** 2)) + bos[i])))
    assert surface[i, j] == pytest.approx(-np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)))


def test_figure_names_titles_sizes(figs):
    assert list(figs) == [
        "part3_samples",
        "part3_rbf",
        "part3_loss_surface",
        "part3_gradient_descent",
        "part3_classification",
        "part3_projection",
        "part3_network",
        "part3_graph",
    ]
    sizes = [tuple(figs[name].get_size_inches()) for name in list(figs)[:6]]
    assert sizes == [(7, 1), (5, 3), (7, 5), (7, 5), (7, 1), (6, 6)]
    assert figs["part3_samples"].axes[0].get_title() == (
        "Input samples from the blue circles and red star classes"
    )
    assert figs["part3_rbf"].axes[0].get_title() == "RBF function"
    assert figs["part3_rbf"].axes[0].get_legend().get_texts()[0].get_text() == "$e^{-z_h^2}$"
    assert figs["part3_classification"].axes[0].get_title() == (
        "Input samples and their classification"
    )
    assert figs["part3_projection"].get_suptitle() == (
        "Projection of the input samples $x$ to hidden layer output $h$."
    )


def test_3d_figures(figs, result):
    surface = figs["part3_loss_surface"].axes[0]
    assert surface.name == "3d"
    assert (surface.elev, surface.azim) == (55, -30)
    assert surface.get_title(loc="left") == "Loss function surface"
    assert (surface.get_xlabel(), surface.get_ylabel(), surface.get_zlabel()) == (
        "$w_h$",
        "$b_o$",
        "$\\xi$",
    )
    assert not surface.xaxis.pane.get_fill()
    assert figs["part3_loss_surface"].axes[1].get_ylabel() == "$\\xi$"  # colour bar

    path = figs["part3_gradient_descent"].axes[0]
    assert path.get_title() == "Gradient descent updates on loss surface"
    assert path.get_xlim() == (-2.5, 2.5) and path.get_ylim() == (-2.5, 1.5)
    segments, star = path.lines
    xs, ys, zs = segments.get_data_3d()
    np.testing.assert_allclose(xs, result.w_h)
    np.testing.assert_allclose(ys, result.b_o)
    np.testing.assert_allclose(zs, result.loss)
    assert segments.get_color() == "w" and star.get_marker() == "*"


def test_projection_uses_the_trained_rbf(figs, result):
    ax_rbf = figs["part3_projection"].axes[1]
    curve = ax_rbf.lines[0]
    xs = curve.get_xdata()
    np.testing.assert_allclose(curve.get_ydata(), np.exp(-((xs * result.w_h[-1]) ** 2)))
    assert ax_rbf.get_ylim() == (-0.1, 1.1)
    ax_out = figs["part3_projection"].axes[2]
    assert ax_out.get_ylabel() == "$h$"


def test_cli_text(capsys):
    assert main(["part3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "w_h(0): 2.3000 \t b_o(0): 1.4000 \t loss: 0.8772"
    assert out[20] == "w_h(20): 1.1231 \t b_o(20): -0.4425 \t loss: 0.5194"
    assert out[21] == TUTORIAL_LINE
    assert out[22] == "all 40 samples classified correctly"


def test_cli_writes_png_figures(tmp_path, capsys):
    assert main(["part3", "--out", str(tmp_path)]) == 0
    assert "wrote 8 figures" in capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"part3_{n}.png"
        for n in (
            "samples",
            "rbf",
            "loss_surface",
            "gradient_descent",
            "classification",
            "projection",
            "network",
            "graph",
        )
    )
    for path in tmp_path.iterdir():
        assert_figure_file(path, min_std=0.02)


def test_figures_as_svg(tmp_path, figs):
    """The CLI's --format svg path (write_figures), on the figures built once above."""
    for path in write_figures(figs, tmp_path, "svg"):
        assert_figure_file(path)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--learning-rate", "0"], "--learning-rate"),
        (["--learning-rate", "-2"], "--learning-rate"),
        (["--learning-rate", "x"], "--learning-rate"),
        (["--learning-rate", "nan"], "--learning-rate"),
        (["--iterations", "-1"], "--iterations"),
        (["--iterations", "ten"], "--iterations"),
        (["--seed", "-4"], "--seed"),
        (["--seed", "99999999999"], "seed must be an integer in [0, 4294967295]"),
        (["--json", "extra"], "unrecognized arguments"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(argv, fragment, capsys):
    assert main(["part3", *argv]) == 2
    assert fragment in single_error_line(capsys)


def test_divergence_is_a_clear_error(capsys):
    with pytest.raises(TrainingDivergedError, match="diverged"):
        part3.run(w_h=1e308)  # x w_h overflows: the loss becomes NaN
    with pytest.raises(ValueError, match="w_h must be finite"):
        part3.run(w_h=float("inf"))
    with pytest.raises(TypeError, match="b_o"):
        part3.run(b_o="1")


def test_any_learning_rate_runs_and_draws_without_warnings():
    """Huge steps saturate the RBF; figures widen to the path. RuntimeWarning is an error
    in this suite, so this also checks nothing overflows noisily."""
    far = part3.run(learning_rate=50.0, iterations=10)
    assert np.isfinite(far.w_h).all() and np.isfinite(far.loss).all()
    lo, hi = part3._cover(part3.PATH_WH_LIMITS, far.w_h)
    assert lo <= far.w_h.min() and far.w_h.max() <= hi and (lo, hi) != (-2.5, 2.5)
    assert part3._cover(part3.PATH_WH_LIMITS, part3.run().w_h) == (-2.5, 2.5)
    absurd = part3.run(learning_rate=1e300, iterations=3)
    assert np.isfinite(absurd.loss).all()
    ax = part3.figures(absurd)["part3_gradient_descent"].axes[0]
    assert ax.get_xlim()[0] <= -1e5  # widened (capped at 1e6)


def test_zero_iterations(capsys):
    assert main(["part3", "--iterations", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "w_h(0): 2.3000 \t b_o(0): 1.4000 \t loss: 0.8772",
        "final loss is 0.88 for weights wh=2.30 and bo=1.40",
    ]
