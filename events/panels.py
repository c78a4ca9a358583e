"""What the events app shows on other apps' pages (heforshe.lib.panels)."""

from __future__ import annotations

from heforshe.lib import panels

HOME_EVENTS = 3


def home_events() -> dict | None:
    from events.selectors import upcoming

    events = list(upcoming().order_by("starts_at")[:HOME_EVENTS])
    return {"events": events} if events else None


def register() -> None:
    panels.register("home", "events.upcoming", template="events/_home_panel.html", context=home_events, order=20)
