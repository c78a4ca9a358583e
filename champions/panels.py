"""What the champions app shows on other apps' pages (heforshe.lib.panels)."""

from __future__ import annotations

from heforshe.lib import panels

HOME_CHAMPIONS = 3


def home_champions() -> dict | None:
    from champions.selectors import published

    champions = list(published().order_by("?")[:HOME_CHAMPIONS])
    return {"champions": champions} if champions else None


def register() -> None:
    panels.register(
        "home", "champions.featured", template="champions/_home_panel.html", context=home_champions, order=30
    )
