"""load() bounds what an untrusted file can make it read or allocate: the header's size and
nesting, the shapes the arrays declare, and the members' inflated sizes; save() refuses a
header that load() would refuse."""

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest
from numpy.lib import format as npy

from scratchnn import Linear, Sequential, Softmax, load, save
from scratchnn.checkpoint import _header, _read


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    save(Sequential([Linear(4, 3, rng=0), Softmax()]), path)
    return path


def _members(path):
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _header_bytes(text):
    return _npy_bytes(np.frombuffer(text.encode(), dtype=np.uint8))


def _peak_bytes_while(action):
    """The peak of memory traced (NumPy's arrays included) while ``action()`` runs."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_bounds_leave_room_for_real_checkpoints():
    assert _header.MAX_HEADER_BYTES >= 2**20 and _header.MAX_HEADER_DEPTH >= 16
    assert _read.MAX_INFLATION >= 10  # save() writes uncompressed members: a ratio of 1


def test_a_deeply_nested_header_is_refused_before_parsing(saved, tmp_path):
    header = json.loads(np.load(saved)["__header__"].tobytes())
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(header).replace('"metadata": {}', '"metadata": ' + deep)
    assert deep in text
    members = {**_members(saved), "__header__.npy": _header_bytes(text)}
    bad = _write_zip(tmp_path / "deep.npz", members)
    with pytest.raises(ValueError, match="nested more than 64 levels deep"):  # not RecursionError
        load(bad)


def test_save_refuses_metadata_nested_deeper_than_load_accepts(tmp_path):
    net = Sequential([Linear(2, 2, rng=0)])
    deep: list = []
    for _ in range(_header.MAX_HEADER_DEPTH):
        deep = [deep]
    with pytest.raises(ValueError, match="nest the metadata less deeply"):
        save(net, tmp_path / "m.npz", metadata={"deep": deep})
    shallow = {"deep": [[[[1]]]]}
    assert load(save(net, tmp_path / "m.npz", metadata=shallow)) is not None


def test_a_header_larger_than_the_bound_is_refused_unread(saved, tmp_path, monkeypatch):
    size = len(np.load(saved)["__header__"])
    monkeypatch.setattr(_header, "MAX_HEADER_BYTES", size - 1)
    with pytest.raises(ValueError, match=f"header is {size} bytes, more than"):
        load(saved)
    with pytest.raises(ValueError, match="pass large data in arrays="):
        save(Sequential([Linear(4, 3, rng=0), Softmax()]), tmp_path / "other.npz")
    assert not (tmp_path / "other.npz").exists()


def _refusal(path, match):
    with pytest.raises(ValueError, match=match) as info:
        load(path)
    return str(info.value)


def test_an_array_declaring_more_data_than_it_holds_allocates_nothing(saved, tmp_path):
    buffer = io.BytesIO()  # a .npy header declaring 800 MB, followed by 16 bytes
    npy.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (100_000_000,)}
    )
    members = {**_members(saved), "0.W.npy": buffer.getvalue() + bytes(16)}
    bad = _write_zip(tmp_path / "liar.npz", members)
    messages = []
    peak = _peak_bytes_while(
        lambda: messages.append(_refusal(bad, r"declares shape \(100000000,\)"))
    )
    assert peak < 10 * 2**20
    assert "'0.W' is corrupt" in messages[0] and "holds 16 bytes" in messages[0]


def test_arrays_are_checked_against_the_header_before_they_are_read(saved, tmp_path):
    big = np.zeros((500, 500))  # 2 MB where the header says (4, 3)
    members = {**_members(saved), "0.W.npy": _npy_bytes(big)}
    bad = _write_zip(tmp_path / "big.npz", members)
    peak = _peak_bytes_while(lambda: _refusal(bad, r"array '0.W' has shape \(500, 500\)"))
    assert peak < big.nbytes / 4


def test_members_inflating_far_beyond_the_file_are_refused(saved, tmp_path):
    zeros = np.zeros(1_250_000)  # 10 MB, deflated to about 10 kB
    members = {**_members(saved), "extra.zeros.npy": _npy_bytes(zeros)}
    bomb = _write_zip(tmp_path / "bomb.npz", members, compression=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size * _read.MAX_INFLATION < zeros.nbytes
    with pytest.raises(ValueError, match=f"more than {_read.MAX_INFLATION} times the file's"):
        load(bomb)


def test_a_compressed_checkpoint_within_the_bound_still_loads(saved, tmp_path):
    compressed = _write_zip(tmp_path / "small.npz", _members(saved), zipfile.ZIP_DEFLATED)
    np.testing.assert_array_equal(load(compressed)[0].params["W"], load(saved)[0].params["W"])


def test_members_sharing_their_bytes_are_refused(saved, tmp_path):
    data = _npy_bytes(np.zeros(1000))
    path = tmp_path / "overlap.npz"
    with zipfile.ZipFile(path, "w") as z:
        for name, member in _members(saved).items():
            z.writestr(name, member)
        z.writestr("extra.a.npy", data)
        twin = zipfile.ZipInfo("extra.b.npy")  # a second directory entry, same bytes
        shared = z.getinfo("extra.a.npy")
        for attribute in ("header_offset", "compress_size", "file_size", "CRC"):
            setattr(twin, attribute, getattr(shared, attribute))
        z.filelist.append(twin)
    with pytest.raises(ValueError, match="overlapping or inconsistent members"):
        load(path)


def test_every_refusal_is_a_checkpoint_error_a_value_error(saved, tmp_path):
    import scratchnn
    from scratchnn.checkpoint import CheckpointError

    assert scratchnn.CheckpointError is CheckpointError and issubclass(CheckpointError, ValueError)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(saved.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="not a zip"):
        load(bad)


def test_max_bytes_bounds_the_arrays_a_file_declares_before_any_is_read(tmp_path):
    from scratchnn.checkpoint import DEFAULT_MAX_BYTES, CheckpointError

    path = save(Sequential([Linear(500, 200, rng=0)]), tmp_path / "m.npz")
    declared = 500 * 200 * 8 + 200 * 8  # W and b in float64, plus the header below
    assert DEFAULT_MAX_BYTES >= 2**30 > declared
    header_bytes = len(np.load(path)["__header__"])
    with pytest.raises(CheckpointError, match=f"declare {declared + header_bytes} bytes"):
        load(path, max_bytes=declared)
    peak = _peak_bytes_while(lambda: pytest.raises(CheckpointError, load, path, max_bytes=1000))
    assert peak < declared / 4  # refused before the arrays were read
    net = load(path, max_bytes=declared + header_bytes)
    assert net[0].params["W"].shape == (500, 200)
    for bad in (-1, 1.5, True, "1"):
        with pytest.raises(TypeError, match="max_bytes"):
            load(path, max_bytes=bad)


def test_a_layer_asking_for_more_than_its_arrays_allocates_nothing(saved, tmp_path):
    header = json.loads(np.load(saved)["__header__"].tobytes())
    header["layers"][0]["config"] = {"n_in": 30_000, "n_out": 30_000, "bias": True}
    members = {**_members(saved), "__header__.npy": _header_bytes(json.dumps(header))}
    bad = _write_zip(tmp_path / "wide.npz", members)
    peak = _peak_bytes_while(lambda: _refusal(bad, r"layers\[0\].config .* asks for more"))
    assert peak < 10 * 2**20  # not the 7.2 GB of a 30,000 x 30,000 float64 matrix


def test_a_member_inflating_beyond_its_declared_size_is_stopped(saved, tmp_path):
    path = tmp_path / "trailing.npz"
    members = _members(saved)
    members["0.b.npy"] += bytes(1000)  # the zip declares it; the .npy array is shorter
    _write_zip(path, members)
    _refusal(path, r"entry '0.b' is corrupt: it declares shape \(3,\)")
