"""Optimiser state is kept out of the subnormal range (slow arithmetic on most CPUs).

A CPU matter, so it lives in the executor alone: every ``flush_every`` updates
(:data:`~scratchnn.executor.flat_update.FLUSH_EVERY`) the executor sets state entries below the
dtype's smallest normal number to zero. The reference rules are pure math and never flush.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import scratchnn as nn
from scratchnn.executor.flat_update import FLUSH_EVERY, FlatLayout, FlatUpdate, flush_subnormals
from scratchnn.optimizers import Adam, AdamW, GradientDescent, RMSprop

OPTIMIZERS = {
    "momentum": lambda: GradientDescent(0.1, momentum=0.5),
    "nesterov": lambda: GradientDescent(0.1, momentum=0.5, nesterov=True),
    "rmsprop": lambda: RMSprop(0.01, rho=0.5),
    "adam": lambda: Adam(0.01, beta1=0.5, beta2=0.5),
    "adamw": lambda: AdamW(0.01, beta1=0.5, beta2=0.5, weight_decay=0.1),
}


def _is_subnormal(x: np.ndarray) -> np.ndarray:
    return (x != 0) & (np.abs(x) < np.finfo(x.dtype).tiny)


def _params(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((6, 5)).astype(dtype), rng.standard_normal(5).astype(dtype)]


def _subnormal_state(opt, params):
    """A state at count 15 whose every buffer entry is subnormal (the next update is 16th)."""
    tiny = np.finfo(params[0].dtype).tiny
    state = opt.init(params)
    for name in state.buffer_names():
        setattr(state, name, [np.full_like(p, tiny / 8) for p in params])
    state.count = 15
    return state


def _gradients(params, seed, dead):
    """Normal gradients; exactly zero for the first three rows when ``dead`` (units that
    stopped firing)."""
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(p.shape).astype(p.dtype) for p in params]
    if dead:
        grads[0][:3] = 0
        grads[1][:3] = 0
    return grads


def test_flush_subnormals_zeroes_exactly_the_subnormal_entries():
    tiny32 = np.finfo(np.float32).tiny
    x = np.array([tiny32 / 4, -tiny32 / 2, tiny32, -tiny32, 1.0, 0.0, -3e-39], np.float32)
    flush_subnormals(x)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, [0, 0, tiny32, -tiny32, 1.0, 0.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        hnp.array_shapes(max_dims=2, max_side=8),
        elements={"allow_nan": False, "allow_subnormal": True},
    )
)
def test_flush_keeps_every_normal_value_bit_for_bit(x):
    out = x.copy()
    flush_subnormals(out)
    normal = ~_is_subnormal(x)
    np.testing.assert_array_equal(out[normal], x[normal])
    assert not np.any(out[~normal])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_the_reference_rules_never_flush(name):
    opt = OPTIMIZERS[name]()
    params = _params(np.float32)
    state = _subnormal_state(opt, params)  # the next update is the 16th
    _, after = opt.update([np.zeros_like(p) for p in params], state, params)
    assert any(np.any(_is_subnormal(b)) for n in after.buffer_names() for b in getattr(after, n))


def _flat_runner(opt, params, flush_every=FLUSH_EVERY):
    """The executor's update for ``params``; its per-parameter gradient views."""
    layout = FlatLayout([p.shape for p in params])
    storage = np.zeros(layout.size, params[0].dtype)
    runner = FlatUpdate(opt, params, layout, storage, flush_every)
    return runner, layout.split(layout.group_views(storage))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_state_full_of_subnormals_is_cleared_on_the_flush_update(name, dtype):
    opt = OPTIMIZERS[name]()
    params = _params(dtype)
    opt.state = _subnormal_state(opt, params)
    runner, _ = _flat_runner(opt, params)
    runner()  # zero gradients: the 16th update
    assert opt.state.count == 16
    for buffer_name in opt.state.buffer_names():
        for b in getattr(opt.state, buffer_name):
            assert not np.any(b), f"{buffer_name} not cleared"


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_between_flushes_the_state_is_left_alone(name):
    opt = OPTIMIZERS[name]()
    params = _params(np.float32)
    opt.state = _subnormal_state(opt, params)
    opt.state.count = 3  # the next update is the 4th: no flush
    runner, _ = _flat_runner(opt, params)
    runner()
    state = opt.state
    assert any(np.any(_is_subnormal(b)) for n in state.buffer_names() for b in getattr(state, n))


