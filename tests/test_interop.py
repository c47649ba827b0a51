"""``scratchnn.interop`` without its extras: importing it imports neither PyTorch nor onnx,
and each function says which extra to install when its package is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scratchnn import Linear, Sequential
from scratchnn.interop import from_torch, to_onnx, to_torch

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import importlib, pkgutil, sys

class Missing:  # the extras made unimportable, as in an install without them
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "onnx", "onnxruntime"):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, Missing())
import scratchnn.interop
names = [m.name for m in pkgutil.walk_packages(scratchnn.interop.__path__, "scratchnn.interop.")]
for name in names:
    importlib.import_module(name)
print(len(names), sorted(m for m in ("torch", "onnx", "onnxruntime") if m in sys.modules))
"""


def test_every_module_imports_without_the_extras():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["5", "[]"]  # _extras, _onnx, _onnx_graph, _torch, torch_layers


def _pin(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(line.strip() for line in lines if line.startswith("torch"))


def test_the_torch_pin_is_the_same_everywhere():
    """make test's constraints and make bench's requirements pin one torch (its CPU build
    is the one the machines hold)."""
    root = SRC.parent
    assert _pin(root / "constraints.txt") == _pin(root / "benchmarks" / "requirements.txt")
    assert _pin(root / "constraints.txt").startswith("torch==")


@pytest.mark.parametrize(
    "call, missing, extra",
    [
        (lambda: to_torch(Sequential([Linear(2, 2, rng=0)])), "torch", "torch"),
        (lambda: from_torch(object()), "torch", "torch"),
        (lambda: to_onnx(Sequential([Linear(2, 2, rng=0)]), "net.onnx"), "onnx", "onnx"),
    ],
)
def test_a_missing_extra_is_named(call, missing, extra, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, missing, None)  # import fails as if not installed
    with pytest.raises(ImportError) as error:
        call()
    assert f"scratchnn[{extra}]" in str(error.value)
    assert not list(tmp_path.iterdir())  # no file written


def test_torch_layers_has_only_its_three_modules():
    import scratchnn.interop.torch_layers as torch_layers

    assert torch_layers.__all__ == ["Bias", "Exp", "GaussianRBF"]
    with pytest.raises(AttributeError, match="Conv2d"):
        torch_layers.Conv2d
