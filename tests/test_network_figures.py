"""Network diagrams and computation graphs: what they write is the network's own numbers,
their texts stay inside the axes and clear of each other, at any network."""

import re

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from figure_geometry import drawn, overlapping_texts, points_outside_axes, texts_outside_axes
from scratchnn import layers as L
from scratchnn.gradcheck import numerical_gradient
from scratchnn.losses import MSE, BinaryCrossEntropy, CategoricalCrossEntropy
from scratchnn.network import Sequential
from scratchnn.plotting import computation_graph, network_diagram
from scratchnn.plotting.diagram import MAX_UNITS
from scratchnn.plotting.graph import MAX_PARAMETERS, MAX_WIDTH
from scratchnn.tutorial import part3, part4, part5

ACTIVATIONS = [L.Logistic, L.Tanh, L.ReLU, L.GaussianRBF, L.Exp, L.Identity, L.Softmax]


def random_network(rng: np.random.Generator, widths, dtype=np.float64) -> Sequential:
    """Linear layers of ``widths`` with random activations, biases, ``Bias`` and ``Dropout``
    layers; weights of random sizes (1e-3 to 1e3) and signs."""
    layers: list[L.Layer] = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        layers.append(L.Linear(n_in, n_out, bias=bool(rng.random() < 0.6), rng=rng, dtype=dtype))
        for p in layers[-1].params.values():
            p[...] = rng.standard_normal(p.shape) * 10.0 ** rng.uniform(-3, 3, p.shape)
        if rng.random() < 0.8:
            layers.append(ACTIVATIONS[rng.integers(len(ACTIVATIONS))]())
        if rng.random() < 0.25:
            layers.append(L.Dropout(0.25, rng=0))
        if rng.random() < 0.3:
            layers.append(L.Bias(n_out, dtype=dtype))
            layers[-1].params["b"][...] = rng.standard_normal(n_out)
            layers.append(L.Logistic())
    return Sequential(layers)


def _case(seed: int, wide: bool, dtype) -> Sequential:
    rng = np.random.default_rng(seed)
    depth = rng.integers(1, 4)
    high = 40 if wide else 5
    widths = [int(w) for w in rng.integers(1, high, size=depth + 1)]
    if wide:
        widths[rng.integers(len(widths))] = MAX_UNITS + 1 + int(rng.integers(60))
    return random_network(rng, widths, dtype)


CASES = [(seed, wide, np.float64) for seed in range(8) for wide in (False, True)] + [
    (seed, wide, np.float32) for seed in range(8, 12) for wide in (False, True)
]


def _values(network: Sequential) -> dict[str, np.ndarray]:
    return dict(network.named_parameters())


def _entry(params: dict[str, np.ndarray], gid: str) -> float:
    """The parameter entry a gid such as ``"0.W[1,2]"`` or ``"2.b[0]"`` names."""
    name, index = re.fullmatch(r"(\d+\.\w+)\[([\d,]+)\]", gid).groups()
    return float(params[name][tuple(int(i) for i in index.split(","))])


def _assert_tidy(fig: Figure) -> None:
    drawn(fig)
    assert texts_outside_axes(fig) == []
    assert overlapping_texts(fig) == []
    assert points_outside_axes(fig) == []


@pytest.mark.parametrize("seed, wide, dtype", CASES)
def test_diagram_is_tidy_and_writes_the_networks_weights(seed, wide, dtype):
    network = _case(seed, wide, dtype)
    fig = network_diagram(network)
    _assert_tidy(fig)
    (ax,) = fig.axes
    params = _values(network)
    labels = [t for t in ax.texts if t.get_gid()]
    if wide:
        assert labels == []  # blocks: sizes, not weights
        sizes = " ".join(t.get_text() for t in ax.texts)
        widest = max(w for p in params.values() for w in p.shape)
        assert str(widest) in sizes
    for text in labels:
        assert float(text.get_text()) == pytest.approx(_entry(params, text.get_gid()), rel=5e-3)


