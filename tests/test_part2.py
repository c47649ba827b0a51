"""Part 2 (docs/tutorial-notes.md, Part 2): logistic regression with the summed gradient, figures and CLI."""

import json

import numpy as np
import pytest

from checks import assert_figure_file, single_error_line
from scratchnn.cli import main
from scratchnn.cli._common import write_figures
from scratchnn.training import TrainingDivergedError
from scratchnn.tutorial import part2

# docs/tutorial-notes.md, Part 2: (w1, w2, mean-CE loss) at iteration k
TUTORIAL_ITERATES = {
    0: (-4.0, -2.0, 4.7565),
    1: (-2.06982, -1.25331, 2.6531),
    2: (-0.24989, -0.50161, 0.9452),
    3: (0.89670, 0.11125, 0.4108),
    10: (1.83132, 0.81002, 0.2970),
}
TUTORIAL_CLAIM = (
    "2 blue circles misclassified as red stars, 4 red stars misclassified as blue circles"
)


def tutorial_procedure(seed, learning_rate, iterations):
    """The notebook's code written out: RandomState draws, w <- w - μ Σ (y - t) x."""
    rs = np.random.RandomState(seed)
    x_red = rs.randn(20, 2) + (-1.0, 0.0)
    x_blue = rs.randn(20, 2) + (1.0, 0.0)
    X = np.vstack((x_red, x_blue))
    t = np.vstack((np.zeros((20, 1)), np.ones((20, 1))))

    def output(w):  # w: (1, 2) row
        return 1.0 / (1.0 + np.exp(-X @ w.T))

    def mean_ce(w):  # per case: -log y if t = 1, -log(1 - y) if t = 0
        y = output(w)
        return -np.mean(np.concatenate((np.log(y[t == 1]), np.log(1 - y[t == 0]))))

    w = np.array([[-4.0, -2.0]])
    ws = [w.copy()]
    for _ in range(iterations):
        w = w - learning_rate * ((output(w) - t).T @ X)
        ws.append(w.copy())
    losses = [mean_ce(w) for w in ws]
    predicted = np.round(output(w))
    blue_as_red = int(np.sum((t == 1) & (predicted == 0)))
    red_as_blue = int(np.sum((t == 0) & (predicted == 1)))
    return X, np.vstack(ws), np.array(losses), blue_as_red, red_as_blue


@pytest.fixture(scope="module")
def result():
    return part2.run()


@pytest.fixture(scope="module")
def figs(result):
    return part2.figures(result)


def test_data_fingerprint(result):
    # docs/tutorial-notes.md, Part 2: x_red[0], x_blue[0]
    np.testing.assert_allclose(result.X[0], [0.624345, -0.611756], atol=1e-6)
    np.testing.assert_allclose(result.X[20], [0.808164, -0.887629], atol=1e-6)
    assert result.t[:20].sum() == 0 and result.t[20:].sum() == 20


@pytest.mark.parametrize("k", sorted(TUTORIAL_ITERATES))
def test_tutorial_iterates(result, k):
    w1, w2, loss = TUTORIAL_ITERATES[k]
    assert result.w[k] == pytest.approx([w1, w2], abs=6e-6)
    assert result.loss[k] == pytest.approx(loss, abs=6e-5)


def test_tutorial_misclassification_claim(result):
    assert (result.blue_misclassified, result.red_misclassified) == (2, 4)
    assert part2.misclassification_line(2, 4) == TUTORIAL_CLAIM
    assert result.w.shape == (11, 2) and result.loss.shape == (11,)


def test_summed_gradient_is_the_mean_gradient_with_mu_times_n(result):
    """The summed gradient with μ = 0.05 is the mean gradient with μ = 0.05 · 40."""
    from scratchnn import BinaryCrossEntropy, GradientDescent, train

    network = part2.build_network([-4.0, -2.0])
    history = train(
        network,
        BinaryCrossEntropy("mean"),
        GradientDescent(0.05 * 40),
        result.X,
        result.t,
        epochs=10,
        record_params=True,
    )
    ws = np.array([p["0.W"][:, 0] for p in history.params])
    np.testing.assert_allclose(ws, result.w, rtol=1e-10)
    np.testing.assert_allclose(history.train_loss, result.loss, rtol=1e-10)


