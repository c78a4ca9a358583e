"""iCalendar (RFC 5545) for events: one file per registration, feeds per partner and per country."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vText
from icalendar import Event as VEvent

from events.models import Event, Registration
from heforshe.lib.mail import site_domain


def event_ics(events, *, registration: Registration | None = None, name: str = "HeForShe") -> bytes:
    """A calendar with the events; the online link is included only for a registered person's own file."""
    cal = Calendar()
    cal.add("prodid", "-//HeForShe//Events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        item = VEvent()
        item.add("uid", f"event-{event.pk}@{site_domain()}")
        item.add("dtstamp", timezone.now())
        # Local times with their zone: calendar apps then follow the zone's DST rules.
        item.add("dtstart", event.local_start)
        item.add("dtend", event.local_end)
        item.add("summary", event.local_title)
        description = event.local_description
        if registration is not None and event.online_url:
            description = f"{description}\n\n{event.online_url}".strip()
        item.add("description", description)
        place = event.public_place
        if registration is not None and event.venue:
            place = ", ".join(p for p in (event.venue, event.city, event.country.name if event.country else "") if p)
        if place:
            item["location"] = vText(place)
        item.add("url", settings.SITE_URL + reverse("events:detail", args=[event.slug]))
        item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
        item.add("sequence", int(event.updated_at.timestamp()) if event.updated_at else 0)
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()
