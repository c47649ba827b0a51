"""The CLI's command registry: every part in series order, imported without a cycle."""

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import scratchnn.cli
import scratchnn.tutorial
from scratchnn.cli import COMMANDS, build_parser
from scratchnn.cli._registry import PARTS

SERIES = ["logistic", "part1", "part2", "part3", "softmax", "part4", "part5"]
CLI_DIR = Path(scratchnn.cli.__file__).parent


def _subcommand_names(parser):
    (subparsers,) = [a for a in parser._actions if a.dest == "command"]
    return list(subparsers.choices)


def test_registry_lists_every_part_in_series_order():
    assert list(PARTS) == COMMANDS == SERIES
    for name, module in PARTS.items():
        assert module.__name__ == f"scratchnn.cli.{name}"
        assert isinstance(module.HELP, str) and module.HELP
        assert callable(module.register) and callable(module.run)


def test_every_tutorial_part_has_a_subcommand():
    tutorial_parts = {
        info.name
        for info in pkgutil.iter_modules(scratchnn.tutorial.__path__)
        if not info.name.startswith("_")
    }
    parts_with_run = {
        name
        for name in tutorial_parts
        if hasattr(importlib.import_module(f"scratchnn.tutorial.{name}"), "run")
    }
    assert parts_with_run == set(SERIES)


def test_parser_offers_the_parts_in_order_then_all_report_and_the_exercises():
    parser, modules = build_parser()
    expected = [*SERIES, "all", "report", "exercises", "check"]
    assert _subcommand_names(parser) == expected == list(modules)
    assert modules["all"] is scratchnn.cli.all_parts
    assert modules["exercises"] is scratchnn.cli.exercises
    assert modules["check"] is scratchnn.cli.check


def _imports(path: Path):
    """(module, names, level) of every import statement in the file."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, [], 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", [alias.name for alias in node.names], node.level


def test_cli_uses_no_importlib():
    for path in sorted(CLI_DIR.glob("*.py")):
        assert "importlib" not in path.read_text(), path.name
        assert all("importlib" not in module for module, _, _ in _imports(path)), path.name


def test_no_cli_submodule_imports_the_cli_package():
    """Only ``cli/__init__.py`` builds on the others; they never import it back."""
    submodules = {p.stem for p in CLI_DIR.glob("*.py")} - {"__init__"}
    for path in sorted(CLI_DIR.glob("*.py")):
        if path.stem == "__init__":
            continue
        for module, names, level in _imports(path):
            assert not module.startswith("scratchnn.cli"), (path.name, module)
            if level == 1 and module == "":  # `from . import x`: x must be a sibling module
                assert set(names) <= submodules, (path.name, names)
            if level == 2 and module == "":  # `from .. import x`: never the cli package
                assert "cli" not in names, path.name


def test_importing_cli_all_parts_first_works_in_a_fresh_interpreter():
    code = (
        "import scratchnn.cli.all_parts as a, sys\n"
        "assert list(a.PARTS) == sys.modules['scratchnn.cli._registry'].COMMANDS\n"
        "print(' '.join(a.PARTS))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == SERIES
