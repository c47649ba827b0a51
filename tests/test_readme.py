"""Every command and example of README.md and of the documentation's pages (docs/, Markdown)
runs, and prints what the page says it prints.

Each page is a document: README.md, and every ``docs/**/*.md`` but the generated ones (``api/``,
``_build/``) and those in ``NOT_EXECUTED`` (their examples need a Dask cluster).

* ```console blocks: each ``$ command`` line is run by bash (with ``pipefail``) in a fresh
  temporary directory, ``scratchnn`` replaced by ``<this Python> -m scratchnn`` and
  ``python3``/``python`` by this Python, with ``MPLBACKEND=Agg`` and unbuffered output. The
  lines under a command, up to the next ``$`` line, are its output as a terminal shows it
  (stdout and stderr together); they must equal what it prints, line by line (trailing blanks
  ignored), and it must exit with status 0.
* ```python blocks of a document run in its order in one namespace (later examples continue
  earlier ones), in a temporary working directory, one namespace and directory per document. The ``#`` comment lines directly under a top-level
  ``print(...)`` statement are what that statement prints; everything a block prints must equal
  those comments, in order.
* A ```python block whose first line reads ``# <module>.py — <what>`` is an excerpt of the
  source, not a program: its code lines (comments dropped, whitespace ignored) must appear in
  ``src/scratchnn/<module>.py``.

In expected output, a line ``...`` (``# ...`` in a Python comment) stands for any number of
lines left out. Not executed: ``make`` commands (``make demo``, ``make test`` …) and the ```sh
blocks, which set up the environment this suite runs in.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from scratchnn.tutorial.series import SERIES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
#: Pages whose examples are not run here: a Dask cluster's (tests/test_dask_sweep.py runs them).
NOT_EXECUTED = {"docs/scaling.md"}
GENERATED = ("docs/_build/", "docs/api/")


def _documents() -> list[Path]:
    pages = sorted(DOCS.glob("**/*.md"))
    names = [p.relative_to(ROOT).as_posix() for p in pages]
    return [README] + [
        p for p, n in zip(pages, names) if not n.startswith(GENERATED) and n not in NOT_EXECUTED
    ]


DOCUMENTS = _documents()
#: Files the examples of a document say they write.
WRITTEN = {
    "README.md": ["digits.npz"],
    "docs/getting-started.md": ["part1_gradient_descent.png"],
    "docs/guide/own-networks.md": ["digits.npz"],
    "docs/guide/estimators.md": ["mlp.npz", "sine.npz"],
    "docs/guide/checkpoints.md": ["small.npz"],
    "docs/guide/deployment.md": ["digits.onnx"],
}
#: The optional packages a document's examples need: skipped without them (``make test``
#: installs them all).
NEEDS = {"docs/guide/deployment.md": ["onnx", "onnxruntime", "torch"]}


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


ELIDED = "..."
EXCERPT = re.compile(r"^# ([\w/]+\.py) — ")


def fenced_blocks(language: str, document: Path = README) -> list[str]:
    """The bodies of a document's code blocks fenced as ``language``, in order."""
    text = document.read_text(encoding="utf-8")
    pattern = rf"^```{language}\n(.*?)^```"
    return re.findall(pattern, text, flags=re.MULTILINE | re.DOTALL)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` equals ``expected``, a line ``...`` matching any run of lines."""
    if not expected:
        return not actual
    if expected[0] == ELIDED:
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def assert_output(expected: list[str], printed: str, what: str) -> None:
    actual = [line.rstrip() for line in printed.splitlines()]
    expected = [line.rstrip() for line in expected]
    if not matches(expected, actual):
        diff = "\n".join(difflib.unified_diff(expected, actual, "page", "printed", lineterm=""))
        pytest.fail(f"{what}: the output differs from the page's\n{diff}")


# -- console blocks ----------------------------------------------------------------------------


def console_commands() -> list[tuple[str, list[str]]]:
    """``(command, expected output lines)`` for every ``$`` line of the console blocks."""
    commands: list[tuple[str, list[str]]] = []
    blocks = [b for doc in DOCUMENTS for b in fenced_blocks("console", doc)]
    for block in blocks:
        for line in block.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                assert commands, f"console block output before any command: {line!r}"
                commands[-1][1].append(line)
    return [(cmd, out) for cmd, out in commands if not cmd.startswith("make ")]


def runnable(command: str) -> str:
    """``command`` with ``scratchnn`` and ``python3`` at command positions run by this Python."""
    python = shlex.quote(sys.executable)
    command = re.sub(r"(^|[|;&]\s*)scratchnn\b", rf"\g<1>{python} -m scratchnn", command)
    return re.sub(r"(^|[|;&]\s*)python3?(?=\s)", rf"\g<1>{python}", command)


COMMANDS = console_commands()


def test_the_docs_have_commands_to_run():
    assert len(COMMANDS) >= 4
    assert any("|" in command for command, _ in COMMANDS)  # a pipeline


def _tier(command: str) -> pytest.MarkDecorator | tuple[()]:
    """Part 1's commands (a second each) are fast; the other parts, the series and the
    report take seconds."""
    return () if " part1" in command else pytest.mark.slow


@pytest.mark.parametrize(
    "command, expected", [pytest.param(c, e, id=c, marks=_tier(c)) for c, e in COMMANDS]
)
def test_console_command(command, expected, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", runnable(command)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"$ {command}\nexit status {done.returncode}\n{done.stdout}"
    assert_output(expected, done.stdout, f"$ {command}")


# -- python blocks -----------------------------------------------------------------------------


def python_blocks(document: Path) -> tuple[list[str], list[str]]:
    """A document's programs and its source excerpts."""
    blocks = fenced_blocks("python", document)
    excerpts = [b for b in blocks if EXCERPT.match(b)]
    return [b for b in blocks if not EXCERPT.match(b)], excerpts


def claimed_output(block: str) -> list[str]:
    """The comment lines directly under each top-level ``print(...)``, without their ``# ``."""
    lines = block.splitlines()
    claimed: list[str] = []
    for node in ast.parse(block).body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "print"):
            continue
        claims = []
        for line in lines[node.end_lineno :]:
            if not line.startswith("#"):
                break
            claims.append(line[2:] if line.startswith("# ") else line[1:])
        assert claims, f"no output shown under {lines[node.lineno - 1]!r}"
        claimed.extend(claims)
    return claimed


WITH_PROGRAMS = [doc for doc in DOCUMENTS if python_blocks(doc)[0]]
EXCERPTS = [block for doc in DOCUMENTS for block in python_blocks(doc)[1]]


def test_the_readme_and_the_guide_have_examples():
    assert len(python_blocks(README)[0]) >= 2  # your own network, the scikit-learn drop-in
    assert sum(len(python_blocks(doc)[0]) for doc in WITH_PROGRAMS) >= 8
    assert set(WRITTEN) <= {_name(doc) for doc in WITH_PROGRAMS}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("document", WITH_PROGRAMS, ids=_name)
def test_python_examples_print_what_the_page_shows(document, tmp_path, monkeypatch):
    for package in NEEDS.get(_name(document), []):
        pytest.importorskip(package)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    for i, block in enumerate(python_blocks(document)[0]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{_name(document)}[python block {i}]", "exec"), namespace)
        first = block.strip().splitlines()[0]
        assert_output(claimed_output(block), out.getvalue(), f"python block {i} ({first})")
    # the files the examples say they write
    for name in WRITTEN.get(_name(document), []):
        assert (tmp_path / name).is_file(), name


def test_source_excerpts_are_the_source():
    assert EXCERPTS, "the guide quotes the engine's formulas"
    for block in EXCERPTS:
        source = None
        for line in block.splitlines():
            header = EXCERPT.match(line)
            if header:
                path = ROOT / "src" / "scratchnn" / header.group(1)
                assert path.is_file(), f"a page quotes {header.group(1)}, which does not exist"
                source = re.sub(r"\s", "", path.read_text(encoding="utf-8"))
                continue
            code = re.sub(r"\s", "", line.split("  #", 1)[0])
            if code and code not in source:
                pytest.fail(f"a page quotes a line not in {path.name}: {line!r}")


# -- what the README must say ------------------------------------------------------------------


def test_the_readme_is_the_front_door():
    """At most 150 lines: what, the two commands, short examples, the parts, where next."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, f"README.md has {len(lines)} lines; move the rest into docs/"


def test_readme_opens_with_make_demo_and_make_test():
    first = README.read_text(encoding="utf-8").split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in first.splitlines()[1:] if line.strip()]
    assert commands[:2] == ["make demo", "make test"]


def test_every_part_links_its_original_post():
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(
            r"^\| `scratchnn (\w+)` \|.*$", README.read_text(encoding="utf-8"), re.M
        )
    }
    for post in SERIES:
        assert f"]({post.url})" in rows.get(post.name, ""), f"no link to {post.url}"


def _generated(target: Path) -> bool:
    """A page ``docs/conf.py`` writes at every build (not committed: the API reference and the
    parts' notebooks): a link to it is checked by the build itself (warnings are errors), not
    here, where it may not exist yet."""
    docs = ROOT / "docs"
    api, series = docs / "api", docs / "series"
    return target.is_relative_to(api) or (target.parent == series and target.suffix == ".ipynb")


def test_relative_links_point_into_the_repository():
    for doc in DOCUMENTS:
        links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8"))
        for link in links:
            target = (doc.parent / link).resolve()
            if "://" in link or _generated(target):
                continue
            assert target.exists(), f"{doc.name} links {link}, which is missing"


def test_no_citation_of_files_outside_the_repository():
    """What the code relies on is documented here (docs/), not in a file a clone lacks."""
    outside = re.compile(r"§|series spec|series\.md|DESIGN\.md|design document", re.IGNORECASE)
    files = [README, *ROOT.glob("docs/**/*.md"), *ROOT.glob("notebooks/*.ipynb")]
    for folder in ("src", "tests", "benchmarks"):
        files += ROOT.glob(f"{folder}/**/*.py")
    for path in files:
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not outside.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