@pytest.mark.parametrize("seed, lr, iterations", [(7, 0.5, 3), (123, 0.01, 25)])
def test_json_agrees_with_the_procedure_written_out(capsys, seed, lr, iterations):
    argv = [
        "part2",
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
    X, ws, losses, blue_as_red, red_as_blue = tutorial_procedure(seed, lr, iterations)
    np.testing.assert_allclose(data["X"], X, rtol=0, atol=0)
    np.testing.assert_allclose(data["w"], ws, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(data["loss"], losses, rtol=1e-9)
    assert data["blue_misclassified"] == blue_as_red
    assert data["red_misclassified"] == red_as_blue
    assert len(data["w"]) == len(data["loss"]) == iterations + 1


def test_loss_surface_is_the_mean_cross_entropy(result):
    ws = np.linspace(-5, 5, 25)
    surface = part2.loss_surface(result.X, result.t, ws, ws)
    assert surface.shape == (25, 25)
    t = result.t
    for i, j in [(0, 0), (3, 17), (24, 5), (12, 12)]:
        y = 1 / (1 + np.exp(-result.X @ np.array([ws[j], ws[i]])))[:, None]
        expected = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
        assert surface[i, j] == pytest.approx(expected, rel=1e-12)


def test_classify_grid_rounds_the_output(result):
    xs = np.linspace(-4, 4, 9)
    plane = part2.classify_grid(result.w[-1], xs, xs)
    XX, YY = np.meshgrid(xs, xs)
    w1, w2 = result.w[-1]
    np.testing.assert_array_equal(plane, (XX * w1 + YY * w2 > 0).astype(float))


def test_figures(result, figs):
    assert list(figs) == [
        "part2_classes",
        "part2_loss_surface",
        "part2_gradient_descent",
        "part2_decision_boundary",
        "part2_network",
    ]
    tutorial = [figs[name] for name in list(figs)[:4]]  # the network is drawn to its size
    titles = [fig.axes[0].get_title() for fig in tutorial]
    assert titles == [
        "red star vs. blue circle classes in the input space",
        "Loss function surface",
        "Gradient descent updates on loss surface",
        "red star vs. blue circle classification boundary",
    ]
    for fig in tutorial:
        assert tuple(fig.get_size_inches()) == (6, 4)
    classes = figs["part2_classes"].axes[0]
    assert classes.axis() == (-3, 4, -4, 4)
    assert [t.get_text() for t in classes.get_legend().get_texts()] == [
        "class: red star",
        "class: blue circle",
    ]
    surface = figs["part2_loss_surface"]
    assert surface.axes[1].get_ylabel() == "$\\xi$"
    assert surface.axes[1].get_ylim() == pytest.approx((0.0, 7.2))  # colour bar 0.0 … 7.2
    path = figs["part2_gradient_descent"].axes[0]
    assert [t.get_text() for t in path.texts] == ["$w(0)$", "$w(1)$", "$w(2)$", "$w(3)$"]
    np.testing.assert_allclose(path.lines[0].get_xydata(), result.w[:4])
    assert figs["part2_gradient_descent"].axes[1].get_ylabel() == "loss"
    boundary = figs["part2_decision_boundary"].axes[0]
    assert [t.get_text() for t in boundary.get_legend().get_texts()] == [
        "target red star",
        "target blue circle",
    ]


def test_path_grid_widens_for_far_iterates():
    far = part2.run(seed=7, learning_rate=0.5, iterations=3)
    grid = part2._path_grid(far.w[:4])
    assert grid[0] <= far.w[:4].min() and far.w[:4].max() <= grid[-1]
    assert grid[-1] > 5 and grid[0] == -grid[-1]
    np.testing.assert_array_equal(part2._path_grid(part2.run().w[:4]), np.linspace(-5, 5, 25))


def test_absurd_learning_rate_still_draws_without_warnings():
    """RuntimeWarning is an error in this suite; labels of iterates off the grid are skipped."""
    far = part2.run(seed=7, learning_rate=1e6, iterations=3)
    assert np.isfinite(far.w).all() and np.isfinite(far.loss).all()
    ax = part2.figures(far)["part2_gradient_descent"].axes[0]
    assert [t.get_text() for t in ax.texts] == ["$w(0)$"]


def test_cli_text(capsys):
    assert main(["part2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "w(0): [-4.0000, -2.0000] \t loss: 4.7565"
    assert out[10] == "w(10): [1.8313, 0.8100] \t loss: 0.2970"
    assert "final weights: w = [1.8313, 0.8100]" in out
    assert TUTORIAL_CLAIM in out


def test_cli_writes_png_figures(tmp_path, capsys):
    assert main(["part2", "--json", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # stdout stays pure JSON
    assert "wrote 5 figures" in captured.err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"part2_{n}.png"
        for n in ("classes", "loss_surface", "gradient_descent", "decision_boundary", "network")
    )
    for path in tmp_path.iterdir():
        assert_figure_file(path)


def test_figures_as_svg(tmp_path, figs):
    """The CLI's --format svg path (write_figures), on the figures built once above."""
    for path in write_figures(figs, tmp_path, "svg"):
        assert_figure_file(path)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--learning-rate", "0"], "--learning-rate"),
        (["--learning-rate", "-1"], "--learning-rate"),
        (["--learning-rate", "abc"], "--learning-rate"),
        (["--learning-rate", "nan"], "--learning-rate"),
        (["--learning-rate", "inf"], "--learning-rate"),
        (["--iterations", "-1"], "--iterations"),
        (["--iterations", "2.5"], "--iterations"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "4294967296"], "seed must be an integer in [0, 4294967295]"),
        (["--learning-rate", "1e308", "--iterations", "3"], "diverged"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(argv, fragment, capsys):
    assert main(["part2", *argv]) == 2
    assert fragment in single_error_line(capsys)


def test_api_errors():
    with pytest.raises(TrainingDivergedError):
        part2.run(learning_rate=1e308, iterations=3)
    with pytest.raises(ValueError, match="w must hold 2 weights"):
        part2.run(w0=(1.0, 2.0, 3.0))
    with pytest.raises(TypeError, match="learning_rate"):
        part2.run(learning_rate="0.1")


def test_zero_iterations(capsys):
    assert main(["part2", "--iterations", "0"]) == 0
    assert capsys.readouterr().out.startswith("w(0): [-4.0000, -2.0000] \t loss: 4.7565\n")
