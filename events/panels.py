"""What the events app shows on other apps' pages (heforshe.lib.panels)."""

from __future__ import annotations

from heforshe.lib import panels

HOME_EVENTS = 3


def home_events() -> dict | None:
    from events.selectors import upcoming

    events = list(upcoming().order_by("starts_at")[:HOME_EVENTS])
    return {"events": events} if events else None


DASHBOARD_EVENTS = 5


def dashboard_events(partner) -> dict:
    """A partner's latest events with registrations, check-ins and the pledges each produced."""
    from events.selectors import events_for_partner, signups

    events = list(events_for_partner(partner_id=partner.pk)[:DASHBOARD_EVENTS])
    produced = signups(events)
    for event in events:
        event.signups = produced.get(event.pk, 0)
    return {"events": events}


def register() -> None:
    panels.register("home", "events.upcoming", template="events/_home_panel.html", context=home_events, order=20)
    panels.register(
        "partner_dashboard", "events.mine", template="events/_dashboard_panel.html", context=dashboard_events
    )
