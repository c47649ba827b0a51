"""scratchnn to PyTorch and back (``scratchnn.interop``; needs the ``torch`` extra).

The same network in both: outputs equal to 1e-12 in float64, and scratchnn's backward pass
of a loss equals PyTorch's autograd of the same loss (parameters and input); a round trip
predicts exactly as the original; what has no counterpart is refused by name.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from interop_networks import ACTIVATIONS, N_IN, every_layer, inputs, network
from scratchnn import Dropout, Layer, Linear, ReLU, Sequential
from scratchnn.interop import from_torch, to_torch

torch = pytest.importorskip("torch")
nn = torch.nn

DTYPES = [np.float32, np.float64]
#: Relative tolerance by dtype: 1e-12 in float64, float32's rounding otherwise.
RTOL = {np.float32: 2e-5, np.float64: 1e-12}


def assert_close(got, want, dtype):
    """Equal to ``RTOL`` relative to each entry, or to the array's largest magnitude (sums
    that cancel are as exact as their largest term)."""
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=RTOL[dtype] * scale)


NETWORKS = [*ACTIVATIONS, "every layer"]


def _network(name, dtype):
    return every_layer(dtype) if name == "every layer" else network(name, dtype)


def _torch_gradients(module, x, t):
    """PyTorch's autograd of the half squared error: per parameter, and of the input."""
    xt = torch.tensor(x, requires_grad=True)
    y = module(xt)
    loss = 0.5 * ((y - torch.from_numpy(t)) ** 2).sum()
    loss.backward()
    return y.detach().numpy(), [p.grad.numpy() for p in module.parameters()], xt.grad.numpy()


def _scratchnn_gradients(net, x, t):
    """scratchnn's backward pass of the same loss: ∂ξ/∂y = y - t."""
    y = net.forward(x)
    grad_x = net.backward(y - t)
    # PyTorch stores a Linear's weight as Wᵀ: compare in its layout
    grads = [g.T if g.ndim == 2 else g for g in net.gradients()]
    return y, grads, grad_x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NETWORKS)
def test_same_outputs_and_gradients_as_autograd(name, dtype):
    net = _network(name, dtype).eval()  # dropout: the identity on both sides
    module = to_torch(net)
    x = inputs(dtype)
    t = np.random.default_rng(2).standard_normal((len(x), net.output_shapes(N_IN)[-1][-1]))
    t = t.astype(dtype)
    y_torch, grads_torch, gx_torch = _torch_gradients(module, x, t)
    y, grads, gx = _scratchnn_gradients(net, x, t)
    assert y_torch.dtype == y.dtype == dtype
    assert_close(y_torch, y, dtype)
    assert len(grads_torch) == len(grads) == len(net.parameters())
    for got, want in zip(grads_torch, grads):
        assert got.dtype == dtype
        assert_close(got, want, dtype)
    assert_close(gx_torch, gx, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_modules_hold_copies_of_the_weights_in_the_dtype(dtype):
    net = network("Tanh", dtype)
    module = to_torch(net)
    assert [type(m).__name__ for m in module] == ["Linear", "Tanh", "Linear", "Bias"]
    W, b = net.layers[0].params["W"], net.layers[0].params["b"]
    assert module[0].weight.dtype == getattr(torch, np.dtype(dtype).name)
    np.testing.assert_array_equal(module[0].weight.detach().numpy(), W.T)
    np.testing.assert_array_equal(module[0].bias.detach().numpy(), b)
    assert module[2].bias is None  # Linear(bias=False)
    np.testing.assert_array_equal(module[3].bias.detach().numpy(), net.layers[3].params["b"])
    with torch.no_grad():
        module[0].weight.zero_()
    assert np.any(W != 0)  # no shared memory


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NETWORKS)
def test_a_round_trip_predicts_exactly_as_the_original(name, dtype):
    net = _network(name, dtype)
    back = from_torch(to_torch(net))
    assert [repr(layer) for layer in back.layers] == [repr(layer) for layer in net.layers]
    assert back.dtype == net.dtype == dtype
    for (name_a, a), (name_b, b) in zip(back.named_parameters(), net.named_parameters()):
        assert name_a == name_b
        np.testing.assert_array_equal(a, b)
    x = inputs(dtype)
    np.testing.assert_array_equal(back.predict(x), net.predict(x))


