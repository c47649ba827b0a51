"""Hostile checkpoints: every load of a crafted or randomly damaged file either succeeds or
raises ``CheckpointError`` (from an explicit check, not the loader's safety net), within a
memory limit and a time limit.

The loads run in a child process (see ``_RUNNER``) with its address space limited
(``RLIMIT_AS``) and a timeout, so that a regression fails the test instead of exhausting the
machine; one child loads a batch of files and reports, per file, what happened.
"""

import io
import json
import os
import struct
import subprocess
import sys
import uuid
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from scratchnn import Linear, ReLU, Sequential, Softmax, save
from scratchnn.checkpoint import MAX_INFLATION
from scratchnn.estimators import MLPClassifier
from scratchnn.losses import CategoricalCrossEntropy
from scratchnn.optimizers import Adam

pytestmark = [
    pytest.mark.skipif(
        sys.platform == "win32",
        reason="the child limits its memory with resource.setrlimit (POSIX)",
    ),
    pytest.mark.slow,  # fuzzing, the files loaded in child processes
]

#: The child's address-space limit and the budget it loads with.
MEMORY_LIMIT = 2**30
MAX_BYTES = 64 * 2**20
TIMEOUT = 120

_RUNNER = r"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
from scratchnn import load_checkpoint
from scratchnn.checkpoint import CheckpointError
from scratchnn.estimators import MLPClassifier

for path, kind in json.load(open(sys.argv[1])):
    print(json.dumps({"start": path}), flush=True)
    result, message = "ok", ""
    try:
        if kind == "classifier":
            MLPClassifier.load(path, max_bytes=int(sys.argv[3]))
        else:
            load_checkpoint(path, max_bytes=int(sys.argv[3]))
    except CheckpointError as exc:
        message = str(exc)[:300]
        net = "unreadable checkpoint (" in message  # the loader's catch-all, not a check
        result = f"net: {message}" if net else "CheckpointError"
    except BaseException as exc:
        message = str(exc)[:300]
        result = f"{type(exc).__name__}: {message}"
    print(json.dumps({"path": path, "result": result, "message": message}), flush=True)