def test_flush_every_zero_turns_the_flush_off():
    opt = Adam(0.01)
    params = _params(np.float32)
    opt.state = _subnormal_state(opt, params)
    runner, _ = _flat_runner(opt, params, flush_every=0)
    runner()
    assert np.all(_is_subnormal(opt.state.first_moments[0]))
    net = nn.Sequential([nn.Linear(2, 2, rng=0)])
    step = nn.TrainingStep(net, nn.MSE(), Adam(0.01), flush_every=0)
    assert step.flush_every == 0 and step.update_params.flush_every == 0
    step.flush_every = 8
    assert step.update_params.flush_every == 8
    with pytest.raises(ValueError, match="flush_every"):
        step.flush_every = -1


def _run_plain_and_flat(opt_factory, dtype, steps):
    """The same updates through ``Optimizer.step`` and through the executor's FlatUpdate."""
    plain, flat = opt_factory(), opt_factory()
    params_plain, params_flat = _params(dtype), _params(dtype)
    runner, views = _flat_runner(flat, params_flat)
    history = []
    for k in range(steps):
        grads = _gradients(params_plain, seed=k, dead=k >= 10)
        plain.step(params_plain, grads)
        for view, g in zip(views, grads):
            view[...] = g
        runner()
        history.append((copy.deepcopy(plain.state), copy.deepcopy(flat.state)))
    return params_plain, params_flat, history


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_decaying_state_leaves_the_subnormal_range_at_each_flush_of_the_executor(name, dtype):
    opt_factory = OPTIMIZERS[name]
    # The dead rows' state decays by 0.5 an update: from ~1 into the subnormal range within
    # about 130 (float32) or 1030 (float64) updates, then to zero.
    steps = 200 if dtype == np.float32 else 1100
    params_plain, params_flat, history = _run_plain_and_flat(opt_factory, dtype, steps)
    saw_subnormal = False
    tiny = np.finfo(dtype).tiny
    for plain_state, flat_state in history:
        for buffer_name in plain_state.buffer_names():
            for a, b in zip(getattr(plain_state, buffer_name), getattr(flat_state, buffer_name)):
                # equal but for the entries the executor flushed (below the smallest normal)
                np.testing.assert_allclose(
                    a, b, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=tiny
                )
                saw_subnormal |= bool(np.any(_is_subnormal(b)))
                if flat_state.count % FLUSH_EVERY == 0:
                    assert not np.any(_is_subnormal(b))
    assert saw_subnormal, "the scenario should reach the subnormal range between flushes"
    for a, b in zip(params_plain, params_flat):
        np.testing.assert_allclose(a, b, rtol=1e-4 if dtype == np.float32 else 1e-10)


def test_training_with_dead_units_ends_without_subnormal_moments():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 4)).astype(np.float32)
    T = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
    net = nn.Sequential(
        [nn.Linear(4, 8, rng=rng), nn.ReLU(), nn.Linear(8, 3, rng=rng), nn.Softmax()]
    )
    net.astype(np.float32)
    net.layers[0].params["b"][:4] = -100.0  # four hidden units never fire: zero gradients
    opt = Adam(0.01, beta1=0.5)
    nn.train(net, nn.CategoricalCrossEntropy(), opt, X, T, epochs=64, batch_size=4)
    assert opt.step_count % 16 == 0
    for m in opt.first_moments:
        assert not np.any(_is_subnormal(m))
    assert not np.any(opt.first_moments[0][:, :4])  # the dead units' moments reached zero
