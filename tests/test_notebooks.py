"""The notebooks in ``notebooks/``: one per part of the series, stored clean, run top to bottom.

Each notebook ends with its part's exercises ("Your turn": a prompt, a stub and a check per
exercise, cells marked ``metadata.scratchnn``, written by ``tests/your_turn.py``). Run as
stored, every untouched stub's check prints "not attempted yet"; the section alone (it is
self-contained: it imports what it uses), with every stub replaced by the exercise's
solution, runs in a kernel of its own and every check passes.

Each notebook is executed with nbclient in a fresh kernel that runs this interpreter (a
kernel spec written for ``sys.executable``, not whatever ``python3`` spec is installed) and
imports scratchnn from this checkout's ``src`` (``PYTHONPATH``), in a temporary working
directory. A cell that raises fails the test with the cell's source and the error.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipywidgets")

from ipykernel.kernelspec import write_kernel_spec  # noqa: E402
from jupyter_client import AsyncKernelManager  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from nbclient.exceptions import CellExecutionError, CellTimeoutError  # noqa: E402

import your_turn  # noqa: E402
from scratchnn.exercises import EXERCISES  # noqa: E402
from scratchnn.tutorial.series import SERIES  # noqa: E402

# slow: every notebook runs top to bottom in a Jupyter kernel
# kernels: Jupyter kernels, run in a pytest of their own (see the marker in pyproject.toml)
pytestmark = [pytest.mark.slow, pytest.mark.kernels]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SRC = ROOT / "src"
#: Parts whose notebook has a learning-rate slider that redraws the gradient-descent figure.
INTERACTIVE = ("part1", "part2")
#: Seconds a single cell may take (the notebooks are meant to run in a few seconds).
CELL_TIMEOUT = 120
#: Notebooks executed at the same time (each in its own kernel process).
PARALLEL = 2
KERNEL_NAME = "scratchnn-test-python"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

NAMES = sorted({p.name for p in SERIES} | {p.stem for p in NOTEBOOKS.glob("*.ipynb")})
#: Optional packages a notebook imports (skipped without them; ``make test`` installs them).
NEEDS = {"part5": ["torch"]}


def _installed(name: str) -> bool:
    """Whether every package notebook ``name`` needs is installed."""
    return all(importlib.util.find_spec(package) for package in NEEDS.get(name, []))


#: Run before the notebook's own cells: the kernel must be this interpreter and import
#: scratchnn from this checkout.
_ENVIRONMENT_CHECK = f"""\
import os, sys
import scratchnn
assert os.path.samefile(sys.executable, {sys.executable!r}), sys.executable
here = os.path.realpath(scratchnn.__file__)
assert os.path.commonpath([here, {str(SRC)!r}]) == {str(SRC)!r}, here
"""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _path(name: str) -> Path:
    return NOTEBOOKS / f"{name}.ipynb"


def _read(name: str):
    path = _path(name)
    if not path.exists():
        pytest.fail(f"no notebook for part {name!r}: {path.relative_to(ROOT)} is missing")
    return nbformat.read(path, as_version=4)


def _stored_outputs(nb) -> list[str]:
    """What an executed notebook leaves behind: outputs, execution counts, widget state."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.outputs:
            found.append(f"cell {i} has outputs")
        if cell.execution_count is not None:
            found.append(f"cell {i} has an execution count")
    if "widgets" in nb.metadata:
        found.append("the notebook's metadata holds widget state")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    nb = _read(name)
    nbformat.validate(nb)
    found = _stored_outputs(nb)
    assert not found, (
        f"{name}.ipynb is stored with outputs ({'; '.join(found)}): clear them before "
        "committing (JupyterLab: Edit > Clear Outputs of All Cells, then save)"
    )
    kernel = nb.metadata.get("kernelspec", {})
    assert kernel.get("language") == "python", f"{name}.ipynb names no Python kernel: {kernel}"
    assert any(cell.cell_type == "markdown" for cell in nb.cells), f"{name}.ipynb has no prose"


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory) -> KernelSpecManager:
    """A kernel spec that starts ``sys.executable -m ipykernel_launcher``."""
    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(str(kernels / KERNEL_NAME))
    return KernelSpecManager(kernel_dirs=[str(kernels)])


