"""The public events API: upcoming and past published events, filters, no personal data, no online link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Event
from tests.champions.factories import ChampionFactory
from tests.events.factories import EventFactory, registration

pytestmark = pytest.mark.django_db


def _past(**kwargs) -> Event:
    return EventFactory(starts_at=timezone.now() - dt.timedelta(days=3), **kwargs)


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_list_shows_upcoming_published_events_soonest_first():
    later = EventFactory(starts_at=timezone.now() + dt.timedelta(days=9))
    sooner = EventFactory(starts_at=timezone.now() + dt.timedelta(days=2))
    EventFactory(status=Event.Status.DRAFT)
    EventFactory(status=Event.Status.CANCELLED)
    _past()
    assert _slugs(Client().get("/api/v1/events/")) == [sooner.slug, later.slug]


@pytest.mark.parametrize(
    ("query", "field", "value"),
    [("country=FR", "country", "FR"), ("type=conference", "kind", "conference"), ("pillar=peace", "pillar", "peace")],
)
def test_the_list_filters(query, field, value):
    match = EventFactory(**{field: value, "timezone": "Europe/Paris"})
    EventFactory()
    assert _slugs(Client().get(f"/api/v1/events/?{query}")) == [match.slug]


def test_the_list_filters_by_a_language_spoken():
    arabic = EventFactory(languages="fr,ar")
    EventFactory(languages="en")
    assert _slugs(Client().get("/api/v1/events/?language=ar")) == [arabic.slug]


def test_an_unknown_filter_value_is_a_400_naming_the_parameter():
    response = Client().get("/api/v1/events/?type=gala")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["type"]


def test_an_online_link_is_never_shown():
    EventFactory(kind="online", online_url="https://meet.example/secret-room", venue="")
    for url in ("/api/v1/events/", f"/api/v1/events/{Event.objects.get().slug}/"):
        body = Client().get(url).content.decode()
        assert "secret-room" not in body
        assert '"online":true' in body.replace(" ", "")


def test_no_personal_data_of_those_registered_is_shown():
    event = EventFactory(capacity=10)
    registration(event, email="amani.private@example.org", name="Amani Private")
    body = Client().get(f"/api/v1/events/{event.slug}/").content.decode()
    assert "amani.private" not in body
    assert "Amani Private" not in body
    listed = Client().get("/api/v1/events/").json()["results"][0]
    assert listed["seats_left"] == 9


def test_the_venue_is_shown_only_at_the_chosen_precision():
    event = EventFactory(precision="city", venue="Flat 4, 12 Private Road")
    row = Client().get(f"/api/v1/events/{event.slug}/").json()
    assert (row["venue"], row["city"], row["country"]) == ("", "Nairobi", "KE")
    assert "Private Road" not in str(row)


def test_the_detail_is_in_the_requests_language_with_english_fallback():
    event = EventFactory(title="Campus launch", translations={"fr": {"title": "Lancement sur le campus"}})
    assert Client().get(f"/api/v1/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="fr").json()["title"] == (
        "Lancement sur le campus"
    )
    assert Client().get(f"/api/v1/events/{event.slug}/", HTTP_ACCEPT_LANGUAGE="es").json()["title"] == "Campus launch"


def test_a_draft_event_is_not_found():
    event = EventFactory(status=Event.Status.DRAFT)
    response = Client().get(f"/api/v1/events/{event.slug}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_the_detail_lists_only_published_champions():
    event = EventFactory()
    event.champions.add(ChampionFactory(slug="shown", name="Shown"), ChampionFactory(slug="hid", is_published=False))
    assert Client().get(f"/api/v1/events/{event.slug}/").json()["champions"] == [{"slug": "shown", "name": "Shown"}]


def test_past_events_show_attendance_and_the_pledges_they_produced():
    from pledges.counting import fold_events
    from tests.commitments.helpers import pledge_via

    event = _past(slug="nairobi")
    checked_in = registration(event, email="a@example.org")
    registration(event, email="b@example.org")
    checked_in.checked_in_at = timezone.now()
    checked_in.save(update_fields=["checked_in_at"])
    pledge_via(Client(), "/en/pledge/?source=event-nairobi")
    fold_events()
    EventFactory()  # upcoming: not listed
    [row] = Client().get("/api/v1/events/past/").json()["results"]
    assert (row["slug"], row["registered"], row["attended"], row["signups"]) == ("nairobi", 2, 1, 1)


def test_the_lists_take_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(3):
        event = EventFactory()
        event.champions.add(ChampionFactory())
        _past().champions.add(ChampionFactory())
    # count, page, champions (+ the source counts for past events)
    with django_assert_num_queries(3):
        assert len(_slugs(Client().get("/api/v1/events/"))) == 3
    with django_assert_num_queries(4):
        assert len(_slugs(Client().get("/api/v1/events/past/"))) == 3


def test_the_schema_documents_the_events_api_with_examples():
    schema = Client().get("/api/schema/?format=json").json()
    for path in ("/api/v1/events/", "/api/v1/events/past/", "/api/v1/events/{slug}/"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"400", "404", "429"} <= set(responses), path
        assert responses["200"]["content"]["application/json"]["examples"], path
        assert responses["404"]["content"]["application/json"]["examples"], path
    assert "online_url" not in str(schema["components"]["schemas"]["EventOut"])
