"""Write notebooks/part3.ipynb, part4.ipynb and part5.ipynb from the cell sources below.

Run from anywhere: ``python notebooks/_build_part345.py [part3 part4 part5]``. Each notebook's source is kept in
the "percent" format: a line ``# %% [markdown]`` starts a Markdown cell, a line ``# %%`` a
code cell. The title cell comes from :data:`scratchnn.tutorial.series.SERIES`. The
notebooks are written without outputs and without execution counts.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

from scratchnn.tutorial.series import post  # noqa: E402

#: The notebooks this script writes; the cells of ``<name>.ipynb`` are ``_<name>_source.py``.
NAMES = ("part3", "part4", "part5")


def header(name: str, intro: str) -> str:
    """The title cell: the post's title, a link to it, and what the notebook does."""
    item = post(name)
    return f"# {item.title}\n\nThe original post: [{item.title}]({item.url}).\n\n{intro.strip()}"


def cells(source: str) -> list:
    """Split a percent-format ``source`` into notebook cells (the first cell is the header)."""
    out = []
    kind, lines = None, []

    def flush() -> None:
        text = "\n".join(lines).strip("\n")
        if kind == "markdown" and text:
            out.append(new_markdown_cell(text))
        elif kind == "code" and text:
            out.append(new_code_cell(text))

    for line in source.splitlines():
        if line.strip() == "# %% [markdown]":
            flush()
            kind, lines = "markdown", []
        elif line.strip() == "# %%":
            flush()
            kind, lines = "code", []
        else:
            lines.append(line)
    flush()
    return out


def build(name: str, source: str) -> nbformat.NotebookNode:
    """The notebook ``name`` from its intro text and percent-format cells."""
    intro, _, body = source.partition("# %%")
    nb = new_notebook(cells=[new_markdown_cell(header(name, intro)), *cells("# %%" + body)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.pop("id", None)  # stable files: no random cell ids between builds
    nb.nbformat_minor = 4
    return nb


def main(names: list[str]) -> None:
    for name in names or NAMES:
        if name not in NAMES:
            raise SystemExit(f"unknown notebook {name!r} (this script writes {', '.join(NAMES)})")
        source = importlib.import_module(f"_{name}_source").SOURCE
        nb = build(name, source)
        nbformat.validate(nb)
        path = HERE / f"{name}.ipynb"
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(nb.cells)} cells)")


if __name__ == "__main__":
    main(sys.argv[1:])
