"""Write the "Your turn" section at the end of every notebook from ``scratchnn.exercises``.

Run ``python tests/your_turn.py`` after changing an exercise's prompt or adding one (then
``ruff format notebooks``): it replaces the cells marked ``metadata.scratchnn`` with a fresh
section at the very end of each notebook and leaves every other cell as it is.
``tests/test_notebooks.py`` checks that the notebooks hold what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

INTRO = """## Your turn

Now do the math yourself. For each exercise below: read what to write, replace the body of
the function (its `raise NotImplementedError`) with your code, and run the cell under it:
`check` calls your function on fresh random inputs (one sample, large and small values …)
and compares it with the solution, and says where it differs and the likely mistake.
A function you have not touched yet gets "not attempted yet".

The same exercises are on the command line: `scratchnn exercises` lists them,
`scratchnn check FILE.py` grades the functions of a file, and
`scratchnn exercises NAME --solution` shows an answer (try first!)."""

IMPORTS = "import numpy as np\n\nfrom scratchnn.exercises import EXERCISES"


def _metadata(role: str, name: str = "") -> dict:
    return {"scratchnn": {"role": role, **({"exercise": name} if name else {})}}


def section(part: str) -> list:
    """The cells of ``part``'s section: the heading, the imports, then per exercise its
    prompt (markdown), its stub and its check (code)."""
    import nbformat

    from scratchnn.exercises import EXERCISES

    new = nbformat.v4
    cells = [
        new.new_markdown_cell(INTRO, id=f"{part}-your-turn", metadata=_metadata("your-turn")),
        new.new_code_cell(IMPORTS, id=f"{part}-your-turn-imports", metadata=_metadata("imports")),
    ]
    for ex in (e for e in EXERCISES.values() if e.part == part):
        cell_id = f"{part}-exercise-{ex.name.split('.')[1].replace('_', '-')}"
        check = f'print(EXERCISES["{ex.name}"].check({ex.function_name}))'
        cells += [
            new.new_markdown_cell(
                f"### {ex.title}\n\n{ex.prompt}", id=cell_id, metadata=_metadata("prompt", ex.name)
            ),
            new.new_code_cell(
                ex.stub.rstrip("\n"), id=f"{cell_id}-stub", metadata=_metadata("stub", ex.name)
            ),
            new.new_code_cell(check, id=f"{cell_id}-check", metadata=_metadata("check", ex.name)),
        ]
    return cells


def rewrite(path: Path) -> None:
    """Replace the section of the notebook at ``path`` (appended at its end)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = section(path.stem)
    if nb.nbformat_minor < 5:  # cell ids came with nbformat 4.5
        for cell in cells:
            del cell["id"]
    nb.cells = [c for c in nb.cells if "scratchnn" not in c.metadata] + cells
    nbformat.validate(nb)
    nbformat.write(nb, path)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        rewrite(notebook)
        print(f"wrote the 'Your turn' section of {notebook.relative_to(ROOT)}")
