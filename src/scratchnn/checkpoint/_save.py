"""Writing a checkpoint: the header's parts and the arrays, collected from the model, loss,
optimiser and the caller's extras, then written atomically."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .._io import atomic_write
from .._version import __version__
from ..layers import LAYER_TYPES
from ..losses import LOSS_TYPES, Loss
from ..network import Sequential
from ..optimizers import OPTIMIZER_TYPES, Chain, Optimizer, Schedule
from ._header import FLOAT_DTYPES, FORMAT, FORMAT_VERSION, HEADER_KEY, encode_header, to_json

__all__ = ["save"]

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


def _registered_type(obj: Any, registry: Mapping[str, type], what: str) -> str:
    name = type(obj).__name__
    if registry.get(name) is not type(obj):
        raise ValueError(
            f"{what} type {name} is not registered (known: {', '.join(registry)}), so it "
            "could not be rebuilt on load"
        )
    return name


def _check_arguments(model: Any, loss: Any, optimizer: Any, metadata: Any) -> dict[str, Any]:
    """Type checks of :func:`save`'s arguments; returns the metadata as JSON gives it back."""
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a scratchnn Sequential, got {model!r}")
    if loss is not None and not isinstance(loss, Loss):
        raise TypeError(f"loss must be a scratchnn Loss or None, got {loss!r}")
    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a scratchnn Optimizer or None, got {optimizer!r}")
    if isinstance(optimizer, Chain):
        raise ValueError(
            f"optimizer: {optimizer!r} is a chain(...); only the chain's optimiser can be "
            "saved (its gradient transformations are not part of a checkpoint): pass "
            "optimizer=the_chain.optimizer, and chain the loaded optimiser again to resume"
        )
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping) or not all(isinstance(k, str) for k in metadata):
        raise TypeError(f"metadata must be a dict with str keys, got {metadata!r}")
    return json.loads(to_json(dict(metadata), "metadata"))


def _layer_specs(model: Sequential, entries: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    """The header's ``"layers"``; adds every parameter to ``entries``."""
    layers = []
    for i, layer in enumerate(model.layers):
        name = _registered_type(layer, LAYER_TYPES, f"layers[{i}]")
        config = json.loads(to_json(layer.get_config(), f"layers[{i}].get_config()"))
        for key, value in layer.params.items():
            if value.dtype not in FLOAT_DTYPES:
                raise ValueError(
                    f"parameter {i}.{key} must be float32 or float64, got {value.dtype}"
                )
            entries[f"{i}.{key}"] = value
        layers.append({"type": name, "config": config, "params": list(layer.params)})
    return layers


def _loss_spec(loss: Loss | None) -> dict[str, Any] | None:
    """The header's ``"loss"``."""
    if loss is None:
        return None
    return {
        "type": _registered_type(loss, LOSS_TYPES, "loss"),
        "config": json.loads(to_json(loss.get_config(), "loss.get_config()")),
    }


def _optimizer_spec(
    optimizer: Optimizer | None, model: Sequential, entries: dict[str, np.ndarray]
) -> dict[str, Any] | None:
    """The header's ``"optimizer"``; adds its buffers to ``entries``."""
    if optimizer is None:
        return None
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
    return {
        "type": _registered_type(optimizer, OPTIMIZER_TYPES, "optimizer"),
        "config": json.loads(to_json(optimizer.get_config(), "optimizer.get_config()")),
        "step_count": int(state["step_count"]),
        "buffers": buffers,
    }


def _add_extra_arrays(arrays: Mapping[str, Any] | None, entries: dict[str, np.ndarray]) -> None:
    """Add the caller's ``arrays`` to ``entries`` as ``"extra.<name>"``."""
    if arrays is None:
        return
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
        Its type, configuration and state (step count and buffers); for a
        :func:`scratchnn.optimizers.chain`, pass the chain's ``.optimizer`` (the gradient
        transformations are not saved). A learning-rate schedule must be a
        :class:`scratchnn.optimizers.Schedule` (a plain function cannot be saved).
    metadata : dict, optional
        Any JSON-serialisable dict with str keys (hyperparameters, class labels …),
        returned as ``Checkpoint.metadata``.
    arrays : dict of str to array_like, optional
        Extra arrays (numeric, boolean or unicode; no objects), returned as
        ``Checkpoint.arrays``. Names: letters, digits, ``_``, ``.``, ``-``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        For arguments of the wrong type, or metadata that is not JSON-serialisable.
    ValueError
        For unregistered layer/loss/optimiser types, a :func:`scratchnn.optimizers.chain`
        (save its ``.optimizer`` instead), a plain-callable learning rate, bad array names,
        object arrays, or metadata that makes the header too large or too deeply nested
        (see :mod:`scratchnn.checkpoint`).
    OSError
        When the file cannot be written; the previous file, if any, is left untouched.
    """
    metadata = _check_arguments(model, loss, optimizer, metadata)
    entries: dict[str, np.ndarray] = {}
    layers = _layer_specs(model, entries)
    loss_spec = _loss_spec(loss)
    optimizer_spec = _optimizer_spec(optimizer, model, entries)
    _add_extra_arrays(arrays, entries)
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
    members: dict[str, Any] = {HEADER_KEY: encode_header(header), **entries}
    path = Path(path)
    return atomic_write(path, lambda handle: np.savez(handle, **members))
