"""Loading a checkpoint: rebuilding the model, loss and optimiser (with its state) from the
checked header and arrays."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..layers import LAYER_TYPES, Layer
from ..losses import LOSS_TYPES, Loss
from ..network import Sequential
from ..optimizers import Optimizer, optimizer_from_config
from ._errors import CheckpointError
from ._header import HEADER_KEY, check_header_entry, parse_header
from ._read import DEFAULT_MAX_BYTES, Archive, check_arrays
from ._schema import check_schema

__all__ = ["Checkpoint", "load_checkpoint", "load"]


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


def _build(cls: type, config: Any, what: str, path: Path) -> Any:
    if not isinstance(config, dict):
        raise CheckpointError(f"{path}: {what} config must be an object, got {config!r}")
    try:
        return cls(**config)
    except Exception as exc:
        raise CheckpointError(f"{path}: bad configuration for {what}: {exc}") from None


def _build_layer(i: int, spec: Any, entries: dict[str, np.ndarray], path: Path) -> Layer:
    """Layer ``i`` from its header entry, with its parameters copied from ``entries``."""
    if not isinstance(spec, dict) or not isinstance(spec.get("params"), list):
        raise CheckpointError(f"{path}: malformed header entry for layer {i}: {spec!r}")
    kind: Any = spec.get("type")  # from the file: looked up, not trusted
    cls = LAYER_TYPES.get(kind)
    if cls is None:
        raise CheckpointError(
            f"{path}: unknown layer type {spec.get('type')!r} for layer {i} "
            f"(known: {', '.join(LAYER_TYPES)})"
        )
    layer = _build(cls, spec.get("config"), f"layer {i} ({spec['type']})", path)
    if sorted(spec["params"]) != sorted(layer.params):
        raise CheckpointError(
            f"{path}: layer {i} ({spec['type']}) has parameters {list(layer.params)}, "
            f"the header lists {spec['params']}"
        )
    for name in layer.params:
        key = f"{i}.{name}"
        if key not in entries:
            raise CheckpointError(f"{path}: array {key!r} of layer {i} is missing")
        value = entries[key]
        if value.shape != layer.params[name].shape:
            raise CheckpointError(
                f"{path}: array {key!r} has shape {value.shape}, but layer {i} "
                f"({spec['type']} {spec.get('config')}) needs {layer.params[name].shape}"
            )
        layer.params[name] = value  # read from the file: a fresh array
        layer.grads[name] = np.zeros_like(layer.params[name])
    return layer


def _build_model(entries: dict[str, np.ndarray], header: dict, path: Path) -> Sequential:
    if not header["layers"]:
        raise CheckpointError(f"{path}: the header lists no layers")
    layers = [_build_layer(i, spec, entries, path) for i, spec in enumerate(header["layers"])]
    model = Sequential(layers)
    expected = {key for key, _ in model.named_parameters()}
    stray = sorted(
        k for k in entries if k not in expected and not k.startswith(("optimizer.", "extra."))
    )
    if stray:
        raise CheckpointError(f"{path}: arrays that belong to no layer: {stray}")
    return model


def _build_loss(header: dict, path: Path) -> Loss | None:
    if header.get("loss") is None:
        return None
    spec = header["loss"]
    cls = LOSS_TYPES.get(spec.get("type"))
    if cls is None:
        raise CheckpointError(
            f"{path}: unknown loss type {spec.get('type')!r} (known: {', '.join(LOSS_TYPES)})"
        )
    return _build(cls, spec.get("config"), f"loss ({spec['type']})", path)


def _optimizer_buffers(
    entries: dict[str, np.ndarray], counts: dict, model: Sequential, path: Path
) -> dict[str, list[np.ndarray]]:
    """The buffers the header's ``counts`` describe, checked against the parameters."""
    params = model.parameters()
    buffers = {}
    for name, count in counts.items():
        if isinstance(count, bool) or not isinstance(count, int) or count not in (0, len(params)):
            raise CheckpointError(
                f"{path}: optimiser buffer {name!r} needs {len(params)} arrays, "
                f"header says {count!r}"
            )
        values = []
        for k in range(count):
            key = f"optimizer.{name}.{k}"
            if key not in entries:
                raise CheckpointError(f"{path}: array {key!r} is missing")
            if (entries[key].shape, entries[key].dtype) != (params[k].shape, params[k].dtype):
                raise CheckpointError(
                    f"{path}: array {key!r} has shape {entries[key].shape} and dtype "
                    f"{entries[key].dtype}, but parameter {k} has shape {params[k].shape} and dtype "
                    f"{params[k].dtype}"
                )
            values.append(entries[key])
        buffers[name] = values
    return buffers


