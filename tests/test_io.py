"""``scratchnn._io.atomic_write``: the destination holds its old bytes or all the new ones."""

import os
import stat

import pytest

from scratchnn._io import atomic_write


def _write(data: bytes):
    return lambda handle: handle.write(data)


def _fail_after(data: bytes, error: BaseException):
    def write(handle):
        handle.write(data)
        handle.flush()  # the partial bytes reach the temporary file before the failure
        raise error

    return write


def test_writes_a_new_file_and_returns_its_path(tmp_path):
    target = tmp_path / "new.bin"
    returned = atomic_write(str(target), _write(b"\x00payload\xff"))
    assert returned == target
    assert target.read_bytes() == b"\x00payload\xff"
    assert os.listdir(tmp_path) == ["new.bin"]


def test_replaces_an_existing_file(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old contents, longer than the new ones")
    atomic_write(target, _write(b"new"))
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["data.bin"]


def test_new_file_has_the_permissions_of_an_ordinary_file(tmp_path):
    umask = os.umask(0o027)
    try:
        path = atomic_write(tmp_path / "f.bin", _write(b"x"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0o666 & ~0o027, not mkstemp's 0o600


@pytest.mark.parametrize("error", [RuntimeError("writer failed"), KeyboardInterrupt()])
def test_a_failing_writer_leaves_the_old_file_and_no_temporary_file(tmp_path, error):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")
    with pytest.raises(type(error)):
        atomic_write(target, _fail_after(b"half written", error))
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["data.bin"]


def test_a_failing_writer_creates_nothing_where_there_was_no_file(tmp_path):
    with pytest.raises(ValueError, match="bad data"):
        atomic_write(tmp_path / "new.bin", _fail_after(b"partial", ValueError("bad data")))
    assert os.listdir(tmp_path) == []


def test_a_failing_rename_removes_the_temporary_file(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()  # a directory cannot be replaced by a file
    (target / "inside").write_bytes(b"kept")
    with pytest.raises(OSError):
        atomic_write(target, _write(b"data"))
    assert os.listdir(tmp_path) == ["taken"]
    assert (target / "inside").read_bytes() == b"kept"


def test_a_missing_folder_is_an_oserror_and_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "missing" / "f.bin", _write(b"data"))
    assert os.listdir(tmp_path) == []
