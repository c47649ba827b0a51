"""Optimisers and schedules: every update against its formula written out here, convergence on a
quadratic and on Rosenbrock in float32 and float64, state kept in the parameter dtype."""

import math

import numpy as np
import pytest

from scratchnn.optimizers import (
    OPTIMIZER_TYPES,
    SCHEDULE_TYPES,
    Adam,
    AdamW,
    Constant,
    CosineDecay,
    ExponentialDecay,
    GradientDescent,
    InverseScaling,
    LinearDecay,
    Momentum,
    RMSprop,
    StepDecay,
    optimizer_from_config,
    schedule_from_config,
)


def _params_and_grads(seed=0, steps=3):
    """A weight matrix and a bias, and ``steps`` gradient pairs."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    grads = [[rng.normal(size=(3, 2)), rng.normal(size=2)] for _ in range(steps)]
    return params, grads


def _run(optimizer, params, grads):
    params = [p.copy() for p in params]
    optimizer.reset(params)
    for g in grads:
        optimizer.step(params, [x.copy() for x in g])
    return params


# --- one update at a time, against the formulas ----------------------------------------------


def test_gradient_descent_formula():
    params, grads = _params_and_grads(steps=2)
    mu = 0.3
    expected = [p - mu * g1 - mu * g2 for p, g1, g2 in zip(params, *grads)]
    got = _run(GradientDescent(mu), params, grads)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-14)


def test_heavy_ball_momentum_formula():
    params, grads = _params_and_grads(steps=3)
    mu, lam = 0.1, 0.9
    expected = []
    for k, p in enumerate(params):
        M = np.zeros_like(p)
        theta = p.copy()
        for g in grads:
            M = lam * M - mu * g[k]  # M <- λM − μJ
            theta = theta + M  # θ <- θ + M
        expected.append(theta)
    opt = Momentum(mu, lam)
    got = _run(opt, params, grads)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-13)
    assert opt.step_count == 3 and len(opt.velocities) == 2


def test_nesterov_formula():
    params, grads = _params_and_grads(steps=3)
    mu, lam = 0.05, 0.8
    expected = []
    for k, p in enumerate(params):
        M, theta = np.zeros_like(p), p.copy()
        for g in grads:
            M = lam * M - mu * g[k]
            theta = theta + lam * M - mu * g[k]
        expected.append(theta)
    got = _run(GradientDescent(mu, momentum=lam, nesterov=True), params, grads)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-13)


def test_rmsprop_formula():
    params, grads = _params_and_grads(steps=3)
    mu, rho, eps = 0.01, 0.9, 1e-8
    expected = []
    for k, p in enumerate(params):
        s, theta = np.zeros_like(p), p.copy()
        for g in grads:
            s = rho * s + (1 - rho) * g[k] ** 2
            theta = theta - mu * g[k] / (np.sqrt(s) + eps)
        expected.append(theta)
    opt = RMSprop(mu, rho=rho, epsilon=eps)
    got = _run(opt, params, grads)
    for e, g in zip(expected, got):
        np.testing.assert_allclose(g, e, rtol=1e-13)
    s0 = (1 - rho) * grads[0][0] ** 2
    s1 = rho * s0 + (1 - rho) * grads[1][0] ** 2
    np.testing.assert_allclose(opt.square_averages[0], rho * s1 + (1 - rho) * grads[2][0] ** 2)


def _adam_reference(params, grads, mu, b1, b2, eps, decay=0.0, decay_biases=False):
    expected = []
    for k, p in enumerate(params):
        m, v, theta = np.zeros_like(p), np.zeros_like(p), p.copy()
        for t, g in enumerate(grads, start=1):
            if decay and (decay_biases or p.ndim >= 2):
                theta = theta - mu * decay * theta  # decoupled: θ <- θ − μλθ
            m = b1 * m + (1 - b1) * g[k]
            v = b2 * v + (1 - b2) * g[k] ** 2
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
            theta = theta - mu * m_hat / (np.sqrt(v_hat) + eps)
        expected.append((theta, m, v))
    return expected


def test_adam_formula_with_bias_correction():
    params, grads = _params_and_grads(steps=3)
    opt = Adam(0.01, beta1=0.8, beta2=0.99, epsilon=1e-7)
    got = _run(opt, params, grads)
    for k, (theta, m, v) in enumerate(_adam_reference(params, grads, 0.01, 0.8, 0.99, 1e-7)):
        np.testing.assert_allclose(got[k], theta, rtol=1e-13)
        np.testing.assert_allclose(opt.first_moments[k], m, rtol=1e-13)
        np.testing.assert_allclose(opt.second_moments[k], v, rtol=1e-13)


def test_adam_first_step_moves_every_coordinate_by_about_the_learning_rate():
    # t = 1: m̂ = g, v̂ = g², so the step is μ·g/(|g| + ε) ≈ μ·sign(g).
    params, grads = _params_and_grads(steps=1)
    got = _run(Adam(0.01), params, grads)
    for p, g, new in zip(params, grads[0], got):
        np.testing.assert_allclose(p - new, 0.01 * np.sign(g), rtol=1e-6)


@pytest.mark.parametrize("decay_biases", [False, True])
def test_adamw_decoupled_weight_decay_formula(decay_biases):
    params, grads = _params_and_grads(steps=3)
    opt = AdamW(0.01, weight_decay=0.5, decay_biases=decay_biases)
    got = _run(opt, params, grads)
    ref = _adam_reference(params, grads, 0.01, 0.9, 0.999, 1e-8, 0.5, decay_biases)
    for k, (theta, _, _) in enumerate(ref):
        np.testing.assert_allclose(got[k], theta, rtol=1e-13)
    plain = _run(Adam(0.01), params, grads)
    assert not np.allclose(got[0], plain[0])  # the weight matrix decays
    assert np.allclose(got[1], plain[1]) != decay_biases  # the bias only on request


def test_schedule_drives_the_learning_rate_per_step():
    params, grads = _params_and_grads(steps=4)
    schedule = ExponentialDecay(0.2, decay_rate=0.5, decay_steps=2)
    opt = GradientDescent(schedule)
    rates = []
    p = [x.copy() for x in params]
    opt.reset(p)
    for g in grads:
        rates.append(opt.current_learning_rate)
        opt.step(p, g)
    assert rates == pytest.approx([0.2 * 0.5 ** (t / 2) for t in range(4)], rel=1e-15)
    expected = [x - sum(r * g[k] for r, g in zip(rates, grads)) for k, x in enumerate(params)]
    for e, got in zip(expected, p):
        np.testing.assert_allclose(got, e, rtol=1e-13)
    assert opt.current_learning_rate == pytest.approx(0.2 * 0.5**2)


# --- schedules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule, formula",
    [
        (Constant(0.3), lambda t: 0.3),
        (StepDecay(1.0, factor=0.5, step_size=3), lambda t: 0.5 ** (t // 3)),
        (ExponentialDecay(0.1, decay_rate=0.9, decay_steps=10), lambda t: 0.1 * 0.9 ** (t / 10)),
        (InverseScaling(0.5, power=0.25), lambda t: 0.5 / (t + 1) ** 0.25),
        (
            CosineDecay(1.0, decay_steps=8, final=0.1),
            lambda t: 0.1 + 0.9 * (1 + math.cos(math.pi * min(t, 8) / 8)) / 2,
        ),
        (LinearDecay(1.0, decay_steps=4, final=0.2), lambda t: 1.0 - 0.8 * min(t, 4) / 4),
    ],
)
def test_schedules_follow_their_formula(schedule, formula):
    for t in range(12):
        assert schedule(t) == pytest.approx(formula(t), rel=1e-14, abs=1e-15)
    rebuilt = schedule_from_config(
        {"type": type(schedule).__name__, "config": schedule.get_config()}
    )
    assert rebuilt == schedule
    assert type(schedule).__name__ in SCHEDULE_TYPES


def test_schedule_errors():
    with pytest.raises(ValueError, match="initial"):
        ExponentialDecay(-1.0)
    with pytest.raises(ValueError, match="decay_rate"):
        ExponentialDecay(1.0, decay_rate=2.0)
    with pytest.raises(ValueError, match="final"):
        CosineDecay(0.1, 10, final=1.0)
    with pytest.raises(ValueError, match="unknown schedule"):
        schedule_from_config({"type": "Nope", "config": {}})
    opt = GradientDescent(lambda step: "fast")
    with pytest.raises(TypeError, match="schedule returned"):
        _ = opt.current_learning_rate
    opt = GradientDescent(lambda step: float("nan"))
    with pytest.raises(ValueError, match="schedule returned"):
        _ = opt.current_learning_rate


# --- convergence ------------------------------------------------------------------------------


def _quadratic_grad(p):
    # f(θ) = ½ Σ a_i (θ_i − c_i)², ill-conditioned (a = 1 and 10), minimum at c.
    a = np.array([[1.0, 10.0]], dtype=p.dtype)
    c = np.array([[3.0, -2.0]], dtype=p.dtype)
    return a * (p - c)


def _rosenbrock_grad(p):
    # f(x, y) = (1 − x)² + 100 (y − x²)², minimum at (1, 1).
    x, y = p[0, 0], p[0, 1]
    return np.array([[-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]], dtype=p.dtype)


CONVERGENCE = {
    # name: (factory, quadratic steps, rosenbrock steps, rosenbrock tolerance)
    "gd": (lambda: GradientDescent(0.15), 300, None, None),
    "momentum": (lambda: GradientDescent(1e-3, momentum=0.9), 2000, 3000, 1e-3),
    "nesterov": (lambda: GradientDescent(1e-3, momentum=0.9, nesterov=True), 2000, 3000, 1e-3),
    "rmsprop": (lambda: RMSprop(ExponentialDecay(1e-2, 0.5, 500)), 3000, 8000, 2e-3),
    "adam": (lambda: Adam(0.02), 2000, 4000, 1e-3),
    "adamw": (lambda: AdamW(0.02, weight_decay=1e-3), 2000, 5000, 5e-3),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(CONVERGENCE))
def test_converges_on_a_quadratic(name, dtype):
    factory, steps, _, _ = CONVERGENCE[name]
    opt = factory()
    p = np.array([[0.0, 0.0]], dtype=dtype)
    opt.reset([p])
    for _ in range(steps):
        opt.step([p], [_quadratic_grad(p)])
    # AdamW's decoupled decay pulls towards 0 a little: its fixed point is not exactly c.
    tol = 5e-2 if name == "adamw" else 1e-3
    np.testing.assert_allclose(p, [[3.0, -2.0]], atol=tol)
    assert p.dtype == dtype
    for state in opt.state_names:
        assert all(b.dtype == dtype for b in getattr(opt, state))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", [n for n, c in CONVERGENCE.items() if c[2]])
def test_converges_on_rosenbrock(name, dtype):
    factory, _, steps, tol = CONVERGENCE[name]
    opt = factory()
    p = np.array([[-1.5, 2.0]], dtype=dtype)
    opt.reset([p])
    for _ in range(steps):
        opt.step([p], [_rosenbrock_grad(p)])
    np.testing.assert_allclose(p, [[1.0, 1.0]], atol=tol)
    assert p.dtype == dtype
    for state in opt.state_names:
        assert all(b.dtype == dtype for b in getattr(opt, state))


# --- state, configuration, errors ------------------------------------------------------------


@pytest.mark.parametrize(
    "opt",
    [
        GradientDescent(0.1, momentum=0.5, nesterov=True),
        RMSprop(0.01, rho=0.8),
        Adam(StepDecay(0.01, 0.5, 2)),
        AdamW(0.01, weight_decay=0.1, decay_biases=True),
    ],
    ids=lambda o: type(o).__name__,
)
def test_state_round_trip_continues_exactly(opt):
    params, grads = _params_and_grads(steps=4)
    reference = _run(opt, params, grads)

    p = [x.copy() for x in params]
    first = optimizer_from_config(type(opt).__name__, opt.get_config())
    first.reset(p)
    for g in grads[:2]:
        first.step(p, g)
    state = first.get_state()
    second = optimizer_from_config(type(opt).__name__, opt.get_config())
    second.set_state(
        state["step_count"], {k: [a.copy() for a in v] for k, v in state["buffers"].items()}
    )
    for g in grads[2:]:
        second.step(p, g)
    for r, x in zip(reference, p):
        np.testing.assert_array_equal(x, r)
    assert second.step_count == 4


def test_registry_and_config():
    assert set(OPTIMIZER_TYPES) == {"GradientDescent", "Momentum", "RMSprop", "Adam", "AdamW"}
    momentum = Momentum(0.3, 0.5)
    assert isinstance(momentum, GradientDescent)
    rebuilt = optimizer_from_config("Momentum", momentum.get_config())
    assert type(rebuilt) is Momentum and rebuilt.get_config() == momentum.get_config()
    opt = AdamW(CosineDecay(0.1, 100), beta1=0.5, weight_decay=0.2)
    config = opt.get_config()
    assert config["learning_rate"] == {
        "type": "CosineDecay",
        "config": {"initial": 0.1, "decay_steps": 100, "final": 0.0},
    }
    assert optimizer_from_config("AdamW", config).get_config() == config
    with pytest.raises(ValueError, match="plain callable"):
        optimizer_from_config("Adam", Adam(lambda s: 0.1).get_config())
    with pytest.raises(ValueError, match="unknown optimiser"):
        optimizer_from_config("SGD", {})
    assert "Adam(" in repr(Adam())


@pytest.mark.parametrize(
    "factory, error, match",
    [
        (lambda: Adam(0.0), ValueError, "learning_rate"),
        (lambda: Adam("fast"), TypeError, "learning_rate"),
        (lambda: Adam(beta1=1.0), ValueError, "beta1"),
        (lambda: Adam(beta2=-0.1), ValueError, "beta2"),
        (lambda: Adam(epsilon=0), ValueError, "epsilon"),
        (lambda: RMSprop(rho=1.5), ValueError, "rho"),
        (lambda: AdamW(weight_decay=-1), ValueError, "weight_decay"),
        (lambda: GradientDescent(momentum=1.5), ValueError, "momentum"),
        (lambda: GradientDescent(nesterov=True), ValueError, "nesterov"),
        (lambda: GradientDescent(float("inf")), ValueError, "learning_rate"),
    ],
)
def test_bad_hyperparameters(factory, error, match):
    with pytest.raises(error, match=match):
        factory()


def test_bad_step_arguments():
    p = [np.zeros((2, 2))]
    opt = Adam()
    with pytest.raises(ValueError, match="same length"):
        opt.step(p, [])
    with pytest.raises(ValueError, match=r"grads\[0\]"):
        opt.step(p, [np.zeros(3)])
    assert opt.step_count == 0
