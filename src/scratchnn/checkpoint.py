"""Save and load networks: one ``.npz`` file of plain arrays plus a JSON header. No pickle.

File format (version 1)
-----------------------
A NumPy ``.npz`` archive (a zip of ``.npy`` files) holding

* ``"__header__"`` — the UTF-8 bytes of a JSON object, as a 1-D ``uint8`` array;
* ``"<layer>.<param>"`` — every parameter under the network's dotted names (``"0.W"``,
  ``"0.b"``, ``"2.W"`` …), in its own dtype (float32 stays float32);
* ``"optimizer.<buffer>.<k>"`` — with ``optimizer=``: its per-parameter buffers
  (e.g. ``"optimizer.first_moments.0"``);
* ``"extra.<name>"`` — with ``arrays=``: any numeric, boolean or string arrays of the caller.

The header::

    {"format": "scratchnn.checkpoint", "format_version": 1, "library_version": "0.1.0",
     "layers": [{"type": "Linear", "config": {"n_in": 64, "n_out": 20, "bias": true},
                 "params": ["W", "b"]}, {"type": "Logistic", "config": {}, "params": []}, ...],
     "loss": {"type": "CategoricalCrossEntropy", "config": {"reduction": "mean"}} | null,
     "optimizer": {"type": "Adam", "config": {...}, "step_count": 430,
                   "buffers": {"first_moments": 6, "second_moments": 6}} | null,
     "metadata": {...},
     "arrays": {"0.W": {"shape": [64, 20], "dtype": "<f8"}, ...}}

``"arrays"`` describes every array entry except the header; a file whose arrays do not match
it exactly (names, shapes, dtypes) is refused.

Loading never unpickles (``np.load(..., allow_pickle=False)``) and refuses, with a
``ValueError`` naming the problem: a file that is not a zip archive (truncated, or not an
``.npz``), a corrupt member, an entry holding Python objects, a missing or malformed header,
an unknown layer, loss or optimiser type, and arrays that do not fit the header.

Saving is atomic: the archive is written to a temporary file in the destination folder,
flushed to disk (``fsync``) and renamed over the destination (``os.replace``), so an
interrupted save leaves the previous file intact.

Example
-------
>>> import numpy as np, tempfile, os
>>> from scratchnn import Sequential, Linear, Softmax, save, load
>>> net = Sequential([Linear(4, 3, rng=0), Softmax()])
>>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
>>> _ = save(net, path, metadata={"classes": ["a", "b", "c"]})
>>> x = np.ones((2, 4))
>>> bool(np.array_equal(load(path).predict(x), net.predict(x)))
True
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ._io import atomic_write
from ._version import __version__
from .layers import LAYER_TYPES, Layer
from .losses import LOSS_TYPES, Loss
from .network import Sequential
from .optimizers import OPTIMIZER_TYPES, Optimizer, Schedule, optimizer_from_config

__all__ = ["save", "load", "load_checkpoint", "Checkpoint", "FORMAT", "FORMAT_VERSION"]

FORMAT = "scratchnn.checkpoint"
FORMAT_VERSION = 1
HEADER_KEY = "__header__"
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


@dataclass
class Checkpoint:
    """Everything :func:`load_checkpoint` read from a file.

    Attributes
    ----------
    model : Sequential
        The network, parameters bit-identical to those saved.
    loss : Loss or None
        Rebuilt from its configuration when one was saved.
    optimizer : Optimizer or None
        Rebuilt with its state (step count and buffers) when one was saved; training can
        continue from it.
    metadata : dict
        The caller's JSON metadata (``{}`` when none was saved). JSON has no tuples, so
        tuples come back as lists.
    arrays : dict of str to ndarray
        The caller's extra arrays, by the names given to :func:`save`.
    library_version : str
        scratchnn version that wrote the file.
    header : dict
        The whole parsed header.
    """

    model: Sequential
    loss: Loss | None = None
    optimizer: Optimizer | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    library_version: str = ""
    header: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# save
# ---------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _to_json(value: Any, name: str) -> str:
    try:
        return json.dumps(value, default=_json_default, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be JSON-serialisable (str keys; str, finite numbers, bools, None, "
            f"lists, dicts): {exc}"
        ) from None


def _registered_type(obj: Any, registry: Mapping[str, type], what: str) -> str:
    name = type(obj).__name__
    if registry.get(name) is not type(obj):
        raise ValueError(
            f"{what} type {name} is not registered (known: {', '.join(registry)}), so it "
            "could not be rebuilt on load"
        )
    return name


def save(
    model: Sequential,
    path: str | os.PathLike,
    *,
    loss: Loss | None = None,
    optimizer: Optimizer | None = None,
    metadata: Mapping[str, Any] | None = None,
    arrays: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``model`` (and optionally its loss, optimiser, metadata and arrays) to ``path``.

    Parameters
    ----------
    model : Sequential
        Every layer must be a registered type (:data:`scratchnn.layers.LAYER_TYPES`).
    path : str or path-like
        Written exactly as given (no suffix is added); the folder must exist. An existing
        file is replaced atomically.
    loss : Loss, optional
        Its type and configuration are saved.
    optimizer : Optimizer, optional
        Its type, configuration and state (step count and buffers). A learning-rate
        schedule must be a :class:`scratchnn.optimizers.Schedule` (a plain function cannot
        be saved).
    metadata : dict, optional
        Any JSON-serialisable dict with str keys (hyperparameters, class labels …),
        returned as :attr:`Checkpoint.metadata`.
    arrays : dict of str to array_like, optional
        Extra arrays (numeric, boolean or unicode; no objects), returned as
        :attr:`Checkpoint.arrays`. Names: letters, digits, ``_``, ``.``, ``-``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        For arguments of the wrong type, or metadata that is not JSON-serialisable.
    ValueError
        For unregistered layer/loss/optimiser types, a plain-callable learning rate, bad
        array names or object arrays.
    OSError
        When the file cannot be written; the previous file, if any, is left untouched.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a scratchnn Sequential, got {model!r}")
    if loss is not None and not isinstance(loss, Loss):
        raise TypeError(f"loss must be a scratchnn Loss or None, got {loss!r}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a scratchnn Optimizer or None, got {optimizer!r}")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping) or not all(isinstance(k, str) for k in metadata):
        raise TypeError(f"metadata must be a dict with str keys, got {metadata!r}")
    metadata = json.loads(_to_json(dict(metadata), "metadata"))

    entries: dict[str, np.ndarray] = {}
    layers = []
    for i, layer in enumerate(model.layers):
        name = _registered_type(layer, LAYER_TYPES, f"layers[{i}]")
        config = json.loads(_to_json(layer.get_config(), f"layers[{i}].get_config()"))
        for key, value in layer.params.items():
            if value.dtype not in _FLOAT_DTYPES:
                raise ValueError(
                    f"parameter {i}.{key} must be float32 or float64, got {value.dtype}"
                )
            entries[f"{i}.{key}"] = value
        layers.append({"type": name, "config": config, "params": list(layer.params)})

    loss_spec = None
    if loss is not None:
        loss_spec = {
            "type": _registered_type(loss, LOSS_TYPES, "loss"),
            "config": json.loads(_to_json(loss.get_config(), "loss.get_config()")),
        }

    optimizer_spec = None
    if optimizer is not None:
        lr = optimizer.learning_rate
        if callable(lr) and not isinstance(lr, Schedule):
            raise ValueError(
                f"optimizer: the learning rate {lr!r} is a plain callable and cannot be saved; "
                "use a scratchnn.optimizers.Schedule (e.g. ExponentialDecay) or a number"
            )
        state = optimizer.get_state()
        shapes = [p.shape for p in model.parameters()]
        buffers = {}
        for buffer_name, values in state["buffers"].items():
            if values and [v.shape for v in values] != shapes:
                raise ValueError(
                    f"optimizer: its state ({buffer_name}) was created for other parameters "
                    "than the model's; save the optimiser that trains this model"
                )
            buffers[buffer_name] = len(values)
            for k, value in enumerate(values):
                entries[f"optimizer.{buffer_name}.{k}"] = value
        optimizer_spec = {
            "type": _registered_type(optimizer, OPTIMIZER_TYPES, "optimizer"),
            "config": json.loads(_to_json(optimizer.get_config(), "optimizer.get_config()")),
            "step_count": int(state["step_count"]),
            "buffers": buffers,
        }

    if arrays is not None:
        if not isinstance(arrays, Mapping):
            raise TypeError(f"arrays must be a dict of name to array, got {type(arrays)}")
        for key, value in arrays.items():
            if not isinstance(key, str) or not _NAME.match(key):
                raise ValueError(
                    f"arrays: name {key!r} must be letters, digits, '_', '.', '-' (not starting "
                    "with '.' or '-')"
                )
            value = np.asarray(value)
            if value.dtype.kind not in "biufUS":
                raise ValueError(
                    f"arrays[{key!r}] must be numeric, boolean or string, got dtype {value.dtype}"
                )
            entries[f"extra.{key}"] = value

    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "layers": layers,
        "loss": loss_spec,
        "optimizer": optimizer_spec,
        "metadata": metadata,
        "arrays": {
            key: {"shape": list(value.shape), "dtype": value.dtype.str}
            for key, value in entries.items()
        },
    }
    header_bytes = _to_json(header, "header").encode("utf-8")
    entries = {HEADER_KEY: np.frombuffer(header_bytes, dtype=np.uint8), **entries}
    path = Path(path)
    return atomic_write(path, lambda handle: np.savez(handle, **entries))


# ---------------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------------


def _read_entries(path: Path) -> dict[str, np.ndarray]:
    """Every array in the archive, read eagerly, without unpickling."""
    with open(path, "rb") as f:
        if not zipfile.is_zipfile(f):
            raise ValueError(
                f"{path} is not a scratchnn checkpoint: not a zip (.npz) archive, "
                "or the file is truncated"
            )
        f.seek(0)
        try:
            archive = np.load(f, allow_pickle=False)
        except Exception as exc:
            raise ValueError(f"{path} is not a readable .npz archive: {exc}") from exc
        if not isinstance(archive, np.lib.npyio.NpzFile):  # pragma: no cover - zip checked
            raise ValueError(f"{path} is not an .npz archive")
        entries: dict[str, np.ndarray] = {}
        with archive:
            for key in archive.files:
                try:
                    value = archive[key]
                except ValueError as exc:
                    if "allow_pickle" in str(exc):
                        raise ValueError(
                            f"{path}: entry {key!r} holds Python objects (pickled data); "
                            "checkpoints hold plain arrays only, refusing to load it"
                        ) from None
                    raise ValueError(f"{path}: entry {key!r} is corrupt: {exc}") from exc
                except Exception as exc:
                    raise ValueError(f"{path}: entry {key!r} is corrupt: {exc}") from exc
                if not isinstance(value, np.ndarray):
                    raise ValueError(f"{path}: entry {key!r} is not a NumPy array")
                entries[key] = value
    return entries


def _parse_header(entries: dict[str, np.ndarray], path: Path) -> dict[str, Any]:
    raw = entries.pop(HEADER_KEY, None)
    if raw is None:
        raise ValueError(
            f"{path} has no {HEADER_KEY!r} entry: not a checkpoint written by scratchnn.save"
        )
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ValueError(
            f"{path}: malformed header (expected 1-D uint8 bytes, got {raw.dtype} {raw.shape})"
        )
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: malformed header (not UTF-8 JSON: {exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(f"{path}: malformed header (not a {FORMAT!r} header)")
    version = header.get("format_version")
    valid = isinstance(version, int) and not isinstance(version, bool)
    if not valid or not 1 <= version <= FORMAT_VERSION:
        raise ValueError(
            f"{path}: unsupported checkpoint format_version {version!r} "
            f"(this scratchnn reads 1 to {FORMAT_VERSION})"
        )
    expected = {
        "library_version": str,
        "layers": list,
        "arrays": dict,
        "metadata": dict,
    }
    for key, kind in expected.items():
        if not isinstance(header.get(key), kind):
            raise ValueError(
                f"{path}: malformed header ({key!r} must be a {kind.__name__}, "
                f"got {header.get(key)!r})"
            )
    for key in ("loss", "optimizer"):
        if header.get(key) is not None and not isinstance(header[key], dict):
            raise ValueError(f"{path}: malformed header ({key!r} must be an object or null)")
    return header


def _check_arrays(entries: dict[str, np.ndarray], header: dict, path: Path) -> None:
    described = header["arrays"]
    missing = sorted(set(described) - set(entries))
    unexpected = sorted(set(entries) - set(described))
    if missing:
        raise ValueError(f"{path}: arrays named in the header are missing: {missing}")
    if unexpected:
        raise ValueError(f"{path}: arrays not described by the header: {unexpected}")
    for key, spec in described.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("shape"), list):
            raise ValueError(f"{path}: malformed header entry for array {key!r}: {spec!r}")
        value = entries[key]
        if list(value.shape) != spec["shape"] or value.dtype.str != spec.get("dtype"):
            raise ValueError(
                f"{path}: array {key!r} has shape {value.shape} and dtype {value.dtype.str}, "
                f"but the header says {tuple(spec['shape'])} and {spec.get('dtype')}"
            )
        if not key.startswith("extra.") and value.dtype not in _FLOAT_DTYPES:
            raise ValueError(f"{path}: array {key!r} must be float32 or float64, got {value.dtype}")


def _build(cls: type, config: Any, what: str, path: Path) -> Any:
    if not isinstance(config, dict):
        raise ValueError(f"{path}: {what} config must be an object, got {config!r}")
    try:
        return cls(**config)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: bad configuration for {what}: {exc}") from None


def _build_model(entries: dict[str, np.ndarray], header: dict, path: Path) -> Sequential:
    layers: list[Layer] = []
    if not header["layers"]:
        raise ValueError(f"{path}: the header lists no layers")
    for i, spec in enumerate(header["layers"]):
        if not isinstance(spec, dict) or not isinstance(spec.get("params"), list):
            raise ValueError(f"{path}: malformed header entry for layer {i}: {spec!r}")
        cls = LAYER_TYPES.get(spec.get("type"))
        if cls is None:
            raise ValueError(
                f"{path}: unknown layer type {spec.get('type')!r} for layer {i} "
                f"(known: {', '.join(LAYER_TYPES)})"
            )
        layer = _build(cls, spec.get("config"), f"layer {i} ({spec['type']})", path)
        if sorted(spec["params"]) != sorted(layer.params):
            raise ValueError(
                f"{path}: layer {i} ({spec['type']}) has parameters {list(layer.params)}, "
                f"the header lists {spec['params']}"
            )
        for name in layer.params:
            key = f"{i}.{name}"
            if key not in entries:
                raise ValueError(f"{path}: array {key!r} of layer {i} is missing")
            value = entries[key]
            if value.shape != layer.params[name].shape:
                raise ValueError(
                    f"{path}: array {key!r} has shape {value.shape}, but layer {i} "
                    f"({spec['type']} {spec.get('config')}) needs {layer.params[name].shape}"
                )
            layer.params[name] = np.array(value, copy=True)
            layer.grads[name] = np.zeros_like(layer.params[name])
        layers.append(layer)
    model = Sequential(layers)
    expected = {key for key, _ in model.named_parameters()}
    stray = sorted(
        k for k in entries if k not in expected and not k.startswith(("optimizer.", "extra."))
    )
    if stray:
        raise ValueError(f"{path}: arrays that belong to no layer: {stray}")
    return model


def _build_optimizer(
    entries: dict[str, np.ndarray], spec: dict, model: Sequential, path: Path
) -> Optimizer:
    try:
        optimizer = optimizer_from_config(spec.get("type"), spec.get("config"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: cannot rebuild the optimiser: {exc}") from None
    step_count, counts = spec.get("step_count"), spec.get("buffers", {})
    if not isinstance(step_count, int) or isinstance(step_count, bool) or step_count < 0:
        raise ValueError(f"{path}: optimiser step_count must be an int >= 0, got {step_count!r}")
    if not isinstance(counts, dict):
        raise ValueError(f"{path}: optimiser buffers must be an object, got {counts!r}")
    params = model.parameters()
    buffers = {}
    for name, count in counts.items():
        if not isinstance(count, int) or count not in (0, len(params)):
            raise ValueError(
                f"{path}: optimiser buffer {name!r} needs {len(params)} arrays, "
                f"header says {count!r}"
            )
        values = []
        for k in range(count):
            key = f"optimizer.{name}.{k}"
            if key not in entries:
                raise ValueError(f"{path}: array {key!r} is missing")
            if entries[key].shape != params[k].shape:
                raise ValueError(
                    f"{path}: array {key!r} has shape {entries[key].shape}, but parameter {k} "
                    f"has shape {params[k].shape}"
                )
            values.append(entries[key])
        buffers[name] = values
    stray = sorted(
        k for k in entries
        if k.startswith("optimizer.") and k.split(".")[1] not in buffers
    )
    if stray:
        raise ValueError(f"{path}: optimiser arrays not described by the header: {stray}")
    try:
        optimizer.set_state(step_count, buffers)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: bad optimiser state: {exc}") from None
    return optimizer


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read a file written by :func:`save`: model, loss, optimiser, metadata and arrays.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Checkpoint

    Raises
    ------
    OSError
        When the file cannot be opened (e.g. ``FileNotFoundError``).
    ValueError
        When the file is not a valid checkpoint (see the module docs); the message names
        the file and what is wrong.

    Notes
    -----
    Layers are rebuilt from their type and configuration; a rebuilt ``Dropout`` draws its
    masks from a fresh ``numpy.random.default_rng()`` (set ``layer.rng`` to reproduce).
    """
    path = Path(path)
    entries = _read_entries(path)
    header = _parse_header(entries, path)
    _check_arrays(entries, header, path)
    model = _build_model(entries, header, path)

    loss = None
    if header.get("loss") is not None:
        spec = header["loss"]
        cls = LOSS_TYPES.get(spec.get("type"))
        if cls is None:
            raise ValueError(
                f"{path}: unknown loss type {spec.get('type')!r} (known: {', '.join(LOSS_TYPES)})"
            )
        loss = _build(cls, spec.get("config"), f"loss ({spec['type']})", path)

    optimizer = None
    if header.get("optimizer") is not None:
        optimizer = _build_optimizer(entries, header["optimizer"], model, path)
    elif any(k.startswith("optimizer.") for k in entries):
        raise ValueError(f"{path}: optimiser arrays present but no optimiser in the header")

    extras = {k[len("extra."):]: v for k, v in entries.items() if k.startswith("extra.")}
    return Checkpoint(
        model=model,
        loss=loss,
        optimizer=optimizer,
        metadata=header["metadata"],
        arrays=extras,
        library_version=header["library_version"],
        header=header,
    )


def load(path: str | os.PathLike) -> Sequential:
    """Read the network saved by :func:`save` at ``path`` (see :func:`load_checkpoint` for
    the loss, optimiser and metadata).

    Raises
    ------
    OSError
        When the file cannot be opened.
    ValueError
        When it is not a valid checkpoint.
    """
    return load_checkpoint(path).model
