"""The HTML report without a browser: the page's structure, its figures, its numbers, the CLI.

The series runs once per module with small settings (few iterations and epochs), so the page
has every part and every figure at a fraction of the full run's cost; the browser test
(test_report_browser.py) opens the full report.
"""

import base64
import inspect
import io
import json
import os
import re
import stat
import tomllib
from html.parser import HTMLParser
from importlib import import_module, resources
from pathlib import Path

import matplotlib.image as mpimg
import pytest
from matplotlib.figure import Figure

import scratchnn.cli.report as cli_report
from checks import single_error_line
from report_checks import assert_key_number
from scratchnn.cli import main
from scratchnn.report import (
    build_section,
    embed_figure,
    render_html,
    run_part,
    run_series,
    write_report,
)
from scratchnn.report.content import CAPTIONS, SUMMARIES
from scratchnn.tutorial.series import SERIES

# slow: the module's fixture runs the whole series to build the page
pytestmark = pytest.mark.slow

NAMES = [post.name for post in SERIES]
ROOT = Path(__file__).resolve().parents[1]

#: Small settings: every part and figure, quickly.
SMALL = {
    "part2": {"iterations": 3},
    "part3": {"iterations": 3},
    "softmax": {"grid_size": 9},
    "part4": {"iterations": 20},
    "part5": {"max_epochs": 2},
}

VOID = {"meta", "link", "img", "br", "hr", "input", "source", "col", "area", "base", "wbr"}


