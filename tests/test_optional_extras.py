"""The core package needs none of the optional extras: with Dask, distributed and Zarr made
unimportable, scratchnn, its estimators, the command line and the streaming helper import
and train."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import sys

class Missing:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("dask", "distributed", "zarr"):
            raise ModuleNotFoundError(f"No module named {name!r}")

sys.meta_path.insert(0, Missing())
import numpy as np
import scratchnn, scratchnn.cli, scratchnn.estimators
from scratchnn.scaling import partial_fit_chunks

X = np.random.default_rng(0).standard_normal((60, 3))
clf = partial_fit_chunks(
    scratchnn.estimators.MLPClassifier((4,), random_state=0),
    X, (X[:, 0] > 0).astype(int), classes=[0, 1], chunk_rows=20,
)
print(len(clf.loss_curve_), sorted(m for m in ("dask", "distributed", "zarr") if m in sys.modules))
"""


def test_the_core_imports_and_trains_without_the_dask_extra():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["3", "[]"]