def test_small_diagram_writes_every_weight_once_and_draws_sign_and_size():
    network = part4.build_network()
    part4.draw_parameters(network, np.random.RandomState(3), 1.0)
    fig = drawn(network_diagram(network))
    (ax,) = fig.axes
    params = _values(network)
    every = {
        f"{name}[{','.join(map(str, ix))}]"
        for name, p in params.items()
        for ix in np.ndindex(p.shape)
    }
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert set(labels) == every  # 17 parameters, 17 labels
    for gid, text in labels.items():
        assert float(text) == pytest.approx(_entry(params, gid), rel=5e-3)
    edges = {line.get_gid(): line for line in ax.lines if line.get_gid()}
    assert set(edges) == every
    sizes = sorted((abs(_entry(params, g)), line.get_linewidth()) for g, line in edges.items())
    assert all(a[1] <= b[1] for a, b in zip(sizes, sizes[1:]))  # wider with |w|
    for gid, line in edges.items():
        blue = _entry(params, gid) >= 0
        assert to_rgba(line.get_color())[2] > to_rgba(line.get_color())[0] if blue else True
        assert to_rgba(line.get_color())[0] > to_rgba(line.get_color())[2] if not blue else True
    kinds = "".join(t.get_text() for t in ax.texts)
    assert "σ" in kinds and "softmax" in kinds and "1" in kinds  # logistic, softmax, bias


@pytest.mark.parametrize("widths", [(8, 10, 10), (10, 1), (3, 10, 2)])
def test_every_weight_asked_for_is_written_where_it_fits(widths):
    network = random_network(np.random.default_rng(1), widths)
    fig = network_diagram(network, weights=True)
    _assert_tidy(fig)
    (ax,) = fig.axes
    labels = [t for t in ax.texts if t.get_gid()]
    params = _values(network)
    for text in labels:
        assert float(text.get_text()) == pytest.approx(_entry(params, text.get_gid()), rel=5e-3)
    missing = network.n_parameters - len(labels)
    assert (f"{missing} weights not written" in ax.get_title()) == (missing > 0)


def test_diagram_names_the_kinds_of_part3s_units():
    fig = network_diagram(part3.build_network(-2.0, 1.5))
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "φ" in texts and "σ" in texts and "1" in texts
    assert any("Gaussian RBF" in t for t in texts)
    gids = {t.get_gid(): float(t.get_text()) for t in fig.axes[0].texts if t.get_gid()}
    assert gids == {"0.W[0,0]": -2.0, "2.b[0]": 1.5}


def test_wide_network_is_drawn_as_blocks_with_its_sizes():
    fig = drawn(network_diagram(part5.build_network(np.random.RandomState(0))))
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for shape in ("64×20", "20×20", "20×10"):
        assert shape in texts
    assert fig.axes[0].get_title().startswith("64-20-20-10")
    assert texts_outside_axes(fig) == [] and overlapping_texts(fig) == []


def test_diagram_draws_into_a_given_axes():
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    assert network_diagram(part3.build_network(1.0, 0.0), ax) is fig
    assert texts_outside_axes(drawn(fig)) == []


@pytest.mark.parametrize("draw", [network_diagram, lambda n: computation_graph(n, MSE(), [0], [0])])
def test_anything_but_a_sequential_is_refused(draw):
    with pytest.raises(TypeError, match="Sequential"):
        draw([L.Linear(1, 1)])


def _parse(ax: Axes) -> dict[str, dict[str, float]]:
    """Every box of a computation graph: gid -> {"data": …, "grad": …}."""
    boxes = {}
    for text in ax.texts:
        if text.get_gid():
            pairs = re.findall(r"^(data|grad) (\S+)$", text.get_text(), flags=re.M)
            boxes[text.get_gid()] = {k: float(v) for k, v in pairs}
    return boxes


def _loss_at(network, loss, x, t) -> float:
    z, y = network.eval().forward_with_logits(x)
    return network.loss_value(loss, z, y, t)


GRAPH_CASES = [
    ("part4", CategoricalCrossEntropy(reduction="sum")),
    ("part3", BinaryCrossEntropy()),
    ("tanh", MSE()),
]


def _graph_network(name: str, seed: int) -> Sequential:
    rng = np.random.default_rng(seed)
    if name == "part4":
        network = part4.build_network()
        part4.draw_parameters(network, np.random.RandomState(seed), 1.0)
        return network
    if name == "part3":
        return part3.build_network(*rng.normal(size=2))
    return Sequential([L.Linear(2, 3, rng=rng), L.Tanh(), L.Dropout(0.5, rng=1), L.Linear(3, 1)])


