"""Contiguous parameter storage: a network keeps its parameters and gradients in one flat
array each, optimisers update the flat arrays, and every result is the same, element by
element, as updating the arrays one by one."""

import copy
import pickle

import numpy as np
import pytest

from scratchnn import MSE, Linear, Logistic, ReLU, Sequential, Softmax, train
from scratchnn._storage import flat_span, pack, packed_copies, zeros_like_packed
from scratchnn.losses import CategoricalCrossEntropy
from scratchnn.optimizers import Adam, AdamW, GradientDescent, RMSprop


def _views(flat, sizes):
    out, start = [], 0
    for size in sizes:
        out.append(flat[start:start + size])
        start += size
    return out


def test_flat_span_recognises_exactly_consecutive_gap_free_views():
    flat = np.arange(10.0)
    a, b, c = flat[:6].reshape(2, 3), flat[6:8], flat[8:]
    assert flat_span([a, b, c]) is flat
    assert flat_span([a, c, b]) is None  # out of order
    assert flat_span([a, c]) is None  # a gap
    assert flat_span([a, b]) is None  # does not cover the whole array
    assert flat_span([flat[::2], flat[1::2]]) is None  # not contiguous
    assert flat_span([np.zeros((2, 3))]) is None  # owns its data
    assert flat_span([a, b, np.zeros(2)]) is None  # another array
    assert flat_span([]) is None
    assert flat_span([flat[:6].reshape(3, 2).T, b, c]) is None  # transposed view


def test_pack_copies_values_into_one_array_and_refuses_mixed_dtypes():
    arrays = [np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0]), np.array(9.0)]
    packed = pack(arrays)
    assert flat_span(packed) is not None
    for p, a in zip(packed, arrays):
        assert p.shape == a.shape and p.dtype == a.dtype
        np.testing.assert_array_equal(p, a)
        assert not np.shares_memory(p, a)
    assert pack([np.zeros(2), np.zeros(2, np.float32)]) is None
    assert pack([]) is None


def test_zeros_like_packed_is_flat_for_one_dtype_and_separate_otherwise():
    same = zeros_like_packed([np.ones((2, 2)), np.ones(3)])
    assert flat_span(same) is not None and [z.shape for z in same] == [(2, 2), (3,)]
    assert all(np.all(z == 0) for z in same)
    mixed = zeros_like_packed([np.ones(2), np.ones(2, np.float32)])
    assert flat_span(mixed) is None
    assert [z.dtype for z in mixed] == [np.float64, np.float32]


def _net(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return Sequential([Linear(4, 5, rng=rng, dtype=dtype), Logistic(),
                       Linear(5, 3, rng=rng, dtype=dtype), Softmax()])


def test_a_network_keeps_parameters_and_gradients_in_one_array_each():
    layers = [Linear(4, 5, rng=1), ReLU(), Linear(5, 3, rng=2)]
    before = [p.copy() for layer in layers for p in layer.params.values()]
    net = Sequential(layers)
    assert flat_span(net.parameters()) is not None
    assert flat_span(net.gradients()) is not None
    for p, b in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, b)
    # the layers use the views: a change through the network reaches them
    net.parameters()[0][0, 0] = 123.0
    assert layers[0].params["W"][0, 0] == 123.0


@pytest.mark.parametrize("roundtrip", [pickle.loads, copy.deepcopy])
def test_pickled_and_copied_networks_are_packed_again(roundtrip):
    net = _net()
    other = roundtrip(pickle.dumps(net)) if roundtrip is pickle.loads else roundtrip(net)
    assert flat_span(other.parameters()) is not None
    assert flat_span(other.gradients()) is not None
    for p, q in zip(net.parameters(), other.parameters()):
        np.testing.assert_array_equal(p, q)
        assert not np.shares_memory(p, q)


def test_astype_packs_the_converted_parameters():
    net = _net().astype(np.float32)
    assert flat_span(net.parameters()).dtype == np.float32
    assert flat_span(net.gradients()).dtype == np.float32


