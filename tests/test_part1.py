"""Part 1 against the tutorial (docs/tutorial-notes.md, Part 1) and against its procedure written out here."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnn.training import TrainingDivergedError
from scratchnn.tutorial import part1

# the tutorial's printed output, verbatim
TUTORIAL_TABLE = (
    "w(0): 0.1380 \t loss: 1.3710\n"
    "w(1): 1.3722 \t loss: 0.2174\n"
    "w(2): 1.8205 \t loss: 0.0651\n"
    "w(3): 1.9834 \t loss: 0.0451\n"
    "w(4): 2.0426 \t loss: 0.0424"
)


def tutorial_procedure(seed, learning_rate, iterations):
    """The notebook's code, written out: RandomState draws, mean-gradient GD."""
    rs = np.random.RandomState(seed)
    x = rs.uniform(0, 1, 20)
    t = x * 2 + rs.randn(x.shape[0]) * 0.2
    w = rs.rand()
    ws, losses = [], []
    for _ in range(iterations):
        ws.append(w)
        losses.append(np.mean((x * w - t) ** 2))
        w = w - learning_rate * np.mean(2 * x * (x * w - t))
    ws.append(w)
    losses.append(np.mean((x * w - t) ** 2))
    second_w = rs.rand()
    return x, t, np.array(ws), np.array(losses), second_w


def test_tutorial_table_exactly():
    assert part1.run().table() == TUTORIAL_TABLE


def test_seed_13_fingerprints():
    result = part1.run()
    np.testing.assert_allclose(result.x[:3], [0.77770241, 0.23754122, 0.82427853], atol=1e-8)
    np.testing.assert_allclose(result.t[:3], [1.66797418, 0.42641719, 1.83130521], atol=1e-8)
    assert result.fit_w[0] == pytest.approx(0.0987532, abs=1e-7)
    assert result.fit_w[-1] == pytest.approx(2.0762, abs=1e-4)
    assert result.least_squares_w == pytest.approx(2.07631, abs=1e-5)


def test_least_squares_and_critical_rate_from_their_definitions():
    result = part1.run()
    x, t = result.x, result.t
    assert result.least_squares_w == pytest.approx(np.sum(x * t) / np.sum(x * x))
    assert result.critical_learning_rate == pytest.approx(1 / np.mean(x**2))
    assert not result.above_critical


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    learning_rate=st.floats(0.01, 2.5),
    iterations=st.integers(0, 30),
)
def test_any_seed_and_hyperparameters_follow_the_tutorial_procedure(
    seed, learning_rate, iterations
):
    x, t, ws, losses, second_w = tutorial_procedure(seed, learning_rate, iterations)
    result = part1.run(seed=seed, learning_rate=learning_rate, iterations=iterations)
    np.testing.assert_array_equal(result.x, x)
    np.testing.assert_array_equal(result.t, t)
    assert len(result.w) == len(result.loss) == iterations + 1
    np.testing.assert_allclose(result.w, ws, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.loss, losses, rtol=1e-9, atol=1e-12)
    assert result.fit_w[0] == second_w


def test_gradient_descent_diverges_above_the_critical_rate():
    result = part1.run(learning_rate=3.0, iterations=20)
    assert result.above_critical
    assert result.loss[-1] > result.loss[0]
    below = part1.run(learning_rate=2.7, iterations=20)
    assert below.loss[-1] < below.loss[0]


def test_overflow_names_the_critical_learning_rate():
    with pytest.raises(TrainingDivergedError, match=r"critical learning rate 2\.8270"):
        part1.run(learning_rate=1000.0, iterations=500)


def test_bad_hyperparameters_are_rejected():
    with pytest.raises(ValueError, match="learning_rate"):
        part1.run(learning_rate=-0.1)
    with pytest.raises(ValueError, match="iterations"):
        part1.run(iterations=-1)


def test_figures():
    figures = part1.figures(part1.run())
    assert list(figures) == [
        "part1_samples",
        "part1_loss",
        "part1_gradient_descent",
        "part1_fitted_line",
        "part1_network",
    ]
    titles = [figures[name].axes[0].get_title() for name in list(figures)[:4]]
    assert titles == [
        "inputs (x) vs targets (t)",
        "loss function with respect to $w$",
        "Gradient descent updates plotted on loss function",
        "input vs target",
    ]
    # the update figure labels the 5 iterates 0..4
    texts = [t.get_text() for t in figures["part1_gradient_descent"].axes[0].texts]
    assert texts == [f"${k}$" for k in range(5)]