def _build_optimizer(
    entries: dict[str, np.ndarray], spec: Any, model: Sequential, path: Path
) -> Optimizer:
    try:
        optimizer = optimizer_from_config(spec.get("type"), spec.get("config"))
    except Exception as exc:
        raise CheckpointError(f"{path}: cannot rebuild the optimiser: {exc}") from None
    step_count, counts = spec.get("step_count"), spec.get("buffers", {})
    if not isinstance(step_count, int) or isinstance(step_count, bool) or step_count < 0:
        raise CheckpointError(
            f"{path}: optimiser step_count must be an int >= 0, got {step_count!r}"
        )
    if not isinstance(counts, dict):
        raise CheckpointError(f"{path}: optimiser buffers must be an object, got {counts!r}")
    buffers = _optimizer_buffers(entries, counts, model, path)
    stray = sorted(
        k for k in entries if k.startswith("optimizer.") and k.split(".")[1] not in buffers
    )
    if stray:
        raise CheckpointError(f"{path}: optimiser arrays not described by the header: {stray}")
    try:
        optimizer.set_state(step_count, buffers)
    except Exception as exc:
        raise CheckpointError(f"{path}: bad optimiser state: {exc}") from None
    return optimizer


def load_checkpoint(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Checkpoint:
    """Read a file written by :func:`save`: model, loss, optimiser, metadata and arrays.

    Parameters
    ----------
    path : str or path-like
    max_bytes : int, default 2**30 (1 GiB)
        The most bytes the file's arrays may declare in all, checked before any is read.
        The model built from them holds its parameters once more as gradients (and the
        optimiser copies its buffers), so loading needs about twice the arrays' size.

    Returns
    -------
    Checkpoint

    Raises
    ------
    OSError
        When the file cannot be opened (e.g. ``FileNotFoundError``).
    CheckpointError
        A ``ValueError``, for every file that is not a valid checkpoint or exceeds the
        bounds (see :mod:`scratchnn.checkpoint`); the message names the file and the field
        or array at fault.
    MemoryError
        Only when the machine lacks the memory for a file within ``max_bytes``.

    Notes
    -----
    Layers are rebuilt from their type and configuration; a rebuilt ``Dropout`` draws its
    masks from a fresh ``numpy.random.default_rng()`` (set ``layer.rng`` to reproduce).
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
        raise TypeError(f"max_bytes must be an int >= 0, got {max_bytes!r}")
    path = Path(path)
    with open(path, "rb") as handle:
        try:
            return _read_checkpoint(path, handle, max_bytes)
        except (CheckpointError, MemoryError):  # running out of memory is no file's fault
            raise
        except Exception as exc:  # a safety net: every failure is a CheckpointError
            raise CheckpointError(
                f"{path}: unreadable checkpoint ({type(exc).__name__}: {exc})"
            ) from exc


def _read_checkpoint(path: Path, handle: Any, max_bytes: int) -> Checkpoint:
    with Archive(path, handle, max_bytes) as archive:
        members = dict(archive.members)
        entry = members.pop(HEADER_KEY, None)
        check_header_entry(None if entry is None else (entry.shape, entry.dtype), path)
        header = parse_header(archive.read(HEADER_KEY).tobytes(), path)
        check_arrays(members, header, path)
        check_schema(header, path)
        entries = {key: archive.read(key) for key in members}
    model = _build_model(entries, header, path)
    loss = _build_loss(header, path)
    optimizer = None
    if header.get("optimizer") is not None:
        optimizer = _build_optimizer(entries, header["optimizer"], model, path)
    elif any(k.startswith("optimizer.") for k in entries):
        raise CheckpointError(f"{path}: optimiser arrays present but no optimiser in the header")

    extras = {k[len("extra.") :]: v for k, v in entries.items() if k.startswith("extra.")}
    return Checkpoint(
        model=model,
        loss=loss,
        optimizer=optimizer,
        metadata=header["metadata"],
        arrays=extras,
        library_version=header["library_version"],
        header=header,
    )


def load(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Sequential:
    """Read the network saved by :func:`save` at ``path`` (see :func:`load_checkpoint` for
    the loss, optimiser, metadata and ``max_bytes``).

    Raises
    ------
    OSError
        When the file cannot be opened.
    CheckpointError
        A ``ValueError``, when it is not a valid checkpoint or exceeds the bounds.
    """
    return load_checkpoint(path, max_bytes=max_bytes).model