def test_dropout_becomes_nn_dropout_and_modes_travel():
    net = Sequential([Linear(3, 4, rng=0), Dropout(0.25, rng=0), ReLU()])
    net.layers[2].training = False
    module = to_torch(net)
    assert isinstance(module[1], nn.Dropout) and module[1].p == 0.25
    assert [m.training for m in module] == [True, True, False]
    module.eval()
    back = from_torch(module, rng=1)
    assert isinstance(back.layers[1], Dropout) and back.layers[1].rate == 0.25
    assert [layer.training for layer in back.layers] == [False, False, False]
    x = np.random.default_rng(0).standard_normal((50, 3))
    np.testing.assert_array_equal(back.forward(x), net.predict(x))  # evaluation: identity


def test_a_pytorch_network_comes_over():
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Linear(3, 8, dtype=torch.float64),
        nn.ReLU(),
        nn.Sequential(nn.Linear(8, 4, dtype=torch.float64), nn.Softmax(dim=1)),
    )
    net = from_torch(module)
    assert [type(layer).__name__ for layer in net.layers] == ["Linear", "ReLU", "Linear", "Softmax"]
    x = np.random.default_rng(0).standard_normal((10, 3))
    want = module(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(net.predict(x), want, rtol=1e-12, atol=1e-15)


def test_the_extra_modules_pickle_and_save():
    module = to_torch(every_layer(np.float64)).eval()
    again = pickle.loads(pickle.dumps(module))
    assert type(again[2]).__qualname__ == "GaussianRBF"
    x = torch.from_numpy(inputs(np.float64))
    assert torch.equal(again(x), module(x))


class Cube(Layer):
    def forward(self, x):
        return x**3


@pytest.mark.parametrize(
    "bad, words",
    [
        (Sequential([Linear(2, 2), Cube()]), ["layer 1", "Cube"]),
        (Sequential([Linear(2, 2), type("MyTanh", (ACTIVATIONS["Tanh"],), {})()]), ["MyTanh"]),
    ],
)
def test_to_torch_refuses_a_layer_without_counterpart(bad, words):
    with pytest.raises(TypeError) as error:
        to_torch(bad)
    for word in words:
        assert word in str(error.value)


def test_to_torch_refuses_what_is_no_network():
    with pytest.raises(TypeError, match="Sequential"):
        to_torch([Linear(2, 2)])


@pytest.mark.parametrize(
    "bad, words",
    [
        (nn.Sequential(nn.Linear(2, 2), nn.LeakyReLU()), ["'1'", "LeakyReLU"]),
        (nn.Sequential(nn.Sequential(nn.Conv1d(1, 1, 2))), ["'0.0'", "Conv1d"]),
        (nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=0)), ["'1'", "Softmax(dim=0)"]),
        (nn.Sequential(nn.Linear(2, 2), nn.Dropout(1.0)), ["'1'", "Dropout"]),
        (nn.GELU(), ["GELU"]),
    ],
)
def test_from_torch_refuses_a_module_without_layer(bad, words):
    with pytest.raises(TypeError) as error:
        from_torch(bad)
    for word in words:
        assert word in str(error.value)


def test_from_torch_refuses_other_dtypes_and_non_modules():
    mixed = nn.Sequential(
        nn.Linear(2, 2, dtype=torch.float32), nn.Linear(2, 2, dtype=torch.float64)
    )
    with pytest.raises(ValueError, match="float32.*float64"):
        from_torch(mixed)
    with pytest.raises(ValueError, match="float16"):
        from_torch(nn.Linear(2, 2, dtype=torch.float16))
    with pytest.raises(ValueError, match="no layer"):
        from_torch(nn.Sequential())
    with pytest.raises(TypeError, match="torch.nn.Module"):
        from_torch(Sequential([Linear(2, 2)]))
