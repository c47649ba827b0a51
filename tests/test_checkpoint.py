"""save/load: bit-exact round trip, metadata and optimiser state, atomic writes, and refusal of
every malformed file with a clear ValueError."""

import json
import os
import zipfile

import numpy as np
import pytest

import scratchnn
from scratchnn import (
    Adam,
    Bias,
    CategoricalCrossEntropy,
    Dropout,
    GaussianRBF,
    GradientDescent,
    Identity,
    Linear,
    Logistic,
    ReLU,
    Sequential,
    Softmax,
    Tanh,
    load,
    load_checkpoint,
    save,
    train,
)
from scratchnn.optimizers import CosineDecay


def _network(dtype=np.float64):
    return Sequential(
        [
            Linear(4, 5, rng=0, dtype=dtype),
            Tanh(),
            Linear(5, 5, bias=False, rng=1, dtype=dtype),
            Bias(5, dtype=dtype),
            GaussianRBF(),
            Dropout(0.3, rng=2),
            Linear(5, 5, rng=3, dtype=dtype),
            ReLU(),
            Identity(),
            Linear(5, 5, rng=4, dtype=dtype),
            Logistic(),
            Linear(5, 3, rng=5, dtype=dtype),
            Softmax(),
        ]
    )


def _data(dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4)).astype(dtype)
    return X, np.eye(3, dtype=dtype)[rng.integers(0, 3, 30)]


@pytest.fixture
def saved(tmp_path):
    net = _network()
    net[3].params["b"][...] = np.arange(5) / 7  # non-zero bias
    path = tmp_path / "model.npz"
    save(net, path)
    return net, path


# --- round trip -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_round_trip_is_bit_exact(tmp_path, dtype):
    net = _network(dtype)
    X, T = _data(dtype)
    train(net, CategoricalCrossEntropy(), Adam(0.01), X, T, epochs=2, batch_size=10)
    path = save(net, tmp_path / "m.npz")
    loaded = load(path)
    assert [type(a) for a in loaded.layers] == [type(b) for b in net.layers]
    assert [a.get_config() for a in loaded.layers] == [b.get_config() for b in net.layers]
    for (name_a, a), (name_b, b) in zip(loaded.named_parameters(), net.named_parameters()):
        assert name_a == name_b and a.dtype == b.dtype == dtype
        np.testing.assert_array_equal(a, b)
        assert a.tobytes() == b.tobytes()
    assert loaded.predict(X).dtype == dtype
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert loaded.summary() == net.summary()


def test_the_file_is_plain_arrays_with_dotted_names_and_a_json_header(saved):
    net, path = saved
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        header = json.loads(archive["__header__"].tobytes().decode("utf-8"))
        np.testing.assert_array_equal(archive["0.W"], net[0].params["W"])
    assert names == {"__header__"} | {name for name, _ in net.named_parameters()}
    assert {"0.W", "0.b", "2.W", "3.b"} <= names
    assert header["format"] == "scratchnn.checkpoint" and header["format_version"] == 1
    assert header["library_version"] == scratchnn.__version__
    assert header["layers"][0] == {
        "type": "Linear",
        "config": {"n_in": 4, "n_out": 5, "bias": True},
        "params": ["W", "b"],
    }
    assert header["arrays"]["0.W"] == {"shape": [4, 5], "dtype": "<f8"}
    with zipfile.ZipFile(path) as z:  # every member is a .npy file, none pickled
        assert all(n.endswith(".npy") for n in z.namelist())


def test_loss_optimizer_metadata_and_arrays_round_trip(tmp_path):
    net = _network()
    X, T = _data()
    opt = Adam(CosineDecay(0.01, 100), beta1=0.8)
    loss = CategoricalCrossEntropy("sum")
    train(net, loss, opt, X, T, epochs=2, batch_size=10)
    metadata = {"classes": ["cat", "dog", "eel"], "alpha": 1e-4, "sizes": (5, 5), "seed": None}
    arrays = {"classes": np.array(["cat", "dog", "eel"]), "mean": np.arange(4.0)}
    save(net, tmp_path / "m.npz", loss=loss, optimizer=opt, metadata=metadata, arrays=arrays)
    ck = load_checkpoint(tmp_path / "m.npz")
    assert ck.metadata == {**metadata, "sizes": [5, 5]}  # JSON: tuples come back as lists
    assert ck.arrays.keys() == arrays.keys()
    for k in arrays:
        np.testing.assert_array_equal(ck.arrays[k], arrays[k])
        assert ck.arrays[k].dtype == arrays[k].dtype
    assert type(ck.loss) is CategoricalCrossEntropy and ck.loss.reduction == "sum"
    assert ck.optimizer.get_config() == opt.get_config()
    assert ck.optimizer.step_count == opt.step_count == 6
    for a, b in zip(
        ck.optimizer.first_moments + ck.optimizer.second_moments,
        opt.first_moments + opt.second_moments,
    ):
        np.testing.assert_array_equal(a, b)
    assert ck.library_version == scratchnn.__version__
    # Training resumed from the checkpoint continues exactly like the original.
    for model, optimizer in ((net, opt), (ck.model, ck.optimizer)):
        model[5].rng = np.random.default_rng(9)  # same dropout masks for both
        train(model, loss, optimizer, X, T, epochs=1, batch_size=10)
    for a, b in zip(ck.model.parameters(), net.parameters()):
        np.testing.assert_array_equal(a, b)