def _kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


def _has_error(cell) -> bool:
    return any(out.output_type == "error" for out in cell.get("outputs", []))


async def _execute(name: str, workdir: Path, kernel_specs: KernelSpecManager, slots, prepare=None):
    """Run notebook ``name`` (``prepare(nb)`` when given: what of it to run) after the
    environment check: the executed notebook, or the message naming the cell that raised
    (its source and the error)."""
    nb = nbformat.read(_path(name), as_version=4)
    if prepare is not None:
        nb = prepare(nb)
    nb.cells.insert(0, nbformat.v4.new_code_cell(_ENVIRONMENT_CHECK))
    km = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=kernel_specs)
    client = nbclient.NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        resources={"metadata": {"path": str(workdir)}},
    )
    async with slots:
        try:
            await client.async_execute(env=_kernel_env())
        except (CellExecutionError, CellTimeoutError) as exc:
            failed = [i for i, cell in enumerate(nb.cells) if _has_error(cell)]
            if not failed:
                where = "a cell timed out"
            elif failed[0] == 0:
                where = "the kernel's environment check"
            else:
                where = f"cell {failed[0] - 1} (counted from 0)"
            return f"{name}.ipynb, {where}: " + _ANSI.sub("", str(exc))
        except Exception as exc:  # the kernel died or did not start: this notebook fails
            return f"{name}.ipynb: {type(exc).__name__}: {exc}"
    del nb.cells[0]
    return nb


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory, kernel_specs) -> dict:
    """Every selected notebook executed, two kernels at a time: name -> notebook or error."""
    names = [
        item.callspec.params["name"]
        for item in request.session.items
        if item.originalname
        in ("test_notebook_runs_top_to_bottom", "test_untouched_stubs_are_not_attempted_yet")
        and _path(item.callspec.params["name"]).exists()
        and _installed(item.callspec.params["name"])
    ]
    return _execute_all(sorted(set(names)), tmp_path_factory, kernel_specs)


def _execute_all(names: list[str], tmp_path_factory, kernel_specs, prepare=None) -> dict:
    """Notebooks ``names`` executed, two kernels at a time: name -> notebook or error."""

    async def run_all() -> list:
        slots = asyncio.Semaphore(PARALLEL)
        runs = [
            _execute(name, tmp_path_factory.mktemp(name), kernel_specs, slots, prepare)
            for name in names
        ]
        return await asyncio.gather(*runs)

    return dict(zip(names, asyncio.run(run_all())))


