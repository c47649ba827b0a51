"""save(optimizer=chain(...)): refused with a clear error; the chain's optimiser saves, loads
and, chained again, resumes training exactly like the original chain."""

import numpy as np
import pytest

from scratchnn import (
    Adam,
    CategoricalCrossEntropy,
    Linear,
    Sequential,
    Softmax,
    Tanh,
    load_checkpoint,
    save,
    train,
)
from scratchnn.optimizers import chain
from scratchnn.regularization import ClipByGlobalNorm, WeightDecay


def _network():
    return Sequential([Linear(4, 5, rng=0), Tanh(), Linear(5, 3, rng=1), Softmax()])


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(30, 4)), np.eye(3)[rng.integers(0, 3, 30)]


def test_a_chain_is_refused_with_a_hint(tmp_path):
    net = _network()
    X, T = _data()
    opt = chain(WeightDecay(1e-3), ClipByGlobalNorm(1.0), Adam(0.01))
    train(net, CategoricalCrossEntropy(), opt, X, T, epochs=1, batch_size=10)
    path = tmp_path / "m.npz"
    with pytest.raises(ValueError, match=r"only the chain's optimiser can be saved") as info:
        save(net, path, optimizer=opt)
    assert "optimizer=the_chain.optimizer" in str(info.value)
    with pytest.raises(ValueError, match=r"only the chain's optimiser"):  # no transformation
        save(net, path, optimizer=chain(Adam(0.01)))
    assert not path.exists()


def test_the_chains_optimizer_saves_and_resumes_like_the_chain(tmp_path):
    net = _network()
    X, T = _data()
    loss = CategoricalCrossEntropy()
    opt = chain(WeightDecay(1e-3), ClipByGlobalNorm(1.0), Adam(0.01))
    train(net, loss, opt, X, T, epochs=1, batch_size=10)
    path = save(net, tmp_path / "m.npz", optimizer=opt.optimizer)
    ck = load_checkpoint(path)
    assert type(ck.optimizer) is Adam and ck.optimizer.get_config() == opt.optimizer.get_config()
    assert ck.optimizer.step_count == opt.step_count == 3  # 30 samples, batches of 10
    saved = opt.optimizer.first_moments + opt.optimizer.second_moments
    for a, b in zip(ck.optimizer.first_moments + ck.optimizer.second_moments, saved):
        np.testing.assert_array_equal(a, b)

    resumed = chain(WeightDecay(1e-3), ClipByGlobalNorm(1.0), ck.optimizer)
    before = [p.copy() for p in net.parameters()]
    for model, optimizer in ((net, opt), (ck.model, resumed)):
        train(model, loss, optimizer, X, T, epochs=1, batch_size=10)
    assert resumed.step_count == opt.step_count == 6
    assert any(not np.array_equal(a, b) for a, b in zip(net.parameters(), before))
    for a, b in zip(ck.model.parameters(), net.parameters()):
        np.testing.assert_array_equal(a, b)
