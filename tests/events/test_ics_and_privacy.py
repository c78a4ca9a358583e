"""iCalendar feeds parsed with a real parser, and the pledger's privacy export and erasure covering events."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events.models import Registration
from heforshe.lib import privacy
from tests.events.factories import EventFactory, registration
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_the_partner_feed_lists_its_events_with_their_time_zone(client):
    partner = PartnerFactory(slug="uni")
    start = dt.datetime(2099, 10, 25, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    EventFactory(
        partner=partner,
        title="Autumn launch",
        timezone="Europe/London",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    EventFactory(title="Someone else's")
    response = client.get("/en/events/feeds/partner/uni.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Autumn launch"]
    assert events[0]["DTSTART"].dt == start
    assert str(events[0]["DTSTART"].dt.tzinfo) == "Europe/London"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_the_country_feed_lists_the_countrys_events_and_refuses_unknown_codes(client):
    EventFactory(title="Nairobi launch", country="KE")
    EventFactory(title="Lyon meeting", country="FR", timezone="Europe/Paris")
    cal = Calendar.from_ical(client.get("/en/events/feeds/country/ke.ics").content)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Nairobi launch"]
    assert client.get("/en/events/feeds/country/XX.ics").status_code == 404


def test_a_cancelled_event_is_cancelled_in_the_calendar(client):
    event = EventFactory(status="cancelled")
    cal = Calendar.from_ical(client.get(f"/en/events/{event.slug}/event.ics").content)
    assert str(cal.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_a_hostile_token_is_not_found(client):
    assert client.get("/en/events/registration/%00abc/").status_code == 404
    assert client.get("/en/events/registration/" + "a" * 300 + "/").status_code == 404


def test_the_privacy_export_and_erasure_cover_registrations():
    event = EventFactory(title="Nairobi launch")
    person = registration(event, email="Amani@Example.org", name="Amani")
    person.checked_in_at = person.confirmed_at
    person.save()
    exported = privacy.export_person(email="amani@example.org")
    assert exported["events"][0]["event"] == "Nairobi launch"
    assert exported["events"][0]["name"] == "Amani"
    privacy.erase_person(email="amani@example.org")
    person.refresh_from_db()
    assert (person.name, person.email) == ("", "")
    assert person.checked_in_at is not None  # attendance stays counted
    assert privacy.export_person(email="amani@example.org").get("events") is None
    assert Registration.objects.count() == 1
