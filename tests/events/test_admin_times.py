"""Staff type an event's start and end in the event's own time zone in the admin, as organisers do on the site."""

from __future__ import annotations

import datetime as dt

import pytest

from events.models import Event
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _post(admin_client, url: str, **overrides):
    data = {
        "slug": "campus-launch-waterloo",
        "kind": "campus_launch",
        "title": "Campus launch at Waterloo",
        "description": "Students join HeForShe.",
        "starts_at_0": "2026-12-06",
        "starts_at_1": "17:00:00",
        "ends_at_0": "2026-12-06",
        "ends_at_1": "19:00:00",
        "timezone": "America/Toronto",
        "country": "CA",
        "city": "Waterloo",
        "venue": "Student Life Centre",
        "precision": "exact",
        "languages": "en,fr",
        "capacity": "0",
        "status": "published",
        **overrides,
    }
    return admin_client.post(url, data)


def test_a_start_typed_in_the_admin_is_read_in_the_events_time_zone(admin_client):
    response = _post(admin_client, "/admin/events/event/add/")
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="campus-launch-waterloo")
    assert event.starts_at == dt.datetime(2026, 12, 6, 22, 0, tzinfo=dt.UTC)


def test_the_change_form_shows_the_start_in_the_events_time_zone(admin_client):
    event = EventFactory(
        timezone="Asia/Tokyo",
        starts_at=dt.datetime(2026, 12, 31, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 31, 2, 0, tzinfo=dt.UTC),
    )
    html = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'name="starts_at_1" value="09:00:00"' in html


def test_the_list_shows_each_start_in_its_events_local_time(admin_client):
    EventFactory(
        title="Tokyo conference",
        timezone="Asia/Tokyo",
        starts_at=dt.datetime(2026, 12, 31, 0, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 12, 31, 2, 0, tzinfo=dt.UTC),
    )
    html = admin_client.get("/admin/events/event/").content.decode()
    assert "Dec. 31, 2026, 9 a.m." in html


def test_a_time_that_does_not_exist_in_the_zone_is_refused_with_a_clear_error(admin_client):
    # 2026-03-08 02:30 does not happen in Toronto: the clocks jump from 2:00 to 3:00.
    response = _post(admin_client, "/admin/events/event/add/", starts_at_0="2026-03-08", starts_at_1="02:30:00")
    assert response.status_code == 200
    assert "couldn’t be interpreted in time zone" in response.content.decode()
