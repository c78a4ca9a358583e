"""A partner's dashboard shows its events: registered, checked in, and the pledges each produced."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.events.factories import EventFactory, registration
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db


def _dashboard(client, user) -> str:
    client.force_login(user)
    return client.get("/en/partners/dashboard/").content.decode()


def test_the_dashboard_lists_the_partners_event_with_its_attendance(client):
    partner = university(slug="waterloo", name="Waterloo")
    event = EventFactory(partner=partner, title="Campus launch at Waterloo")
    registration(event, email="a@example.org")
    registration(event, email="b@example.org").__class__.objects.filter(email="b@example.org").update(
        checked_in_at=timezone.now()
    )
    html = _dashboard(client, partner_admin(partner))
    row = html[html.index("Campus launch at Waterloo") :]
    row = row[: row.index("</tr>")]
    assert ('data-label="Registered">2<' in row, 'data-label="Checked in">1<' in row) == (True, True)


def test_the_dashboard_does_not_show_another_partners_events(client):
    mine, theirs = university(slug="mine", name="Mine"), university(slug="theirs", name="Theirs")
    EventFactory(partner=theirs, title="Their launch")
    assert "Their launch" not in _dashboard(client, partner_admin(mine))


def test_without_events_the_dashboard_invites_the_first_one(client):
    partner = university(slug="new-uni", name="New University")
    assert "create your first one" in _dashboard(client, partner_admin(partner))