def _widget_outputs(nb) -> list[dict]:
    """Outputs captured by the notebook's output widgets (where ``interact`` draws)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return [
        out
        for model in state.values()
        if model.get("model_name") == "OutputModel"
        for out in model.get("state", {}).get("outputs", [])
    ]


def _images(outputs) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, executed):
    _read(name)  # fails when the notebook is missing
    for package in NEEDS.get(name, []):
        pytest.importorskip(package)
    nb = executed[name]
    if isinstance(nb, str):
        pytest.fail(nb, pytrace=False)
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    everything = outputs + _widget_outputs(nb)

    errors = [out for out in everything if out.get("output_type") == "error"]
    assert not errors, f"{name}: error outputs {[e.get('ename') for e in errors]}"
    warnings = [
        out["text"]
        for out in everything
        if out.get("output_type") == "stream" and re.search(r"\w+Warning\b", out["text"])
    ]
    assert not warnings, f"{name}: warnings printed:\n" + "\n".join(warnings)
    assert _images(outputs) >= 1, f"{name}: no figure was drawn inline"

    widgets = sum(WIDGET_VIEW in out.get("data", {}) for out in outputs)
    if name in INTERACTIVE:
        assert widgets >= 1, f"{name}: no interactive control is displayed"
    if widgets:  # a control shows its figure for the initial value, also when run headless
        assert _images(_widget_outputs(nb)) >= 1, f"{name}: the widget drew no figure"


# --- "Your turn": the exercises at the end of every notebook ---------------------------------


def _role(cell) -> tuple[str, str]:
    """(role, exercise) of a cell of the "Your turn" section; ("", "") for other cells."""
    data = cell.metadata.get("scratchnn", {})
    return data.get("role", ""), data.get("exercise", "")


def _your_turn(nb) -> list:
    """The cells of the "Your turn" section: from its heading to the end."""
    roles = [_role(cell)[0] for cell in nb.cells]
    assert "your-turn" in roles, "the notebook has no 'Your turn' section"
    return nb.cells[roles.index("your-turn") :]


@pytest.mark.parametrize("name", NAMES)
def test_your_turn_ends_the_notebook_with_every_exercise_of_the_part(name):
    cells = _your_turn(_read(name))
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("## Your turn\n")
    assert _role(cells[1])[0] == "imports" and "from scratchnn.exercises import EXERCISES" in (
        cells[1].source
    )
    exercises = [e for e in EXERCISES.values() if e.part == name]
    assert exercises, f"no exercise for {name}"
    assert len(cells) == 2 + 3 * len(exercises)
    for i, exercise in enumerate(exercises):
        prompt, stub, check = cells[2 + 3 * i : 5 + 3 * i]
        assert [_role(c) for c in (prompt, stub, check)] == [
            (role, exercise.name) for role in ("prompt", "stub", "check")
        ]
        assert prompt.cell_type == "markdown" and exercise.prompt in prompt.source
        assert stub.source == exercise.stub.rstrip("\n")
        assert check.source == (
            f'print(EXERCISES["{exercise.name}"].check({exercise.function_name}))'
        )
    written = [(c.cell_type, _role(c), c.source) for c in your_turn.section(name)]
    stored = [(c.cell_type, _role(c), c.source) for c in cells]
    assert stored == written, f"{name}.ipynb: run 'python tests/your_turn.py' to update it"


def _printed(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def _verdicts(nb) -> dict[str, str]:
    """What every check cell of the "Your turn" section printed, by exercise."""
    return {_role(c)[1]: _printed(c) for c in nb.cells if _role(c)[0] == "check"}


def _part_verdicts(nb, name: str) -> dict[str, str]:
    """The verdicts printed by notebook ``nb`` (a failure when it did not run), one for every
    exercise of part ``name``."""
    if isinstance(nb, str):
        pytest.fail(nb, pytrace=False)
    verdicts = _verdicts(nb)
    assert set(verdicts) == {e.name for e in EXERCISES.values() if e.part == name}
    return verdicts


@pytest.mark.parametrize("name", NAMES)
def test_untouched_stubs_are_not_attempted_yet(name, executed):
    for exercise, printed in _part_verdicts(executed[name], name).items():
        assert printed.startswith(f"{exercise}: not attempted yet"), printed


def _with_solutions(nb):
    """The "Your turn" section alone, every stub replaced by its exercise's solution."""
    cells = _your_turn(nb)
    for cell in cells:
        role, exercise = _role(cell)
        if role == "stub":
            cell.source = EXERCISES[exercise].solution_source
    nb.cells = cells
    return nb


@pytest.fixture(scope="module")
def solved(tmp_path_factory, kernel_specs) -> dict:
    """Every notebook's "Your turn" section, run with the solutions."""
    names = [name for name in NAMES if _path(name).exists()]
    return _execute_all(names, tmp_path_factory, kernel_specs, _with_solutions)


@pytest.mark.parametrize("name", NAMES)
def test_the_solutions_pass_every_check_in_the_notebook(name, solved):
    _read(name)
    for exercise, printed in _part_verdicts(solved[name], name).items():
        assert printed.startswith(f"{exercise}: passed"), printed
