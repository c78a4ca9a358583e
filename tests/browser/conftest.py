from __future__ import annotations

from pathlib import Path

from tests.conftest import ARTIFACTS

SCREENSHOTS = ARTIFACTS / "screenshots"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
