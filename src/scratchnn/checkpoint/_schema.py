"""The checkpoint header's schema, checked before anything is built from it: the type of
every field, known layer, loss and optimiser types, integers within :data:`MAX_INT`, finite
numbers, and layers that would allocate no more than the arrays the file holds for them."""

from __future__ import annotations

import inspect
import math
import re
from pathlib import Path
from typing import Any

from ..layers import LAYER_TYPES
from ..losses import LOSS_TYPES
from ..optimizers import OPTIMIZER_TYPES
from ._errors import CheckpointError, short

__all__ = ["MAX_INT", "MAX_NDIM", "check_schema", "declared_elements"]

#: The largest integer a configuration, shape or counter may hold (2**53: exact as a float).
MAX_INT = 2**53
#: The most dimensions an array may declare.
MAX_NDIM = 32
#: Constructor arguments that :func:`scratchnn.checkpoint.save` never writes into a layer's config.
_NOT_SAVED = frozenset({"rng", "weight_init", "bias_init", "dtype", "self"})
_ARRAY_NAME = re.compile(r"^(?:\d+\.[A-Za-z_]\w*|optimizer\.[A-Za-z_]\w*\.\d+|extra\..+)$")


def _fail(path: Path, field: str, message: str) -> CheckpointError:
    return CheckpointError(f"{path}: malformed header: {field} {message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_numbers(value: Any, field: str, path: Path) -> None:
    """Every number in the JSON ``value`` within ±:data:`MAX_INT` and finite."""
    stack = [(value, field)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend((v, f"{where}.{k}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
        elif _is_int(item) and abs(item) > MAX_INT:
            raise _fail(path, where, f"is {item:.3e}, beyond ±2**53")
        elif isinstance(item, float) and not math.isfinite(item):
            raise _fail(path, where, f"must be finite, got {item}")


def _check_spec(spec: Any, field: str, registry: dict[str, type], path: Path) -> dict:
    """A ``{"type": known name, "config": object}`` entry, numbers in range."""
    if not isinstance(spec, dict):
        raise _fail(path, field, f"must be an object, got {type(spec).__name__}")
    kind = spec.get("type")
    if not isinstance(kind, str) or kind not in registry:
        raise _fail(
            path,
            f"{field}.type",
            f"names an unknown type {short(kind)} (known: {', '.join(registry)})",
        )
    if not isinstance(spec.get("config"), dict):
        raise _fail(path, f"{field}.config", "must be an object")
    _check_numbers(spec["config"], f"{field}.config", path)
    return spec


def declared_elements(header: dict, names: list[str]) -> int:
    """The number of elements of the arrays ``names`` as the header declares them."""
    return sum(math.prod(header["arrays"][name]["shape"]) for name in names)


def _check_layer(i: int, spec: Any, header: dict, path: Path) -> None:
    field = f"layers[{i}]"
    spec = _check_spec(spec, field, LAYER_TYPES, path)
    params = spec.get("params")
    if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
        raise _fail(path, f"{field}.params", f"must be a list of names, got {short(params)}")
    if len(set(params)) != len(params):
        raise _fail(path, f"{field}.params", f"lists a name twice: {params}")
    names = [f"{i}.{p}" for p in params]
    missing = [name for name in names if name not in header["arrays"]]
    if missing:
        raise _fail(path, f"{field}.params", f"names arrays the file lacks: {missing}")
    accepted = set(inspect.signature(LAYER_TYPES[spec["type"]]).parameters) - _NOT_SAVED
    for key, value in spec["config"].items():
        if key not in accepted:
            raise _fail(path, f"{field}.config.{key}", f"is not a {spec['type']} setting")
        if isinstance(value, (dict, list)):
            raise _fail(path, f"{field}.config.{key}", "must be a number, string or bool")
    # The constructor allocates from its integer settings (Linear: n_in x n_out weights):
    # they may ask for no more elements than the file holds for the layer.
    sizes = [abs(v) for v in spec["config"].values() if _is_int(v)]
    if sizes and math.prod(sizes) > max(declared_elements(header, names), 1):
        raise _fail(
            path,
            f"{field}.config",
            f"{short(spec['config'])} asks for more parameters than the file holds for the layer "
            f"({declared_elements(header, names)} elements)",
        )


def _check_optimizer(spec: Any, path: Path) -> None:
    spec = _check_spec(spec, "optimizer", OPTIMIZER_TYPES, path)
    step_count = spec.get("step_count")
    if not _is_int(step_count) or not 0 <= step_count <= MAX_INT:
        raise _fail(
            path, "optimizer.step_count", f"must be an int in [0, 2**53], got {short(step_count)}"
        )
    buffers = spec.get("buffers", {})
    if not isinstance(buffers, dict):
        raise _fail(path, "optimizer.buffers", "must be an object")
    for name, count in buffers.items():
        if not _is_int(count) or count < 0:
            raise _fail(
                path, f"optimizer.buffers.{name}", f"must be an int >= 0, got {short(count)}"
            )


def _check_arrays(arrays: dict, path: Path) -> None:
    for name, spec in arrays.items():
        field = f"arrays.{name}"
        if not _ARRAY_NAME.match(name):
            raise _fail(path, "arrays", f"names an unexpected array {short(name)}")
        if not isinstance(spec, dict) or set(spec) != {"shape", "dtype"}:
            raise _fail(path, field, f"must be {{'shape': [...], 'dtype': str}}, got {short(spec)}")
        shape, dtype = spec["shape"], spec["dtype"]
        if not isinstance(shape, list) or len(shape) > MAX_NDIM:
            raise _fail(path, f"{field}.shape", f"must be a list of at most {MAX_NDIM} ints")
        if not all(_is_int(n) and 0 <= n <= MAX_INT for n in shape):
            raise _fail(path, f"{field}.shape", f"must hold ints in [0, 2**53], got {short(shape)}")
        if not isinstance(dtype, str):
            raise _fail(path, f"{field}.dtype", f"must be a string, got {short(dtype)}")


def check_schema(header: dict[str, Any], path: Path) -> None:
    """Check the parts of ``header`` (whose top level :func:`._header.parse_header` checked)
    that the loader builds from.

    Raises
    ------
    CheckpointError
        Naming ``path`` and the field at fault.
    """
    _check_arrays(header["arrays"], path)
    if not header["layers"]:
        raise _fail(path, "layers", "lists no layers: a network needs at least one")
    for i, spec in enumerate(header["layers"]):
        _check_layer(i, spec, header, path)
    if header.get("loss") is not None:
        _check_spec(header["loss"], "loss", LOSS_TYPES, path)
    if header.get("optimizer") is not None:
        _check_optimizer(header["optimizer"], path)
