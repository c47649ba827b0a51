"""Headless Chromium for the browser tests (the report, the documentation site).

:func:`find_chrome` finds Selenium, Chromium and its driver, or skips the test (fails it with
``SCRATCHNN_REQUIRE_BROWSER=1``, as CI sets); :func:`start_chrome` starts a headless session
that keeps the console log.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
DRIVERS = ("chromedriver",)


def missing(reason: str) -> None:
    """Skip the test for ``reason``, or fail it where the browser tests are required."""
    if os.environ.get("SCRATCHNN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and SCRATCHNN_REQUIRE_BROWSER=1 requires the browser tests")
    pytest.skip(reason)


def _which(names: tuple[str, ...]) -> str | None:
    return next((path for path in map(shutil.which, names) if path), None)


def find_chrome() -> tuple[Any, Any, str, str]:
    """Selenium's ``webdriver`` module and ``Service`` class, and the paths of Chromium and its
    driver; checked first, so that a missing browser skips (or fails) before anything runs."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (pip install -e .[test])")
    binary, driver_path = _which(BROWSERS), _which(DRIVERS)
    if binary is None or driver_path is None:
        missing(
            "Chromium and chromedriver are needed (Debian: apt-get install chromium "
            "chromium-driver)"
        )
    return webdriver, Service, binary, driver_path


def start_chrome(chrome: tuple[Any, Any, str, str], width: int = 1280, height: int = 900) -> Any:
    """A headless Chromium session (``chrome`` from :func:`find_chrome`) that keeps the
    browser's console log; the caller quits it."""
    webdriver, Service, binary, driver_path = chrome
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    return driver
