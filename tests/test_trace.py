"""Parts 1–3 keep a bounded sample of a long run's iterates (every one of a short run), and
what they keep is exactly the iterates of the run."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratchnn.tutorial import part1, part2, part3
from scratchnn.tutorial._trace import FULL, HEAD, ROWS, stride_for


def _gradient_descent_by_hand(x, t, w, learning_rate, iterations):
    """Part 1's update written out: w ← w − μ · 2 · mean(x (x w − t))."""
    ws = [w]
    for _ in range(iterations):
        w = w - learning_rate * 2 * np.mean(x * (x * w - t))
        ws.append(w)
    return np.array(ws)


@given(st.integers(0, 10**7))
def test_the_stride_keeps_at_most_about_rows_evenly_spaced_iterates(n):
    stride = stride_for(n)
    if n <= FULL:
        assert stride == 1
        return
    assert n / stride <= ROWS < n / (stride / 2.5)  # the smallest round stride that fits
    mantissa = stride / 10 ** int(np.floor(np.log10(stride)))
    assert mantissa in (1, 2, 5)


@pytest.mark.parametrize("iterations", [4, FULL, FULL + 3, 5003])
def test_part1_keeps_the_run_s_own_iterates(iterations):
    result = part1.run(iterations=iterations)
    kept = result.iteration
    stride = stride_for(iterations)
    expected = [k for k in range(iterations + 1) if k <= HEAD or k % stride == 0]
    if expected[-1] != iterations:
        expected.append(iterations)
    np.testing.assert_array_equal(kept, expected)
    rng = np.random.RandomState(13)  # the run's draws: x, noise, w(0)
    x = rng.uniform(0, 1, 20)
    w0 = (rng.randn(20), rng.rand())[1]
    by_hand = _gradient_descent_by_hand(x, result.t, w0, 0.9, iterations)
    np.testing.assert_allclose(result.w, by_hand[kept], rtol=1e-12)
    losses = np.mean((x[:, None] * by_hand[kept] - result.t[:, None]) ** 2, axis=0)
    np.testing.assert_allclose(result.loss, losses, rtol=1e-10)


def test_a_short_run_prints_every_iterate_and_no_note():
    lines = part1.run(iterations=FULL).table().splitlines()
    assert len(lines) == FULL + 1
    assert lines[-1].startswith(f"w({FULL}): ")


@pytest.mark.parametrize("module, iterations", [(part1, 20_000), (part2, 20_000), (part3, 5003)])
def test_a_long_run_prints_a_bounded_table_with_a_note(module, iterations):
    result = module.run(iterations=iterations)
    lines = result.lines()
    rows = [line for line in lines if line.startswith("w")]
    assert len(rows) == len(result.iteration) <= HEAD + ROWS + 2
    assert rows[-1].startswith((f"w({iterations}): ", f"w_h({iterations}): "))
    stride = stride_for(iterations)
    note = f"(of {iterations} iterations, rows are shown for 0 to {HEAD}, then one every {stride})"
    assert note in lines


def test_part2_and_part3_keep_their_losses_and_parameters_together():
    long2, short2 = part2.run(iterations=2000), part2.run(iterations=FULL)
    same = np.searchsorted(long2.iteration, np.arange(0, FULL + 1, stride_for(2000)))
    np.testing.assert_array_equal(long2.w[same], short2.w[:: stride_for(2000)])
    np.testing.assert_array_equal(long2.loss[same], short2.loss[:: stride_for(2000)])
    long3, short3 = part3.run(iterations=2000), part3.run(iterations=FULL)
    same = np.searchsorted(long3.iteration, np.arange(0, FULL + 1, 2))
    np.testing.assert_array_equal(long3.w_h[same], short3.w_h[::2])
    np.testing.assert_array_equal(long3.b_o[same], short3.b_o[::2])
