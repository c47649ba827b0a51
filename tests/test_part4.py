"""Part 4: the 2-3-2 network on the circles, against the tutorial (docs/tutorial-notes.md, Part 4)."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_circles

from checks import assert_figure_file, single_error_line
from scratchnn.cli import main
from scratchnn.tutorial import part4

# docs/tutorial-notes.md, Part 4: loss at these iterations, to the digits given there
REFERENCE_LOSS = {
    0: "69.474",
    50: "69.307",
    100: "69.208",
    120: "66.862",
    140: "40.633",
    160: "35.014",
    180: "6.069",
    200: "1.480",
    250: "0.526",
    300: "0.3808",
}
PRINTED = ["shape of X: (100, 2)", "shape of T: (100, 2)", "No gradient errors found"]


def tutorial_part4(seed, learning_rate, momentum, iterations):
    """The notebook's procedure written out: make_circles on the seeded stream, randn draws
    b_h, W_h, b_o, W_o (x1, then x0.1), the notebook's backprop formulas and momentum."""
    rng = np.random.RandomState(seed)
    X, t = make_circles(n_samples=100, shuffle=False, factor=0.3, noise=0.1, random_state=rng)
    T = np.zeros((100, 2))
    T[t == 0, 0] = 1
    T[t == 1, 1] = 1

    def init(var):
        bh = rng.randn(1, 3) * var
        Wh = rng.randn(2, 3) * var
        bo = rng.randn(1, 2) * var
        Wo = rng.randn(3, 2) * var
        return [Wh, bh, Wo, bo]

    def forward(Wh, bh, Wo, bo):
        H = 1 / (1 + np.exp(-(X @ Wh + bh)))
        Z = H @ Wo + bo
        return H, np.exp(Z) / np.sum(np.exp(Z), axis=1, keepdims=True)

    def gradients(Wh, bh, Wo, bo):
        H, Y = forward(Wh, bh, Wo, bo)
        Eo = Y - T
        Eh = H * (1 - H) * (Eo @ Wo.T)
        return [X.T @ Eh, Eh.sum(axis=0, keepdims=True), H.T @ Eo, Eo.sum(axis=0, keepdims=True)]

    def loss(params):
        return -np.sum(T * np.log(forward(*params)[1]))

    init(1)  # the gradient-check parameters: drawn, then replaced
    params = init(0.1)
    Ms = [np.zeros_like(p) for p in params]
    losses = [loss(params)]
    for _ in range(iterations):
        Js = gradients(*params)
        Ms = [momentum * M - learning_rate * J for M, J in zip(Ms, Js)]
        params = [p + M for p, M in zip(params, Ms)]
        losses.append(loss(params))
    return X, t, np.array(losses), params


@pytest.fixture(scope="module")
def result():
    return part4.run()


def test_printed_lines(result):
    assert result.lines()[:3] == PRINTED


def test_data_fingerprint(result):
    # docs/tutorial-notes.md, Part 4: the data
    np.testing.assert_allclose(result.X[0], [1.162435, -0.061176], atol=5e-7)
    np.testing.assert_allclose(result.X[50], [0.255287, 0.122451], atol=5e-7)
    assert result.labels.tolist() == [0] * 50 + [1] * 50
    assert result.T[:50, 0].all() and result.T[50:, 1].all() and result.T.sum() == 100


def test_gradient_check(result):
    assert result.gradient_check.passed
    assert [c.name for c in result.gradient_check.checks] == ["0.W", "0.b", "2.W", "2.b"]
    assert result.gradient_check_max_abs_error < 1e-7  # reproduced: 1.5e-8


def test_loss_curve_matches_the_tutorial(result):
    assert result.loss.shape == (301,)
    for k, expected in REFERENCE_LOSS.items():
        decimals = len(expected.split(".")[1])
        assert f"{result.loss[k]:.{decimals}f}" == expected, k


def test_training_accuracy_is_100_percent(result):
    assert result.train_accuracy == 1.0
    assert result.lines()[-1] == "training accuracy: 100%"
    assert result.divergence is None


def test_hidden_layer_is_the_trained_first_two_layers(result):
    p = result.params
    assert p["W_h"].shape == (2, 3) and p["b_h"].shape == (3,)
    assert p["W_o"].shape == (3, 2) and p["b_o"].shape == (2,)
    H = 1 / (1 + np.exp(-(result.X @ p["W_h"] + p["b_h"])))
    np.testing.assert_allclose(result.hidden, H, rtol=1e-12)


