from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.chromium import chromium_path, launch
from tests.conftest import ARTIFACTS

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture(scope="session")
def browser():
    if not chromium_path():
        # .ci/run installs Debian's chromium; a developer machine without it skips these.
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
