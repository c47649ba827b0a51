"""The documentation site as readers see it: built by Sphinx, opened in headless Chromium.

The site is built once for the module, as ``make docs`` builds it (``-W --keep-going``: a
warning fails the build), into a temporary folder; ``SCRATCHNN_DOCS_HTML=DIR`` uses a site
already built there instead. One browser session then opens, from ``file://``, the front page,
every page of the series (the notebooks, executed at build time) and a page of the API
reference: each loads with no console error, every image on it is decoded, and the maths is
typeset by the bundled MathJax. The offline search finds ``Adam``.

Without Chromium and its driver, or without Sphinx (the ``docs`` extra), the module is skipped,
unless ``SCRATCHNN_REQUIRE_BROWSER=1`` (the CI sets it): then it fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser import find_chrome, missing, start_chrome
from scratchnn.tutorial.series import SERIES

# kernels: Jupyter kernels, run in a pytest of their own (see the marker in pyproject.toml)
pytestmark = [pytest.mark.slow, pytest.mark.kernels]

ROOT = Path(__file__).resolve().parents[1]
DOCS_PACKAGES = ("sphinx", "pydata_sphinx_theme", "numpydoc", "myst_nb", "sphinx_copybutton")
#: The pages opened: the front page, a page per part of the series, and a page with maths.
PAGES = [
    "index.html",
    "series/index.html",
    *(f"series/{post.name}.html" for post in SERIES),
    "api/generated/scratchnn.optimizers.Adam.html",
]
WITH_MATHS = ["api/generated/scratchnn.optimizers.Adam.html", "series/part1.html"]


@pytest.fixture(scope="module")
def chrome():
    """Selenium, Chromium and its driver (:func:`browser.find_chrome`)."""
    return find_chrome()


@pytest.fixture(scope="module")
def site(chrome, tmp_path_factory) -> Path:
    """The built site's folder (``index.html`` in it)."""
    given = os.environ.get("SCRATCHNN_DOCS_HTML")
    if given:
        assert (Path(given) / "index.html").is_file(), f"no site in {given}"
        return Path(given).resolve()
    absent = [name for name in DOCS_PACKAGES if importlib.util.find_spec(name) is None]
    if absent:
        missing(f"the docs extra is not installed (pip install -e .[docs]): no {absent[0]}")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    command += ["-d", str(out / ".doctrees"), str(ROOT / "docs"), str(out / "html")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"the docs build failed:\n{done.stdout}\n{done.stderr}"
    return out / "html"


@pytest.fixture(scope="module")
def driver(chrome, site):
    browser = start_chrome(chrome)
    try:
        yield browser
    finally:
        browser.quit()


def _open(driver, site: Path, page: str) -> list[dict]:
    """Load ``page`` and return the console entries of its load."""
    driver.get_log("browser")  # drop what earlier pages logged
    path, _, query = page.partition("?")
    driver.get((site / path).as_uri() + (f"?{query}" if query else ""))
    assert driver.execute_script("return document.readyState") == "complete"
    # images the page loads lazily load now
    driver.execute_script("document.querySelectorAll('img').forEach(i => i.loading = 'eager')")
    _wait(driver, "return Array.from(document.images).every(i => i.complete)")
    return driver.get_log("browser")


def _wait(driver, script: str, seconds: float = 30):
    end = time.monotonic() + seconds
    while True:
        value = driver.execute_script(script)
        if value or time.monotonic() > end:
            return value
        time.sleep(0.2)


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_with_no_console_error_and_every_image_decoded(driver, site, page):
    assert (site / page).is_file(), f"the site has no {page}"
    log = _open(driver, site, page)
    assert [entry for entry in log if entry["level"] == "SEVERE"] == [], page
    images = driver.execute_script(
        "return Array.from(document.images, i => ({src: i.src.slice(0, 120), "
        "complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}));"
    )
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
    if page.startswith("series/") and page != "series/index.html":
        figures = [i for i in images if "_images/" in i["src"]]
        assert figures, f"{page}: no figure drawn by the executed notebook"


@pytest.mark.parametrize("page", WITH_MATHS)
def test_maths_is_typeset_offline(driver, site, page):
    _open(driver, site, page)
    typeset = _wait(driver, "return document.querySelectorAll('mjx-container').length")
    assert typeset, f"{page}: MathJax typeset nothing"
    assert driver.execute_script("return !!window.MathJax && !!window.MathJax.startup")


def test_the_offline_search_finds_adam(driver, site):
    log = _open(driver, site, "search.html?q=Adam")
    found = _wait(
        driver,
        "const items = document.querySelectorAll('#search-results li');"
        "return Array.from(items, li => li.innerText);",
        seconds=60,
    )
    assert found, "the search for Adam found nothing"
    assert any("Adam" in text for text in found), found[:5]
    assert [entry for entry in log if entry["level"] == "SEVERE"] == []