"""


def _load_in_child(files: list[tuple[Path, str]], tmp_path: Path) -> dict[str, dict]:
    """Load ``files`` (path, "network" or "classifier") in a memory-limited child; the
    outcome of each, by path. Fails the test when the child dies or times out."""
    listing = tmp_path / f"files-{uuid.uuid4().hex}.json"
    listing.write_text(json.dumps([(str(p), kind) for p, kind in files]))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    command = [sys.executable, "-c", _RUNNER, str(listing), str(MEMORY_LIMIT), str(MAX_BYTES)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        pytest.fail(f"the loads timed out; last started: {out.strip().splitlines()[-1:]}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    results = {line["path"]: line for line in lines if "path" in line}
    if done.returncode != 0 or len(results) != len(files):
        started = [line["start"] for line in lines if "start" in line]
        pytest.fail(
            f"the child died (exit {done.returncode}) loading {started[-1:]}: {done.stderr[-2000:]}"
        )
    return results


def _assert_refused_or_loaded(results: dict[str, dict], allow_ok: bool) -> None:
    allowed = {"CheckpointError", "ok"} if allow_ok else {"CheckpointError"}
    bad = {Path(p).name: r["result"] for p, r in results.items() if r["result"] not in allowed}
    assert not bad, bad


# -- building files -------------------------------------------------------------------


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def _header(path: Path) -> dict:
    return json.loads(np.load(path)["__header__"].tobytes())


def _write(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def _with_header_text(base: Path, text: str | bytes, out: Path, arrays=None) -> Path:
    members = _members(base)
    for name, value in (arrays or {}).items():
        members[f"{name}.npy"] = _npy(value)
    raw = text if isinstance(text, bytes) else text.encode()
    members["__header__.npy"] = _npy(np.frombuffer(raw, dtype=np.uint8))
    return _write(out, members)


def _with_header(base: Path, header: dict, out: Path, arrays=None) -> Path:
    for name, value in (arrays or {}).items():
        header["arrays"][name] = {"shape": list(value.shape), "dtype": value.dtype.str}
    return _with_header_text(base, json.dumps(header), out, arrays)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, Path]:
    """A network checkpoint (loss, Adam state, extra arrays) and a fitted classifier's."""
    folder = tmp_path_factory.mktemp("bases")
    net = Sequential([Linear(4, 5, rng=0), ReLU(), Linear(5, 3, rng=1), Softmax()])
    optimizer = Adam(0.01)
    x, t = np.ones((6, 4)), np.eye(3)[[0, 1, 2, 0, 1, 2]]
    loss = CategoricalCrossEntropy()
    net.backward(loss.gradient(net.forward(x), t))
    optimizer.step(net.parameters(), net.gradients())
    network = save(
        net,
        folder / "network.npz",
        loss=loss,
        optimizer=optimizer,
        metadata={"note": [1, 2.5, "x", None]},
        arrays={"labels": np.array(["a", "b", "c"]), "counts": np.arange(3)},
    )
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), np.array(["a", "b", "c"] * 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    return {"network": network, "classifier": classifier.save(folder / "classifier.npz")}


def test_the_untouched_files_load_in_the_child(bases, tmp_path):
    results = _load_in_child(
        [(bases["network"], "network"), (bases["classifier"], "classifier")], tmp_path
    )
    assert [r["result"] for r in results.values()] == ["ok", "ok"]


# -- crafted files --------------------------------------------------------------------


def _forge_size(path: Path, name: str, file_size: int) -> None:
    """Make the zip records of member ``name`` declare ``file_size`` inflated bytes (its
    data left as it is): a member that inflates beyond what it declares."""
    raw = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        name_at = 30 if signature == b"PK\x03\x04" else 46
        start = 0
        while (start := raw.find(signature, start)) >= 0:
            if raw[start + name_at : start + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", raw, start + size_at, file_size)
            start += 4
    path.write_bytes(bytes(raw))


def _bombs(base: Path, folder: Path) -> list[Path]:
    members = _members(base)
    zeros = np.zeros(6_250_000)  # 50 MB of zeros, deflated to about 50 kB
    beyond_ratio = _write(
        folder / "bomb_ratio.npz",
        {**members, "extra.zeros.npy": _npy(zeros)},
        compression=zipfile.ZIP_DEFLATED,
    )
    assert beyond_ratio.stat().st_size * MAX_INFLATION < zeros.nbytes
    # A member declaring 3 float64s but inflating to 50 MB more: the zip reader must stop.
    small = _npy(np.zeros(3))
    liar = folder / "bomb_liar.npz"
    header = _header(base)
    header["arrays"]["extra.small"] = {"shape": [3], "dtype": "<f8"}
    _write(
        liar,
        {
            **members,
            "__header__.npy": _npy(np.frombuffer(json.dumps(header).encode(), np.uint8)),
            "extra.small.npy": small + zeros.tobytes(),
        },
        compression=zipfile.ZIP_DEFLATED,
    )
    _forge_size(liar, "extra.small.npy", len(small))
    # Within the inflation bound, but more than the loader's budget.
    big = np.zeros(MAX_BYTES // 8 + 1)
    over_budget = _with_header(base, _header(base), folder / "over_budget.npz", {"extra.big": big})
    # An .npy header declaring 10**12 elements, in a member of a few bytes.
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
    )
    huge = _write(folder / "npy_huge.npz", {**members, "0.W.npy": buffer.getvalue() + bytes(8)})
    return [beyond_ratio, liar, over_budget, huge]


def _zip_oddities(base: Path, folder: Path) -> list[Path]:
    members = _members(base)
    twice = folder / "twice.npz"
    with zipfile.ZipFile(twice, "w") as z, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile's "Duplicate name"
        for name, data in members.items():
            z.writestr(name, data)
        z.writestr("0.W.npy", _npy(np.ones((4, 5))))
    objects = {**members, "extra.labels.npy": _npy(np.array([{"a": 1}, None], dtype=object))}
    return [
        twice,
        _write(folder / "not_npy.npz", {**members, "notes.txt": b"hello"}),
        _write(folder / "folder.npz", {**members, "sub/0.W.npy": members["0.W.npy"]}),
        _write(folder / "objects.npz", objects),
        _write(folder / "no_header.npz", {k: v for k, v in members.items() if "header" not in k}),
        _write(folder / "empty.npz", {}),
        _write(folder / "garbage.npz", {"__header__.npy": b"\x93NUMPY\x01\x00garbage"}),
    ]


def _header_cases(base: Path) -> dict[str, object]:
    """Name -> a function of the header that damages it (or replacement header text)."""
    deep = "[" * 100_000 + "]" * 100_000
    text = json.dumps(_header(base))

    def layer0(**changes):
        return lambda h: h["layers"][0].update(changes)

    def optimizer(**changes):
        return lambda h: h["optimizer"].update(changes)

    return {
        "deep": text.replace('"metadata": {', '"metadata": {"deep": ' + deep + ", ", 1),
        "deep_objects": text.replace(
            '"metadata": {', '"metadata": {"d": ' + '{"a":' * 70 + "1" + "}" * 70 + ", ", 1
        ),
        "nan": text.replace('"n_in": 4', '"n_in": NaN', 1),
        "key_twice": text.replace('"n_in": 4', '"n_in": 4, "n_in": 5', 1),
        "many_digits": text.replace('"step_count": 1', '"step_count": 1' + "0" * 5000, 1),
        "not_utf8": text.encode().replace(b'"note"', b'"\xff\xfe"', 1),
        "inf": text.replace('"bias": true', '"bias": 1e400', 1),
        "type_list": layer0(type=["Linear"]),
        "type_object": layer0(type={"name": "Linear"}),
        "type_unknown": layer0(type="Conv2D"),
        "params_mixed": layer0(params=["W", 1]),
        "params_twice": layer0(params=["W", "W"]),
        "params_object": layer0(params={"W": 1}),
        "config_list": layer0(config=[4, 5]),
        "config_huge": layer0(config={"n_in": 10**6, "n_out": 10**6}),
        "config_30k": layer0(config={"n_in": 30_000, "n_out": 30_000}),
        "config_negative": layer0(config={"n_in": -4, "n_out": 5}),
        "config_init": layer0(config={"n_in": 4, "n_out": 5, "weight_init": "orthogonal"}),
        "config_rng": layer0(config={"n_in": 4, "n_out": 5, "rng": [1, 2]}),
        "config_nested": layer0(config={"n_in": [4], "n_out": 5}),
        "config_float": layer0(config={"n_in": 4.0, "n_out": 5}),
        "layer_string": lambda h: h["layers"].__setitem__(0, "Linear"),
        "no_layers": lambda h: h.update(layers=[]),
        "layers_object": lambda h: h.update(layers={"0": {}}),
        "loss_list": lambda h: h["loss"].update(type=["CategoricalCrossEntropy"]),
        "loss_config": lambda h: h["loss"].update(config={"reduction": ["mean"]}),
        "loss_string": lambda h: h.update(loss="MSE"),
        "step_huge": optimizer(step_count=10**400),
        "step_negative": optimizer(step_count=-1),
        "step_float": optimizer(step_count=1.5),
        "step_bool": optimizer(step_count=True),
        "optimizer_type": optimizer(type=["Adam"]),
        "optimizer_config": optimizer(config={"learning_rate": {"type": "Nope", "config": {}}}),
        "optimizer_rate": optimizer(config={"learning_rate": [0.1]}),
        "optimizer_beta": optimizer(config={"learning_rate": 0.1, "beta1": 10**30}),
        "buffers_bool": optimizer(buffers={"first_moments": True, "second_moments": True}),
        "buffers_huge": optimizer(buffers={"first_moments": 10**18, "second_moments": 4}),
        "buffers_list": optimizer(buffers=[4, 4]),
        "buffers_unknown": optimizer(buffers={"velocity": 4}),
        "optimizer_string": lambda h: h.update(optimizer="Adam"),
        "arrays_list": lambda h: h.update(arrays=[]),
        "shape_huge": lambda h: h["arrays"]["0.W"].update(shape=[10**30]),
        "shape_negative": lambda h: h["arrays"]["0.W"].update(shape=[-4, -5]),
        "shape_string": lambda h: h["arrays"]["0.W"].update(shape="4,5"),
        "dtype_list": lambda h: h["arrays"]["0.W"].update(dtype=["<f8"]),
        "dtype_object": lambda h: h["arrays"]["0.W"].update(dtype="|O"),
        "array_spec_extra": lambda h: h["arrays"]["0.W"].update(extra=1),
        "array_unlisted": lambda h: h["arrays"].pop("0.b"),
        "array_missing": lambda h: h["arrays"].update({"9.W": {"shape": [1], "dtype": "<f8"}}),
        "version_huge": lambda h: h.update(format_version=10**100),
        "version_string": lambda h: h.update(format_version="1"),
        "metadata_list": lambda h: h.update(metadata=[]),
        "library_version": lambda h: h.update(library_version=1),
        "header_list": lambda h: h.clear(),
    }


def _crafted_headers(base: Path, folder: Path) -> list[Path]:
    paths = []
    for name, case in _header_cases(base).items():
        out = folder / f"header_{name}.npz"
        if isinstance(case, (str, bytes)):
            paths.append(_with_header_text(base, case, out))
        else:
            header = _header(base)
            case(header)
            paths.append(_with_header(base, header, out))
    return paths


def test_crafted_files_are_refused_with_a_checkpoint_error(bases, tmp_path):
    base = bases["network"]
    files = [*_bombs(base, tmp_path), *_zip_oddities(base, tmp_path)]
    files += _crafted_headers(base, tmp_path)
    results = _load_in_child([(path, "network") for path in files], tmp_path)
    _assert_refused_or_loaded(results, allow_ok=False)
    for path, result in results.items():
        assert path in result["message"]  # every refusal names the file


# -- estimator metadata that does not fit the network ----------------------------------


def _metadata_cases() -> dict[str, object]:
    def state(**changes):
        return lambda h: h["metadata"]["state"].update(changes)

    def params(**changes):
        return lambda h: h["metadata"]["params"].update(changes)

    two_labels = {"extra.classes_": np.array(["a", "b"])}
    return {
        "classes_two": (lambda h: None, two_labels),
        "classes_twice": (lambda h: None, {"extra.classes_": np.array(["a", "a", "b"])}),
        "classes_2d": (lambda h: None, {"extra.classes_": np.array([["a", "b", "c"]])}),
        "y_type_binary": state(y_type="binary"),
        "y_type_unknown": state(y_type="continuous"),
        "y_type_list": state(y_type=["multiclass"]),
        "y_type_multilabel": state(y_type="multilabel-indicator", out_activation_="logistic"),
        "n_features": state(n_features_in_=7),
        "n_features_string": state(n_features_in_="4"),
        "n_outputs": state(n_outputs_=2),
        "n_layers": state(n_layers_=5),
        "n_iter_negative": state(n_iter_=-3),
        "t_huge": state(t_=10**30),
        "loss_curve": state(loss_curve_=["x"]),
        "loss_scale": state(loss_scale=0.25),
        "out_activation": state(out_activation_="identity"),
        "feature_names": (lambda h: None, {"extra.feature_names_in_": np.array(["a", "b"])}),
        "hidden_sizes": params(hidden_layer_sizes=[6]),
        "hidden_sizes_huge": params(hidden_layer_sizes=[10**9]),
        "activation": params(activation="tanh"),
        "activation_unknown": params(activation="swish"),
        "solver": params(solver="sgd"),
        "solver_lbfgs": params(solver="lbfgs"),
        "params_unknown": params(colour="red"),
        "params_list": lambda h: h["metadata"].update(params=[1]),
        "state_missing": lambda h: h["metadata"].pop("state"),
        "estimator_other": lambda h: h["metadata"].update(estimator="MLPRegressor"),
        "loss_other": lambda h: h.update(loss={"type": "MSE", "config": {}}),
        "no_optimizer": lambda h: h.update(optimizer=None),
        # counters: every update uses a sample (step_count <= t_), every epoch adds a loss
        "step_count_above_t": lambda h: h["optimizer"].update(
            step_count=h["metadata"]["state"]["t_"] + 1
        ),
        "n_iter_above_loss_curve": lambda h: h["metadata"]["state"].update(
            n_iter_=len(h["metadata"]["state"]["loss_curve_"]) + 1
        ),
    }


def test_estimator_metadata_that_does_not_fit_the_network_is_refused(bases, tmp_path):
    base = bases["classifier"]
    files = []
    for name, case in _metadata_cases().items():
        change, arrays = case if isinstance(case, tuple) else (case, None)
        header = _header(base)
        change(header)
        if header["optimizer"] is None:  # its arrays go with it
            header["arrays"] = {k: v for k, v in header["arrays"].items() if "optim" not in k}
        files.append(_with_header(base, header, tmp_path / f"{name}.npz", arrays))
        if header["optimizer"] is None:
            members = {k: v for k, v in _members(files[-1]).items() if "optim" not in k}
            _write(files[-1], members)
    results = _load_in_child([(path, "classifier") for path in files], tmp_path)
    _assert_refused_or_loaded(results, allow_ok=False)
    for path, result in results.items():
        assert path in result["message"]
    named = {"step_count_above_t": "optimizer.step_count", "n_iter_above_loss_curve": "n_iter_"}
    for case, field in named.items():
        (message,) = [r["message"] for p, r in results.items() if Path(p).stem == case]
        assert f"{field} = " in message


# -- random damage (hypothesis) ----------------------------------------------------------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([0, 1, -1, 2, 3, 4, 5, 10**6, 2**53, 2**63])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["Linear", "Adam", "binary", "multiclass", "<f8", "<f4", "|O"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=8,
)
_DAMAGE = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 2**31), st.integers(1, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 2**31)),
    st.tuples(st.just("field"), st.integers(0, 2**31), _JSON),
    st.tuples(st.just("field"), st.integers(0, 2**31), _JSON),  # twice as likely
)