@pytest.mark.parametrize("name, loss", GRAPH_CASES, ids=[c[0] for c in GRAPH_CASES])
def test_graph_values_and_gradients_are_the_networks(name, loss):
    network = _graph_network(name, 4)
    n_in, n_out = network.n_features_in, network.output_shapes(network.n_features_in)[-1][-1]
    rng = np.random.default_rng(5)
    x = rng.normal(size=(1, n_in))
    t = np.eye(n_out)[[1 % n_out]] if n_out > 1 else np.array([[1.0]])
    before = [p.copy() for p in network.parameters()]
    fig = computation_graph(network, loss, x[0], t[0])
    _assert_tidy(fig)
    boxes = _parse(fig.axes[0])
    approx = dict(rel=2e-3, abs=1e-6)
    assert boxes["loss"]["data"] == pytest.approx(_loss_at(network, loss, x, t), **approx)
    params = _values(network)

    def value() -> float:
        return _loss_at(network, loss, x, t)

    numerical = {name_: numerical_gradient(value, p, 1e-6) for name_, p in params.items()}
    for gid in [g for g in boxes if re.match(r"\d+\.\w+\[", g) and ".out[" not in g]:
        name_, index = re.fullmatch(r"(\d+\.\w+)\[([\d,]+)\]", gid).groups()
        index = tuple(int(i) for i in index.split(","))
        assert boxes[gid]["data"] == pytest.approx(params[name_][index], **approx)
        assert boxes[gid]["grad"] == pytest.approx(numerical[name_][index], **approx), gid
    numerical_x = numerical_gradient(value, x, 1e-6)
    for a in range(n_in):
        assert boxes[f"x[{a}]"]["grad"] == pytest.approx(numerical_x[0, a], **approx)
    for i in range(len(network)):
        head, tail = Sequential(network.layers[: i + 1]), network.layers[i + 1 :]
        out = head.eval().forward(x)

        def rest():
            if not tail:
                return loss.value(out, t)
            return _loss_at(Sequential(tail), loss, out, t)

        numerical_out = numerical_gradient(rest, out, 1e-6)
        for j in range(out.shape[1]):
            box = boxes[f"{i}.out[{j}]"]
            assert box["data"] == pytest.approx(out[0, j], **approx)
            assert box["grad"] == pytest.approx(numerical_out[0, j], **approx), (i, j)
    assert all(np.array_equal(a, b) for a, b in zip(before, network.parameters()))


def test_graph_in_float32_equals_the_engines_backward():
    network = _graph_network("part4", 6).astype(np.float32)
    loss = CategoricalCrossEntropy(reduction="sum")
    x, t = np.array([[0.3, -1.2]], np.float32), np.array([[0.0, 1.0]], np.float32)
    boxes = _parse(computation_graph(network, loss, x, t).axes[0])
    network.train()
    value = network.loss_and_gradients(loss, x, t)
    assert boxes["loss"]["data"] == pytest.approx(value, rel=2e-3)
    for (name, p), g in zip(network.named_parameters(), network.gradients()):
        for index in np.ndindex(p.shape):
            gid = f"{name}[{','.join(map(str, index))}]"
            assert boxes[gid]["grad"] == pytest.approx(float(g[index]), rel=2e-3, abs=1e-6)


def test_graph_leaves_the_network_as_it_was():
    network = _graph_network("tanh", 2).train()
    network.loss_and_gradients(MSE(), np.ones((4, 2)), np.zeros((4, 1)))
    grads = [g.copy() for g in network.gradients()]
    computation_graph(network, MSE(), [1.0, 2.0], [0.5])
    assert all(layer.training for layer in network.layers)
    assert all(np.array_equal(a, b) for a, b in zip(grads, network.gradients()))


def test_too_big_a_network_is_refused_naming_the_limit():
    network = part5.build_network(np.random.RandomState(0))
    with pytest.raises(ValueError, match=f"at most {MAX_PARAMETERS} parameters") as error:
        computation_graph(network, CategoricalCrossEntropy(), np.zeros(64), np.eye(10)[0])
    assert "1930 parameters" in str(error.value) and "network_diagram" in str(error.value)
    wide = Sequential([L.Linear(1, MAX_WIDTH + 1, bias=False)])  # few parameters, too wide
    with pytest.raises(ValueError, match=f"{MAX_WIDTH} units per layer"):
        computation_graph(wide, MSE(), [0.0], np.zeros(MAX_WIDTH + 1))


def test_graph_refuses_a_sample_or_target_that_does_not_fit():
    network = _graph_network("part3", 0)
    with pytest.raises(ValueError, match="features"):
        computation_graph(network, BinaryCrossEntropy(), [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="t must have 1"):
        computation_graph(network, BinaryCrossEntropy(), [1.0], [1.0, 0.0])
