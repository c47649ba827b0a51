"""Sphinx configuration of scratchnn's documentation site (``make docs``).

The site is built offline: MathJax comes from the ``sphinx-mathjax-offline`` package, the
notebooks of ``notebooks/`` are copied into ``series/`` and executed by myst-nb in a kernel
that imports scratchnn from this checkout's ``src``, and warnings are errors (``-W``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))
# The notebooks' kernels are child processes: they import scratchnn from the same src.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
os.environ.setdefault("MPLBACKEND", "Agg")

from scratchnn import __version__  # noqa: E402
from scratchnn.tutorial.series import SERIES  # noqa: E402

project = "scratchnn"
author = "the scratchnn authors"
copyright = "scratchnn authors, MIT licence"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_nb",
    "sphinx_copybutton",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# -- cross-references: every one must resolve ------------------------------------------------
nitpicky = True
# Third-party types named in annotations and docstrings, whose inventories are not fetched
# (the build is offline: intersphinx_mapping stays empty).
_THIRD_PARTY = (
    "np",
    "numpy",
    "matplotlib",
    "scipy",
    "sklearn",
    "dask",
    "distributed",
    "zarr",
    "joblib",
    "argparse",
    "jinja2",
    "tqdm",
    "collections.abc",
    "typing",
    "pathlib",
    "os",
    "io",
    "dataclasses",
    "enum",
    "numbers",
    "threading",
)
_ESCAPED = "|".join(p.replace(".", r"\.") for p in _THIRD_PARTY)
nitpick_ignore_regex = [
    (role, rf"({_ESCAPED})(\..*)?")
    for role in ("py:class", "py:obj", "py:func", "py:meth", "py:exc", "py:data", "py:mod")
] + [
    # Python's and NumPy's own vocabulary, as numpydoc links it ("python:int", "array_like").
    (role, r"(python|numpy):.*")
    for role in ("py:class", "py:obj", "py:func", "py:data", "std:term", "std:ref")
]
intersphinx_mapping: dict = {}

# -- API reference -----------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True}
templates_path = ["_templates"]
autodoc_typehints = "none"  # numpydoc writes the types from the docstrings
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
# Only the names below become links in a parameter's type; the rest ("of shape (n, 2)") is text.
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    "Sequential": "scratchnn.network.Sequential",
    "Layer": "scratchnn.layers.Layer",
    "Loss": "scratchnn.losses.Loss",
    "Optimizer": "scratchnn.optimizers.Optimizer",
    "History": "scratchnn.training.History",
    "Callback": "scratchnn.training.Callback",
    "Figure": "matplotlib.figure.Figure",
    "ndarray": "numpy.ndarray",
}

# -- notebooks -----------------------------------------------------------------------------------
nb_execution_mode = os.environ.get("SCRATCHNN_DOCS_EXECUTE", "force")  # "off" to iterate
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_execution_show_tb = True
nb_execution_in_temp = True  # a notebook that writes files writes them in a temporary folder
# Widgets have no saved state on a static page: show their plain text, load no widget script.
nb_ipywidgets_js: dict = {}
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# -- HTML ----------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"scratchnn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 7,
}
html_static_path: list[str] = []
# The theme's light/dark switch starts from this (an unset mode logs a console error).
html_context = {"default_mode": "auto"}
# Search result snippets are fetched from the pages, which a browser refuses on file://:
# the offline site lists the matching pages without them.
html_show_search_summary = False
html_show_sourcelink = False


# -- the series: one page per part, the part's notebook with its command and post -------------

_SLIDER = (
    "*The slider moves in a running notebook (`make notebooks`); this page is static, so it "
    "shows the code without the slider.*\n"
)


def _markdown_cell(cell_id: str, source: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}


def _series_pages() -> None:
    """Write ``series/<part>.ipynb``: the notebook, with a cell under its title that gives the
    command, the notebook's file and the original post (generated, not committed)."""
    for post in SERIES:
        nb = json.loads((ROOT / "notebooks" / f"{post.name}.ipynb").read_text(encoding="utf-8"))
        about = (
            f"* **The original post**: [{post.title}]({post.url}).\n"
            f"* **The command line**: `scratchnn {post.name} --out figures` prints the part's results and "
            "writes its figures into `figures/` (`--help` lists its options).\n"
            f"* **The notebook**: `notebooks/{post.name}.ipynb`; `make notebooks` opens it in "
            "JupyterLab.\n\n"
            "This page is the notebook, executed when the site was built: the figures below "
            "are the ones it draws.\n"
        )
        cells = [nb["cells"][0], _markdown_cell("series-about", about)]
        for cell in nb["cells"][1:]:
            if cell["cell_type"] == "code" and "widgets.interact" in "".join(cell["source"]):
                # a slider moves only in a live kernel: say so instead of its text form
                cell = {**cell, "metadata": {**cell["metadata"], "tags": ["remove-output"]}}
                cells += [cell, _markdown_cell(f"series-slider-{len(cells)}", _SLIDER)]
            else:
                cells.append(cell)
        nb["cells"] = cells
        text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        _write(DOCS / "series" / f"{post.name}.ipynb", text)