def test_stateless_optimizer_and_missing_extras(tmp_path):
    net = _network()
    save(net, tmp_path / "m.npz", optimizer=GradientDescent(0.1))
    ck = load_checkpoint(tmp_path / "m.npz")
    assert ck.metadata == {} and ck.arrays == {} and ck.loss is None
    assert ck.optimizer.get_config() == GradientDescent(0.1).get_config()


# --- atomic writes ----------------------------------------------------------------------------


def test_interrupted_save_keeps_the_previous_file(saved, monkeypatch):
    net, path = saved
    before = path.read_bytes()

    def broken_savez(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise KeyboardInterrupt  # e.g. Ctrl-C while writing

    monkeypatch.setattr("scratchnn.checkpoint.np.savez", broken_savez)
    other = _network()
    other[0].params["W"][...] = 0
    with pytest.raises(KeyboardInterrupt):
        save(other, path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind
    np.testing.assert_array_equal(load(path)[0].params["W"], net[0].params["W"])


def test_save_replaces_and_creates_with_normal_permissions(saved, tmp_path):
    net, path = saved
    net[0].params["W"][...] += 1
    save(net, path)
    np.testing.assert_array_equal(load(path)[0].params["W"], net[0].params["W"])
    assert path.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    with pytest.raises(FileNotFoundError):
        save(net, tmp_path / "missing-folder" / "m.npz")


# --- refusing bad files -----------------------------------------------------------------------


def _entries(path):
    with np.load(path, allow_pickle=False) as archive:
        return {k: archive[k] for k in archive.files}


def _header(entries):
    return json.loads(entries["__header__"].tobytes().decode("utf-8"))


def _with_header(entries, header):
    return {**entries, "__header__": np.frombuffer(json.dumps(header).encode(), np.uint8)}


def _rewrite(path, entries):
    bad = path.with_name("bad.npz")
    with open(bad, "wb") as f:
        np.savez(f, **entries)
    return bad


def test_refuses_object_arrays(saved):
    _, path = saved
    entries = _entries(path)
    entries["0.W"] = np.array([{"evil": "pickle"}], dtype=object)
    bad = path.with_name("bad.npz")
    with open(bad, "wb") as f:
        np.savez(f, allow_pickle=True, **entries)
    with pytest.raises(ValueError, match="'0.W' holds Python objects"):
        load(bad)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_refuses_truncated_files(saved, keep):
    _, path = saved
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="not a zip|truncated|corrupt"):
        load(path)


@pytest.mark.parametrize("where", [0.2, 0.5, 0.7])
def test_refuses_corrupted_bytes(saved, where):
    _, path = saved
    data = bytearray(path.read_bytes())
    i = int(len(data) * where)
    data[i : i + 4] = bytes(b ^ 0xFF for b in data[i : i + 4])
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError):
        load(path)


