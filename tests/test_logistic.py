"""Intermezzo 1 (docs/tutorial-notes.md, Intermezzo 1): the logistic function and its derivative, and its CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest

from checks import assert_figure_file, single_error_line
from scratchnn.cli import main
from scratchnn.tutorial import logistic


def sigma_by_hand(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_grid_and_values_match_the_formulas():
    result = logistic.run()
    z = np.linspace(-8, 8, 100)  # the tutorial's grid
    np.testing.assert_array_equal(result.z, z)
    s = sigma_by_hand(z)
    np.testing.assert_allclose(result.sigma, s, rtol=1e-14)
    np.testing.assert_allclose(result.derivative, s * (1 - s), rtol=1e-13)


def test_derivative_peaks_at_a_quarter_at_zero():
    result = logistic.run()
    assert result.sigma_at_0 == 0.5
    assert result.derivative_at_0 == 0.25  # the derivative's peak
    # z = 0 is not on the even-sized grid; the grid's largest values flank it.
    assert result.derivative.max() < 0.25
    assert result.derivative.max() == pytest.approx(0.25, abs=5e-4)
    assert abs(result.z[np.argmax(result.derivative)]) < 0.1


def test_symmetry_and_log_odds():
    result = logistic.run()
    # σ(−z) = 1 − σ(z) and log(σ / (1 − σ)) = z (the intermezzo's derivation)
    np.testing.assert_allclose(result.sigma[::-1], 1 - result.sigma, atol=1e-15)
    np.testing.assert_allclose(np.log(result.sigma / (1 - result.sigma)), result.z, atol=1e-9)


def test_uses_the_engine_layer(monkeypatch):
    """The values come from layers.Logistic: a changed layer changes the result."""
    from scratchnn import layers

    monkeypatch.setattr(layers.Logistic, "forward", lambda self, x: np.full_like(x, 0.3))
    monkeypatch.setattr(layers.Logistic, "backward", lambda self, g: 2 * g)
    result = logistic.run()
    assert np.all(result.sigma == 0.3) and np.all(result.derivative == 2.0)


def test_bad_grid_arguments():
    with pytest.raises(ValueError, match="z_min must be < z_max"):
        logistic.run(3, 1)
    with pytest.raises(ValueError, match="n_points"):
        logistic.run(n_points=1)
    with pytest.raises(ValueError, match="NaN"):
        logistic.run(float("nan"), 1)


def test_figures_titles_labels_sizes():
    figs = logistic.figures(logistic.run())
    assert list(figs) == ["logistic_function", "logistic_derivative"]
    titles = {
        "logistic_function": "logistic function",
        "logistic_derivative": "derivative of the logistic function",
    }
    for name, fig in figs.items():
        ax = fig.axes[0]
        assert tuple(fig.get_size_inches()) == (5, 3)
        assert ax.get_title() == titles[name]
        assert ax.get_xlabel() == "$z$"
        assert ax.get_xlim() == (-8, 8)
    assert figs["logistic_function"].axes[0].get_ylabel() == "$\\sigma(z)$"
    line = figs["logistic_derivative"].axes[0].lines[0]
    assert line.get_color() == "r"
    assert max(line.get_ydata()) == pytest.approx(0.25, abs=5e-4)


def test_cli_text(capsys):
    assert main(["logistic"]) == 0
    out = capsys.readouterr().out
    assert "sigma(0) = 0.5" in out
    assert "peaks at z = 0 with 0.25" in out
    assert "   0.0      0.5000      0.2500" in out


def test_cli_json(capsys):
    assert main(["logistic", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    z = np.array(data["z"])
    assert z.shape == (100,) and z[0] == -8 and z[-1] == 8
    s = sigma_by_hand(z)
    np.testing.assert_allclose(data["sigma"], s, rtol=1e-14)
    np.testing.assert_allclose(data["derivative"], s * (1 - s), rtol=1e-13)
    assert data["derivative_at_0"] == 0.25


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_cli_writes_figures(tmp_path, capsys, fmt):
    assert main(["logistic", "--out", str(tmp_path), "--format", fmt]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"logistic_derivative.{fmt}", f"logistic_function.{fmt}"]
    for path in tmp_path.iterdir():
        assert_figure_file(path)
    assert "wrote 2 figures" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["logistic", "--seed", "3"], "unrecognized arguments"),
        (["logistic", "--format", "gif"], "--format"),
    ],
)
def test_cli_bad_input(argv, fragment, capsys):
    assert main(argv) == 2
    assert fragment in single_error_line(capsys)


def test_python_dash_m():
    proc = subprocess.run(
        [sys.executable, "-m", "scratchnn", "logistic", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["sigma_at_0"] == 0.5