def test_a_layer_used_twice_is_left_unpacked_and_still_trains():
    shared = Linear(3, 3, rng=0)
    net = Sequential([shared, Logistic(), shared])
    assert flat_span(net.parameters()) is None
    X = np.random.default_rng(1).normal(size=(8, 3))
    history = train(net, MSE(), GradientDescent(0.1), X, X, epochs=3)
    assert np.all(np.isfinite(history.train_loss))


OPTIMISERS = [
    lambda: GradientDescent(0.1),
    lambda: GradientDescent(0.1, momentum=0.9),
    lambda: GradientDescent(0.1, momentum=0.9, nesterov=True),
    lambda: RMSprop(0.01),
    lambda: Adam(0.01),
    lambda: AdamW(0.01, weight_decay=0.1),
]


@pytest.mark.parametrize("make", OPTIMISERS)
def test_flat_updates_equal_array_by_array_updates_exactly(make):
    rng = np.random.default_rng(0)
    shapes = [(4, 5), (5,), (5, 3), (3,)]
    start = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(4)]
    separate = [p.copy() for p in start]
    packed = pack(start)
    packed_grads = zeros_like_packed(start)
    assert flat_span(packed) is not None and flat_span(packed_grads) is not None
    a, b = make(), make()
    for g in grads:
        a.step(separate, [x.copy() for x in g])
        for buffer, x in zip(packed_grads, g):
            buffer[...] = x
        b.step(packed, packed_grads)
    assert len(b._arrays(packed, packed_grads)) == 1  # the packed lists ran flat
    for p, q in zip(separate, packed):
        np.testing.assert_array_equal(p, q)
    for name in a.state_names:
        for p, q in zip(getattr(a, name), getattr(b, name)):
            np.testing.assert_array_equal(p, q)


def test_adamw_decays_only_the_weight_matrices_of_a_packed_network():
    net = _net()
    weights = [p.copy() for p in net.parameters()]
    zero = [np.zeros_like(g) for g in net.gradients()]
    for g, z in zip(net.gradients(), zero):
        g[...] = z
    AdamW(0.1, weight_decay=0.5).step(net.parameters(), net.gradients())
    for p, w in zip(net.parameters(), weights):
        np.testing.assert_allclose(p, w * (1 - 0.05) if w.ndim >= 2 else w, rtol=1e-15)


def test_pickled_optimiser_has_no_scratch_and_continues_identically():
    X = np.random.default_rng(2).normal(size=(12, 4))
    T = np.eye(3)[np.random.default_rng(3).integers(0, 3, 12)]
    net, opt = _net(), Adam(0.01)
    train(net, CategoricalCrossEntropy(), opt, X, T, epochs=2, batch_size=4)
    blob = pickle.dumps((net, opt))
    assert b"_scratch" not in blob and b"_arrays_cache" not in blob
    net2, opt2 = pickle.loads(blob)
    assert flat_span(opt2.first_moments) is not None
    train(net, CategoricalCrossEntropy(), opt, X, T, epochs=2, batch_size=4)
    train(net2, CategoricalCrossEntropy(), opt2, X, T, epochs=2, batch_size=4)
    for p, q in zip(net.parameters(), net2.parameters()):
        np.testing.assert_array_equal(p, q)


def test_packed_copies_pack_one_dtype_and_copy_mixed_dtypes_separately():
    same = [np.ones((2, 2)), np.arange(3.0)]
    copies = packed_copies(same)
    assert flat_span(copies) is not None
    assert all(not np.shares_memory(c, a) and np.array_equal(c, a) for c, a in zip(copies, same))
    mixed = [np.ones(2), np.ones(2, np.float32)]
    copies = packed_copies(mixed)
    assert flat_span(copies) is None and [c.dtype for c in copies] == [np.float64, np.float32]
    assert not any(np.shares_memory(c, a) for c, a in zip(copies, mixed))
