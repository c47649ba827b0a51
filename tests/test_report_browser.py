"""The HTML report in a real browser: headless Chromium driven by Selenium.

``scratchnn report`` and ``scratchnn all --json`` run once for the module (side by side, as
two processes); one browser session then opens the page from ``file://`` and checks that it
loads without a console error, that every image is decoded, that every navigation link lands
on its section, that it draws something, and that its numbers are those of ``all --json``.

Without Chromium and its driver the module is skipped, unless ``SCRATCHNN_REQUIRE_BROWSER=1``
(the CI sets it): then it fails.
"""

import io
import json
import subprocess
import sys

import matplotlib.image as mpimg
import numpy as np
import pytest

from browser import find_chrome, start_chrome
from report_checks import assert_key_number, lookup
from scratchnn.tutorial.series import SERIES

# slow: the page is opened in headless Chromium
pytestmark = pytest.mark.slow

NAMES = [post.name for post in SERIES]
WIDTH, HEIGHT = 1280, 900


@pytest.fixture(scope="module")
def chrome():
    """Selenium, Chromium and its driver (:func:`browser.find_chrome`)."""
    return find_chrome()


@pytest.fixture(scope="module")
def generated(chrome, tmp_path_factory):
    """The report's page and the output of ``scratchnn all --json``."""
    out = tmp_path_factory.mktemp("report")
    command = [sys.executable, "-m", "scratchnn"]
    report = subprocess.Popen(
        [*command, "report", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    everything = subprocess.run([*command, "all", "--json"], capture_output=True, text=True)
    stdout, stderr = report.communicate()
    assert report.returncode == 0, stderr
    assert everything.returncode == 0, everything.stderr
    assert stdout.startswith(f"wrote {out / 'index.html'} ("), stdout
    return out / "index.html", json.loads(everything.stdout)


@pytest.fixture(scope="module")
def browser(chrome, generated):
    """A headless Chromium with the page loaded, and the console entries of the load."""
    driver = start_chrome(chrome, WIDTH, HEIGHT)
    try:
        page, _ = generated
        driver.get(page.as_uri())
        state = driver.execute_script("return document.readyState")
        assert state == "complete"
        yield driver, driver.get_log("browser")
    finally:
        driver.quit()


def test_page_opens_from_file_without_console_errors(browser, generated):
    driver, log = browser
    assert driver.current_url.startswith("file://")
    assert driver.title
    entries = log + driver.get_log("browser")
    assert [entry for entry in entries if entry["level"] == "SEVERE"] == []


def test_every_image_is_decoded(browser):
    driver, _ = browser
    images = driver.execute_script(
        "return Array.from(document.images, img => ({complete: img.complete, "
        "width: img.naturalWidth, height: img.naturalHeight, alt: img.alt, "
        "section: img.closest('section') && img.closest('section').id}));"
    )
    assert len(images) >= len(NAMES)
    assert {image["section"] for image in images} == set(NAMES)
    for image in images:
        assert image["complete"] and image["width"] > 0 and image["height"] > 0, image
        assert image["alt"].strip(), image


def test_every_network_figure_is_shown_beside_its_part(browser):
    driver, _ = browser
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('.intro figure.network img'), img => ({"
        "id: img.closest('figure').id, section: img.closest('section').id,"
        "complete: img.complete, width: img.naturalWidth, shown: img.clientWidth}));"
    )
    assert [image["id"] for image in shown] == [f"part{k}_network" for k in range(1, 6)]
    for image in shown:
        assert image["id"] == f"{image['section']}_network", image
        assert image["complete"] and image["width"] > 0 and image["shown"] > 0, image


def test_every_navigation_link_lands_on_its_section(browser):
    from selenium.webdriver.common.by import By

    driver, _ = browser
    links = driver.find_elements(By.CSS_SELECTOR, "nav a")
    assert [link.get_attribute("hash") for link in links] == [f"#{name}" for name in NAMES]
    for link in reversed(links):  # from the bottom up: each click really has to scroll
        target = link.get_attribute("hash")
        link.click()
        landed = driver.execute_script(
            "const el = document.getElementById(arguments[0].slice(1));"
            "const r = el.getBoundingClientRect();"
            "return {hash: location.hash, top: r.top, bottom: r.bottom, "
            "height: window.innerHeight, tag: el.tagName};",
            target,
        )
        assert landed["hash"] == target
        assert landed["tag"] == "SECTION"
        assert abs(landed["top"]) <= 2, landed  # the section starts at the top of the view
        assert landed["bottom"] > 0


def test_screenshot_is_not_blank(browser):
    driver, _ = browser
    driver.execute_script("window.scrollTo(0, 0);")
    pixels = mpimg.imread(io.BytesIO(driver.get_screenshot_as_png()), format="png")
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    rgb = np.round(pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    colours = np.unique(rgb, axis=0)
    assert len(colours) > 50, f"only {len(colours)} colours: a blank page?"
    assert rgb.std() > 20


def _page_numbers(driver):
    """Per part in page order: its id, the embedded JSON (as text) and every key-number row of the page as shown."""
    return driver.execute_script(
        "const out = [];"
        "for (const section of document.querySelectorAll('section.part')) {"
        "  const rows = Array.from(section.querySelectorAll('tr[data-key]'), tr => {"
        "    const cell = tr.querySelector('td.value');"
        "    const matrix = Array.from(cell.querySelectorAll('tr'),"
        "      r => Array.from(r.querySelectorAll('td'), td => td.innerText));"
        "    return {key: tr.dataset.key, value: tr.dataset.value,"
        "            shown: matrix.length ? matrix : cell.innerText};"
        "  });"
        "  out.push({id: section.id,"
        "    json: document.getElementById('data-' + section.id).textContent,"
        "    rows: rows, output: section.querySelector('pre.output').innerText});"
        "}"
        "return out;"
    )


def test_numbers_on_the_page_equal_scratchnn_all_json(browser, generated):
    driver, _ = browser
    _, everything = generated
    sections = _page_numbers(driver)  # a list: the page's order
    assert [section["id"] for section in sections] == list(everything) == NAMES
    shown = {section["id"]: section for section in sections}
    for name in NAMES:
        assert json.loads(shown[name]["json"]) == everything[name], name
        assert shown[name]["rows"], name
        for row in shown[name]["rows"]:
            assert_key_number(row["key"], row["value"], row["shown"], everything[name])
    # the numbers a learner looks for first, as they appear on the page
    part1 = shown["part1"]["output"]
    for k, (w, loss) in enumerate(zip(everything["part1"]["w"], everything["part1"]["loss"])):
        assert f"w({k}): {w:.4f}" in part1 and f"loss: {loss:.4f}" in part1
    keys = {name: [json.loads(r["key"]) for r in shown[name]["rows"]] for name in NAMES}
    assert ["w", -1] in keys["part1"]
    assert ["test_accuracy"] in keys["part5"] and ["confusion_matrix"] in keys["part5"]
    matrix = lookup(everything["part5"], ["confusion_matrix"])
    assert sum(map(sum, matrix)) == everything["part5"]["n_test"]