def _paths(value, prefix=()):
    """Every path (keys and indices) into the JSON ``value``, the root excluded."""
    if isinstance(value, (dict, list)):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))


def _damage(base: Path, damage: tuple, out: Path) -> Path:
    if damage[0] == "field":
        header = _header(base)
        paths = list(_paths(header))
        *parents, last = paths[damage[1] % len(paths)]
        target = header
        for key in parents:
            target = target[key]
        target[last] = damage[2]
        return _with_header(base, header, out)
    raw = bytearray(base.read_bytes())
    if damage[0] == "flip":
        raw[damage[1] % len(raw)] ^= damage[2]
    else:
        raw = raw[: damage[1] % len(raw)]
    out.write_bytes(bytes(raw))
    return out


# No shrinking: each example is a child process; the failure report names the files.
@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["network", "classifier"]), _DAMAGE), min_size=40, max_size=40
    )
)
def test_randomly_damaged_files_load_or_raise_a_checkpoint_error(bases, tmp_path, damages):
    files = []
    for kind, damage in damages:
        out = tmp_path / f"{uuid.uuid4().hex}.npz"
        files.append((_damage(bases[kind], damage, out), kind))
    results = _load_in_child(files, tmp_path)
    _assert_refused_or_loaded(results, allow_ok=True)
