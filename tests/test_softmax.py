"""Intermezzo 2: the softmax surface, its checks, the figure and the command line."""

import json
import subprocess
import sys

import matplotlib.image as mpimg
import numpy as np
import pytest

from checks import assert_figure_file, single_error_line
from scratchnn.cli import main
from scratchnn.tutorial import softmax


def reference_surface(n, limit):
    """The notebook's procedure: softmax of each grid point [z1, z2], point by point."""
    zs = np.linspace(-limit, limit, num=n)
    zs_1, zs_2 = np.meshgrid(zs, zs)
    y = np.zeros((n, n, 2))
    for i in range(n):
        for j in range(n):
            z = np.asarray([zs_1[i, j], zs_2[i, j]])
            y[i, j, :] = np.exp(z) / np.sum(np.exp(z))
    return zs, y


@pytest.fixture(scope="module")
def result():
    return softmax.run()


def test_tutorial_grid(result):
    # docs/tutorial-notes.md, Intermezzo 2: 33x33 grid, z1, z2 in linspace(-10, 10, 33)
    assert result.grid_size == 33 and result.y.shape == (33, 33, 2)
    np.testing.assert_array_equal(result.z, np.linspace(-10, 10, 33))
    z, y = reference_surface(33, 10.0)
    np.testing.assert_allclose(result.y, y, rtol=1e-12, atol=1e-300)


def test_probabilities_sum_to_one(result):
    np.testing.assert_allclose(result.y.sum(axis=-1), 1.0, rtol=0, atol=1e-15)
    assert result.max_sum_error <= 1e-15
    assert np.all(result.y > 0) and np.all(result.y < 1 + 1e-15)


def test_two_class_softmax_is_logistic_of_difference(result):
    expected = 1.0 / (1.0 + np.exp(-(result.z1 - result.z2)))
    np.testing.assert_allclose(result.y1, expected, rtol=1e-13)
    assert result.max_logistic_difference < 1e-15
    np.testing.assert_allclose(np.diag(result.y1), 0.5, rtol=1e-15)  # z1 = z2
    # extremes: y1 = 1 / (1 + e^{20}) at z1 = -10, z2 = 10
    assert result.y1[-1, 0] == pytest.approx(1 / (1 + np.exp(20.0)), rel=1e-12)


def test_cross_entropy_gradient_check(result):
    assert result.gradient_check_passed
    assert result.gradient_check_points == 121
    assert result.gradient_check_max_abs_error < 1e-8


def test_figure(result):
    fig = softmax.figures(result)["softmax_surface"]
    assert tuple(fig.get_size_inches()) == (6, 4)
    ax = fig.axes[0]
    assert ax.get_title() == "$P(t=1|\\mathbf{z})$"
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()) == ("$z_1$", "$z_2$", "$y_1$")
    assert (ax.elev, ax.azim) == (30, 70)
    assert ax.collections[0].get_cmap().name == "magma"
    assert fig.axes[1].get_ylabel() == "$P(t=1|\\mathbf{z})$"  # colour bar


@pytest.mark.parametrize(
    "bad",
    [
        dict(grid_size=1),
        dict(grid_size=2.5),
        dict(limit=0),
        dict(limit=-3),
        dict(limit=float("nan")),
        dict(limit=1e3),
        dict(grid_size=10**6),
    ],
)
def test_bad_arguments(bad):
    with pytest.raises((ValueError, TypeError), match=next(iter(bad))):
        softmax.run(**bad)


def test_cli_text(capsys):
    assert main(["softmax"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("grid: 33x33 points over [-10, 10]^2")
    assert out[3].startswith("P(t=1|z) + P(t=2|z) = 1 at every grid point")
    assert "check passed at 121 grid points" in out[5]


def test_cli_json_other_grid(capsys):
    assert main(["softmax", "--json", "--grid-size", "7", "--limit", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    z, y = reference_surface(7, 3.0)
    np.testing.assert_allclose(data["z"], z, rtol=1e-15)
    np.testing.assert_allclose(data["y1"], y[..., 0], rtol=1e-13)
    assert data["gradient_check_passed"] is True
    assert data["max_sum_error"] <= 1e-15


def test_cli_figure(tmp_path, capsys):
    assert main(["softmax", "--out", str(tmp_path)]) == 0
    assert "wrote 1 figure to " in capsys.readouterr().out
    assert_figure_file(tmp_path / "softmax_surface.png")
    assert mpimg.imread(tmp_path / "softmax_surface.png").shape[:2] == (400, 600)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["softmax", "--grid-size", "1"], "grid_size"),
        (["softmax", "--grid-size", "0"], "--grid-size"),
        (["softmax", "--grid-size", "x"], "--grid-size"),
        (["softmax", "--limit", "0"], "--limit"),
        (["softmax", "--limit", "inf"], "--limit"),
        (["softmax", "--limit", "500"], "limit"),
    ],
)
def test_cli_bad_input(argv, fragment, capsys):
    assert main(argv) == 2
    assert fragment in single_error_line(capsys)


def test_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "scratchnn", "softmax", "--grid-size", "5", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["y1"]) == 5