class Node:
    """One element of the parsed page."""

    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []  # Nodes and strings, in order

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag=None, **where):
        """Every element below this one (depth first) with this tag and these attributes
        (``class_`` for ``class``, ``http_equiv`` for ``http-equiv``)."""
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                    child.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in where.items()
                ):
                    yield child
                yield from child.iter(tag, **where)

    def ancestor(self, tag):
        node = self.parent
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class Page(HTMLParser):
    """The page as a small tree of :class:`Node`, with every tag closed where it was opened
    (``unbalanced`` lists the end tags that were not)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)
        self.unbalanced = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.current.tag != tag:
            self.unbalanced.append(tag)
            return
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)

    def iter(self, tag=None, **where):
        return self.root.iter(tag, **where)

    def by_id(self, id_):
        (node,) = self.iter(id=id_)
        return node


@pytest.fixture(scope="module")
def sections():
    return run_series(settings=SMALL)


@pytest.fixture(scope="module")
def html(sections):
    return render_html(sections)


@pytest.fixture(scope="module")
def page(html):
    return Page(html)


def test_page_parses_closed_and_ids_unique(html, page):
    assert html.startswith("<!DOCTYPE html>")
    assert page.unbalanced == [] and page.current is page.root
    ids = [node.attrs["id"] for node in page.iter() if "id" in node.attrs]
    assert len(ids) == len(set(ids))
    assert list(page.iter("html", lang="en")) and list(page.iter("meta", charset="utf-8"))


def test_every_part_has_a_section_and_a_navigation_link(page):
    assert [node.attrs["id"] for node in page.iter("section")] == NAMES
    (nav,) = page.iter("nav")
    assert [a.attrs["href"] for a in nav.iter("a")] == [f"#{name}" for name in NAMES]
    assert [a.text() for a in nav.iter("a")] == [post.title for post in SERIES]
    for post in SERIES:
        section = page.by_id(post.name)
        assert page.by_id(f"{post.name}-title").text() == post.title
        assert [a.attrs["href"] for a in section.iter("a")] == [post.url]


def test_every_part_shows_a_short_summary(page):
    assert set(SUMMARIES) == set(NAMES)
    for name in NAMES:
        (summary,) = page.by_id(name).iter("p", class_="summary")
        text = summary.text()
        assert text == SUMMARIES[name]
        assert 1 <= len(re.findall(r"[.!?](\s|$)", text)) <= 3, name


def test_every_figure_is_an_inline_image_with_alt_text_and_a_caption(sections, page):
    images = list(page.iter("img"))
    assert len(images) == sum(len(s.figures) for s in sections) >= len(NAMES)
    for image in images:
        figure = image.parent
        assert figure.tag == "figure" and figure.ancestor("section") is not None
        (caption,) = figure.iter("figcaption")
        assert caption.text().strip(), f"{figure.attrs['id']} has no caption"
        assert image.attrs["alt"].strip() and image.attrs["alt"] != caption.text()
        header, _, payload = image.attrs["src"].partition(",")
        assert header == "data:image/png;base64"
        pixels = mpimg.imread(io.BytesIO(base64.b64decode(payload)), format="png")
        assert pixels.shape[:2] == (int(image.attrs["height"]), int(image.attrs["width"]))
        assert pixels[..., :3].std() > 0.05, f"{figure.attrs['id']} is blank"


def test_each_part_embeds_every_figure_it_draws_with_a_caption_written_for_it(sections):
    for section in sections:
        assert section.figures, section.name
        for figure in section.figures:
            assert figure.name in CAPTIONS, f"no caption written for {figure.name}"
            caption, alt = CAPTIONS[figure.name]
            assert caption.strip() and alt.strip() and caption != alt
            assert (figure.caption, figure.alt) == (caption, alt)


#: The parts whose network is drawn, and those with one sample's computation graph.
DRAWN = ["part1", "part2", "part3", "part4", "part5"]
GRAPHED = ["part3", "part4"]


def test_every_network_is_drawn_beside_its_part(sections, page):
    by_name = {s.name: s for s in sections}
    for name in DRAWN:
        assert f"{name}_network" in [f.name for f in by_name[name].figures], name
        (intro,) = page.by_id(name).iter("div", class_="intro")
        (figure,) = intro.iter("figure")
        assert figure.attrs["id"] == f"{name}_network"
        (summary,) = intro.iter("p", class_="summary")  # beside the part's summary
        assert summary.text() == SUMMARIES[name]
        (image,) = figure.iter("img")
        assert image.attrs["alt"] == CAPTIONS[f"{name}_network"][1]
    for name in GRAPHED:
        assert f"{name}_graph" in [f.name for f in by_name[name].figures], name
        assert page.by_id(f"{name}_graph").ancestor("section").attrs["id"] == name
    for name in set(NAMES) - set(DRAWN):  # the intermezzos draw no network
        assert not list(page.by_id(name).iter("figure", class_="network")), name


def test_page_loads_nothing_from_outside(html, page):
    for node in page.iter():
        if "src" in node.attrs:
            assert node.attrs["src"].startswith("data:"), (node.tag, node.attrs["src"][:40])
        if node.tag == "link":
            assert node.attrs["href"].startswith("data:"), node.attrs
        assert node.tag not in {"iframe", "object", "embed", "video", "audio", "base", "form"}
    scripts = list(page.iter("script"))
    assert len(scripts) == len(NAMES)
    assert all(
        s.attrs == {"type": "application/json", "id": f"data-{s.parent.attrs['id']}"}
        for s in scripts
    )  # data, never code
    assert "url(" not in html and "@import" not in html
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert addresses == {post.url for post in SERIES}
    (csp,) = page.iter("meta", http_equiv="Content-Security-Policy")
    assert "default-src 'none'" in csp.attrs["content"]


def test_embedded_numbers_are_each_parts_result(sections, page):
    for section in sections:
        assert json.loads(page.by_id(f"data-{section.name}").text()) == section.data


@pytest.mark.parametrize(
    "name, argv", [("part1", ["part1"]), ("part5", ["part5", "--epochs", "2"])]
)
def test_page_holds_what_the_command_prints(page, capsys, name, argv):
    assert main([*argv, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert json.loads(page.by_id(f"data-{name}").text()) == printed
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith(page.by_id(f"{name}-output").text() + "\n")


def test_key_numbers_show_the_embedded_values(page):
    for name in NAMES:
        section = page.by_id(name)
        data = json.loads(page.by_id(f"data-{name}").text())
        rows = [tr for tr in section.iter("tr") if "data-key" in tr.attrs]
        assert rows, name
        for row in rows:
            (cell,) = [td for td in row.children if isinstance(td, Node) and td.tag == "td"]
            matrix = [[td.text() for td in tr.iter("td")] for tr in cell.iter("tr")]
            shown = matrix if matrix else cell.text()
            assert_key_number(row.attrs["data-key"], row.attrs["data-value"], shown, data)


def test_settings_are_every_parameter_with_its_value(page):
    for name in NAMES:
        parameters = inspect.signature(import_module(f"scratchnn.tutorial.{name}").run).parameters
        (table,) = page.by_id(name).iter("table", class_="settings")
        rows = {next(tr.iter("th")).text(): next(tr.iter("td")).text() for tr in table.iter("tr")}
        assert list(rows) == list(parameters)
        changed = SMALL.get(name, {})
        for param, text in rows.items():
            value = changed.get(param, parameters[param].default)
            assert text.startswith(repr(value)), (name, param, text)
            assert ("(default:" in text) == (param in changed), (name, param, text)
        said = "The tutorial's settings" in page.by_id(name).text()
        assert said == (not changed), name


def test_text_and_numbers_are_escaped():
    class Result:
        def lines(self):
            return ["<script>alert(1)</script> & more"]

        def to_dict(self):
            numbers = {"least_squares_w": 2.0, "critical_learning_rate": 3.0}
            return {"note": "</script><b>bold</b>", "w": [1.5], "loss": [0.5], **numbers}

    section = build_section("part1", Result(), {}, {"seed": "<i>"})
    html = render_html([section])
    assert "<script>alert" not in html and "<b>bold" not in html and "<i>" not in html
    page = Page(html)
    assert page.by_id("part1-output").text() == "<script>alert(1)</script> & more"
    assert json.loads(page.by_id("data-part1").text()) == Result().to_dict()


def test_bad_sections_are_refused(sections):
    with pytest.raises(ValueError, match="at least one"):
        render_html([])
    with pytest.raises(ValueError, match="unique"):
        render_html([sections[0], sections[0]])


def test_run_part_checks_its_arguments_before_running():
    with pytest.raises(KeyError, match="part9"):
        run_part("part9")
    with pytest.raises(TypeError, match="epochs"):
        run_part("part5", epochs=3)
    with pytest.raises(ValueError, match="fmt"):
        run_part("part5", fmt="gif")
    with pytest.raises(ValueError, match="dpi"):
        run_series(dpi=0)
    with pytest.raises(KeyError, match="part9"):
        run_series(settings={"part9": {}})


def test_svg_figures_are_embedded_at_their_size():
    figure = Figure(figsize=(3, 2))
    figure.add_subplot().plot([0, 1], [1, 0])
    embedded = embed_figure("part1_loss", figure, fmt="svg")
    header, _, payload = embedded.src.partition(",")
    assert header == "data:image/svg+xml;base64"
    svg = base64.b64decode(payload).decode("utf-8")
    assert "<svg" in svg and "</svg>" in svg
    assert (embedded.width, embedded.height) == (3 * 96, 2 * 96)  # 96 CSS px per inch
    png = embed_figure("part1_loss", figure, fmt="png", dpi=50)
    assert (png.width, png.height) == (150, 100)


def test_template_is_package_data():
    template = resources.files("scratchnn.report") / "templates" / "index.html.j2"
    assert template.is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["scratchnn.report"]
    assert any(Path("templates/index.html.j2").match(p) for p in patterns)


def test_make_demo_ends_with_the_report():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0].strip().splitlines()
    assert demo[-1].split() == ["$(VENV)/bin/scratchnn", "report", "--out", "out"]


# -- the command line ------------------------------------------------------------------------


@pytest.fixture
def no_run(monkeypatch):
    """The series must not run: a bad --out is caught first."""

    def refuse(**kwargs):
        raise AssertionError("the series ran before --out was checked")

    monkeypatch.setattr(cli_report, "run_series", refuse)


def test_report_needs_out(capsys, no_run):
    assert main(["report"]) == 2
    assert "--out" in single_error_line(capsys)


def test_report_refuses_a_file_as_out(tmp_path, capsys, no_run):
    blocker = tmp_path / "file"
    blocker.write_text("mine")
    assert main(["report", "--out", str(blocker)]) == 2
    line = single_error_line(capsys)
    assert "--out" in line and str(blocker) in line
    assert main(["report", "--out", str(blocker / "sub")]) == 2
    assert "--out" in single_error_line(capsys)
    assert blocker.read_text() == "mine"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX, not root")
def test_report_refuses_an_unwritable_out(tmp_path, capsys, no_run):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert main(["report", "--out", str(locked)]) == 2
        assert "--out" in single_error_line(capsys)
    finally:
        locked.chmod(0o700)


def test_report_refuses_a_bad_dpi(tmp_path, capsys, no_run):
    assert main(["report", "--out", str(tmp_path), "--dpi", "0"]) == 2
    assert "--dpi" in single_error_line(capsys)


def test_report_writes_one_page_and_says_so(tmp_path, capsys, monkeypatch, sections):
    calls = []

    def small_series(**kwargs):
        calls.append(kwargs)
        return sections

    monkeypatch.setattr(cli_report, "run_series", small_series)
    out = tmp_path / "new" / "folder"
    old = os.umask(0o027)
    try:
        assert main(["report", "--out", str(out), "--format", "svg", "--dpi", "150"]) == 0
    finally:
        os.umask(old)
    assert calls == [{"fmt": "svg", "dpi": 150.0}]
    assert [p.name for p in out.iterdir()] == ["index.html"]
    page = out / "index.html"
    assert stat.S_IMODE(page.stat().st_mode) == 0o640  # 0o666 minus the umask
    assert page.read_text(encoding="utf-8") == render_html(sections)
    printed = capsys.readouterr()
    assert printed.err == ""
    assert printed.out.splitlines() == [
        f"wrote {page} ({len(NAMES)} parts, {sum(len(s.figures) for s in sections)} figures)"
    ]


def test_write_report_replaces_an_older_page(tmp_path, sections):
    (tmp_path / "index.html").write_text("old")
    path = write_report(sections[:1], tmp_path)
    assert path == tmp_path / "index.html"
    page = Page(path.read_text(encoding="utf-8"))
    assert [node.attrs["id"] for node in page.iter("section")] == [sections[0].name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]  # no temporary left
