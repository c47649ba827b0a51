"""House rules checked on every run: small modules, short functions, imports only downwards."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "scratchnn"
#: The package, and the benchmarks and examples that ship beside it.
MODULES = sorted(
    [*SRC.rglob("*.py"), *(ROOT / "benchmarks").glob("*.py"), *(ROOT / "examples").glob("*.py")]
)

#: The ground: what it may never import (everything above it).
GROUND = [
    "layers", "losses", "optimizers", "optimizer_base", "optimizer_state", "composition",
    "schedules", "regularization",
    "initializers", "datasets", "_validation", "_blas", "_io", "_version", "_sparse",
]  # fmt: skip
ABOVE_GROUND = {"network", "training", "executor", "gradcheck", "estimators", "tutorial",
                "exercises", "cli", "checkpoint", "report", "interop"}  # fmt: skip


def _name(path: Path) -> str:
    return str(path.relative_to(SRC.parent if path.is_relative_to(SRC) else ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_at_most_400_lines(path):
    n = path.read_text(encoding="utf-8").count("\n") + 1
    assert n <= 400, f"{_name(path)} has {n} lines (a module holds one concept; 400 at most)"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_functions_are_at_most_80_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno - node.lineno + 1 > 80
    ]
    assert not long, f"{_name(path)}: {long} (80 at most)"


@pytest.mark.parametrize("module", GROUND)
def test_ground_imports_nothing_above_it(module):
    path = SRC / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            top = (node.module or "").split(".")[0]
            imported |= {top} if top else {alias.name for alias in node.names}
    assert not imported & ABOVE_GROUND, f"{module} imports {imported & ABOVE_GROUND}"