def test_refuses_non_zip_files(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a zip"):
        load(text)
    single = tmp_path / "array.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match="not a zip"):
        load(single)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nothing.npz")


def test_refuses_missing_or_malformed_headers(saved):
    _, path = saved
    entries = _entries(path)
    header = _header(entries)
    no_header = {k: v for k, v in entries.items() if k != "__header__"}
    cases = {
        "no '__header__' entry": no_header,
        "expected 1-D uint8": {**entries, "__header__": np.zeros(3)},
        "not UTF-8 JSON": {**entries, "__header__": np.frombuffer(b"{not json", np.uint8)},
        "not a 'scratchnn.checkpoint' header": _with_header(entries, ["a list"]),
        "not a 'scratchnn.checkpoint'": _with_header(entries, {**header, "format": "other"}),
        "format_version 2": _with_header(entries, {**header, "format_version": 2}),
        "'layers' must be a list": _with_header(entries, {**header, "layers": {}}),
        "'metadata' must be a dict": _with_header(entries, {**header, "metadata": 3}),
        "lists no layers": _with_header(entries, {**header, "layers": []}),
        r"layers\[0\] must be an object": _with_header(
            entries, {**header, "layers": ["Linear", *header["layers"][1:]]}
        ),
    }
    for match, bad_entries in cases.items():
        with pytest.raises(ValueError, match=match):
            load(_rewrite(path, bad_entries))


def test_refuses_unknown_types_and_bad_configs(saved):
    _, path = saved
    entries = _entries(path)
    header = _header(entries)
    layers = header["layers"]
    cases = {
        r"layers\[0\].type names an unknown type 'Conv2D'": [
            {**layers[0], "type": "Conv2D"},
            *layers[1:],
        ],
        "bad configuration for layer 0": [{**layers[0], "config": {"n_in": 4}}, *layers[1:]],
        "needs \\(3, 4\\)": [
            {**layers[0], "config": {"n_in": 3, "n_out": 4, "bias": True}},
            *layers[1:],
        ],
        "has parameters": [{**layers[0], "params": ["W"]}, *layers[1:]],
    }
    for match, new_layers in cases.items():
        with pytest.raises(ValueError, match=match):
            load(_rewrite(path, _with_header(entries, {**header, "layers": new_layers})))
    with pytest.raises(ValueError, match="loss.type names an unknown type 'Hinge'"):
        load(
            _rewrite(
                path, _with_header(entries, {**header, "loss": {"type": "Hinge", "config": {}}})
            )
        )
    bad_opt = {
        "type": "Adam",
        "config": {"learning_rate": 0.1, "beta1": 2.0},
        "step_count": 0,
        "buffers": {},
    }
    with pytest.raises(ValueError, match="beta1"):
        load(_rewrite(path, _with_header(entries, {**header, "optimizer": bad_opt})))


def test_refuses_arrays_that_do_not_fit_the_header(saved):
    _, path = saved
    entries = _entries(path)
    cases = {
        "missing: \\['0.W'\\]": {k: v for k, v in entries.items() if k != "0.W"},
        "not described by the header: \\['99.W'\\]": {**entries, "99.W": np.zeros(2)},
        "array '0.W' has shape \\(5, 4\\)": {**entries, "0.W": entries["0.W"].T.copy()},
        "dtype <f4": {**entries, "0.W": entries["0.W"].astype(np.float32)},
    }
    for match, bad_entries in cases.items():
        with pytest.raises(ValueError, match=match):
            load(_rewrite(path, bad_entries))
    # Consistent with a tampered header, but still not a valid network.
    header = _header(entries)
    header["arrays"]["0.W"] = {"shape": [4, 5], "dtype": "<i8"}
    ints = _with_header({**entries, "0.W": entries["0.W"].astype(np.int64)}, header)
    with pytest.raises(ValueError, match="float32 or float64"):
        load(_rewrite(path, ints))
    header = _header(entries)
    header["arrays"]["7.W"] = {"shape": [2], "dtype": "<f8"}
    stray = _with_header({**entries, "7.W": np.zeros(2)}, header)
    with pytest.raises(ValueError, match="belong to no layer"):
        load(_rewrite(path, stray))


def test_refuses_optimizer_state_that_does_not_fit(tmp_path):
    net = _network()
    X, T = _data()
    opt = Adam(0.01)
    train(net, CategoricalCrossEntropy(), opt, X, T, epochs=1)
    path = save(net, tmp_path / "m.npz", optimizer=opt)
    entries = _entries(path)
    header = _header(entries)
    header["optimizer"]["buffers"]["first_moments"] = 3
    with pytest.raises(ValueError, match="needs 10 arrays"):
        load(_rewrite(path, _with_header(entries, header)))
    header = _header(entries)
    header["optimizer"] = None
    with pytest.raises(ValueError, match="no optimiser in the header"):
        load(_rewrite(path, _with_header(entries, header)))
    swapped = {
        **entries,
        "optimizer.first_moments.0": entries["optimizer.first_moments.1"],
        "optimizer.first_moments.1": entries["optimizer.first_moments.0"],
    }
    header = _header(entries)
    header["arrays"]["optimizer.first_moments.0"], header["arrays"]["optimizer.first_moments.1"] = (
        header["arrays"]["optimizer.first_moments.1"],
        header["arrays"]["optimizer.first_moments.0"],
    )
    with pytest.raises(ValueError, match="parameter 0 has shape"):
        load(_rewrite(path, _with_header(swapped, header)))


# --- bad arguments to save --------------------------------------------------------------------


def test_bad_save_arguments(tmp_path):
    net = _network()
    path = tmp_path / "m.npz"
    with pytest.raises(TypeError, match="model"):
        save([Linear(2, 2)], path)
    with pytest.raises(TypeError, match="metadata"):
        save(net, path, metadata={"f": print})
    with pytest.raises(TypeError, match="metadata"):
        save(net, path, metadata={1: "int key"})
    with pytest.raises(TypeError, match="metadata"):
        save(net, path, metadata={"x": float("nan")})
    with pytest.raises(TypeError, match="loss"):
        save(net, path, loss="mse")
    with pytest.raises(ValueError, match="plain callable"):
        save(net, path, optimizer=Adam(lambda step: 0.1))
    other = Adam()
    other.reset([np.zeros(3)])
    with pytest.raises(ValueError, match="other parameters"):
        save(net, path, optimizer=other)
    with pytest.raises(ValueError, match="must be numeric"):
        save(net, path, arrays={"o": np.array([None], dtype=object)})
    with pytest.raises(ValueError, match="name"):
        save(net, path, arrays={"../up": np.zeros(1)})

    class Custom(Linear):
        pass

    with pytest.raises(ValueError, match="Custom is not registered"):
        save(Sequential([Custom(2, 2)]), path)
    assert not path.exists()