# -- the API reference: every name of every public module's __all__, once ----------------------
#: The public modules, each with a line on what it holds. A name several modules export is
#: documented in the first one listed here (the module that defines it).
API_MODULES = {
    "scratchnn.layers": "Layers: forward caches, backward fills ``grads``.",
    "scratchnn.losses": "Losses, each fused with its output layer.",
    "scratchnn.network": "The network: a list of layers.",
    "scratchnn.optimizers": "Optimisers: pure update rules with explicit state.",
    "scratchnn.schedules": "Learning-rate schedules.",
    "scratchnn.regularization": "Weight decay and clipping, as gradient transformations.",
    "scratchnn.initializers": "Weight initialisers.",
    "scratchnn.datasets": "The series' data sets.",
    "scratchnn.training": "The training loop, its callbacks, history and batches.",
    "scratchnn.executor": "The fast path: one training step on reused buffers.",
    "scratchnn.gradcheck": "Gradient checks by central differences.",
    "scratchnn.checkpoint": "Saving and loading networks: one ``.npz``, no pickle.",
    "scratchnn.estimators": "scikit-learn's ``MLPClassifier`` and ``MLPRegressor``.",
    "scratchnn.interop": "Hand a network on: to PyTorch and back, and to ONNX.",
    "scratchnn.scaling": "Sweeps on Dask and data larger than memory.",
    "scratchnn.plotting": (
        "Figures: training histories, decision regions, network diagrams and computation "
        "graphs, the series' style."
    ),
    "scratchnn.report": "The series on one HTML page.",
    "scratchnn.cli": "The ``scratchnn`` command.",
    "scratchnn.exercises": "Exercises: the series' maths to write yourself, and their check.",
    **{f"scratchnn.tutorial.{p.name}": p.title for p in SERIES},
    "scratchnn.tutorial.part5_result": "Part 5's result record.",
    "scratchnn.tutorial.series": "The parts of the series and their posts.",
}


def _write(target: Path, text: str) -> None:
    """Write a generated page, leaving it untouched when it has not changed."""
    target.parent.mkdir(exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def _api_pages() -> None:
    """Write ``api/`` (generated, not committed): a page per module with an autosummary table
    of its names, and an index with the names of the package root."""
    import importlib

    import scratchnn

    home: dict[str, str] = {}
    for name, about in API_MODULES.items():
        module = importlib.import_module(name)
        own = [n for n in module.__all__ if n not in home and not n.startswith("_")]
        home.update(dict.fromkeys(own, name))
        table = "\n".join(f"   {n}" for n in own)
        _write(
            DOCS / "api" / f"{name}.md",
            f"# {name}\n\n{about}\n\n```{{eval-rst}}\n.. automodule:: {name}\n"
            f"   :no-members:\n\n.. autosummary::\n   :toctree: generated\n\n{table}\n```\n",
        )
    rows = []
    for n in scratchnn.__all__:
        if n == "__version__":
            continue
        if n in ("datasets", "initializers"):
            ref = f"{{py:mod}}`scratchnn.{n}`"
        else:
            ref = f"{{py:obj}}`~{home[n]}.{n}`"
        rows.append(f"| `scratchnn.{n}` | {ref} |")
    pages = "\n".join(API_MODULES)
    _write(
        DOCS / "api" / "index.md",
        "# API reference\n\nEvery public name of every public module, documented in the module "
        "that defines it.\n\n## The package root\n\n`import scratchnn as nn` gives the names "
        "most programs use; each is documented in its module.\n\n| name | documented as |\n"
        "|---|---|\n"
        + "\n".join(rows)
        + "\n\n## The modules\n\n```{toctree}\n:maxdepth: 1\n\n"
        + pages
        + "\n```\n",
    )


def _skip_foreign(app, what, name, obj, skip, options):
    """Leave out members a class inherits from scikit-learn or matplotlib (documented there)."""
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and callable(obj) and not module.startswith("scratchnn"):
        return True
    return None


def setup(app):
    # The generated pages exist before Sphinx looks for its sources.
    _series_pages()
    _api_pages()
    app.connect("autodoc-skip-member", _skip_foreign)