def test_figures(result):
    figs = part4.figures(result)
    titles = {
        "part4_classes": ("red star vs blue circle classes in the input space", (6, 4)),
        "part4_loss": ("Decrease of loss over backprop iteration", (5, 3)),
        "part4_decision_boundary": ("red star vs blue circle classification boundary", (6, 4)),
        "part4_hidden_projection": ("Projection of the input X onto the hidden layer H", (6, 5)),
    }
    assert set(figs) == set(titles) | {"part4_network", "part4_graph"}
    for name, (title, size) in titles.items():
        assert figs[name].axes[0].get_title() == title
        assert tuple(figs[name].get_size_inches()) == size
    ax = figs["part4_classes"].axes[0]
    assert ax.axis() == (-1.5, 1.5, -1.5, 1.5)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "class: red star",
        "class: blue circle",
    ]
    ax = figs["part4_loss"].axes[0]
    assert ax.get_xlim() == (0, 300) and ax.get_xlabel() == "iteration"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), result.loss)
    ax = figs["part4_hidden_projection"].axes[0]
    assert (ax.elev, ax.azim) == (30, -20)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("$h_1$", "$h_2$", "$h_3$")


def test_decision_boundary_grid(result):
    xx, yy, red = part4.classification_grid(result.network)
    assert xx.shape == yy.shape == red.shape == (100, 100)
    assert xx.min() == -2 and xx.max() == 2
    assert set(np.unique(red)) == {0.0, 1.0}
    # the origin is inside the blue circle, the corners are red
    assert red[50, 50] == 0 and red[0, 0] == red[-1, -1] == 1


def test_other_seed_and_hyperparameters_match_the_tutorial_procedure(capsys):
    argv = [
        "part4",
        "--json",
        "--seed",
        "3",
        "--learning-rate",
        "0.05",
        "--momentum",
        "0.5",
        "--iterations",
        "20",
    ]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    X, t, losses, (Wh, bh, Wo, bo) = tutorial_part4(3, 0.05, 0.5, 20)
    np.testing.assert_allclose(data["X"], X, rtol=1e-15)
    assert data["labels"] == t.tolist()
    np.testing.assert_allclose(data["loss"], losses, rtol=1e-12)
    np.testing.assert_allclose(data["params"]["W_h"], Wh, rtol=1e-10)
    np.testing.assert_allclose(data["params"]["b_h"], bh[0], rtol=1e-10)
    np.testing.assert_allclose(data["params"]["W_o"], Wo, rtol=1e-10)
    np.testing.assert_allclose(data["params"]["b_o"], bo[0], rtol=1e-10)
    assert data["gradient_check_passed"] is True
    assert data["shape_X"] == [100, 2] and data["shape_T"] == [100, 2]


def test_cli_text(capsys):
    assert main(["part4"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == PRINTED
    assert out[3].split() == ["iteration", "loss"]
    assert out[4].split() == ["0", "69.4740"] and out[-2].split() == ["300", "0.3808"]
    assert out[-1] == "training accuracy: 100%"


def test_cli_json_keys(capsys):
    assert main(["part4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["loss"]) == 301 and data["train_accuracy"] == 1.0
    assert data["gradient_check_passed"] is True


def test_cli_figures(tmp_path, capsys):
    assert main(["part4", "--iterations", "50", "--out", str(tmp_path)]) == 0
    assert "wrote 6 figures" in capsys.readouterr().out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(
        f"part4_{n}.png"
        for n in ("classes", "loss", "decision_boundary", "hidden_projection", "network", "graph")
    )
    for path in tmp_path.iterdir():
        assert_figure_file(path)


def test_cli_warns_when_the_loss_rises(capsys):
    assert main(["part4", "--learning-rate", "5", "--iterations", "30"]) == 0
    assert "training diverged" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["part4", "--learning-rate", "0"], "--learning-rate"),
        (["part4", "--learning-rate", "x"], "--learning-rate"),
        (["part4", "--momentum", "1"], "--momentum"),
        (["part4", "--momentum", "-0.1"], "--momentum"),
        (["part4", "--iterations", "-1"], "--iterations"),
        (["part4", "--seed", "-1"], "--seed"),
        (["part4", "--seed", str(2**32)], "seed"),
        (["part4", "--learning-rate", "1e308"], "diverged"),
    ],
)
def test_cli_bad_input(argv, fragment, capsys):
    assert main(argv) == 2
    assert fragment in single_error_line(capsys)


def test_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "scratchnn", "part4", "--iterations", "5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == PRINTED
