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
import sys
import scratchnn.interop, scratchnn.interop.torch_layers
print(sorted(m for m in ("torch", "onnx", "onnxruntime") if m in sys.modules))
"""


def test_importing_the_package_imports_no_extra():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["[]"]


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
