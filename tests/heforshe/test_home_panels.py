"""The home page shows what other apps contribute: upcoming events, champions, open challenges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from events.models import Event
from pledges.tasks import fold_counts_task
from tests.champions.factories import ChampionFactory
from tests.events.factories import EventFactory
from tests.solutions.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the page and its panels are cached for a minute
    yield
    cache.clear()


def _home(client) -> str:
    return client.get("/en/").content.decode()


def test_an_upcoming_event_is_on_the_home_page(client):
    EventFactory(title="Campus launch at Makerere")
    assert "Campus launch at Makerere" in _home(client)


def test_past_draft_and_cancelled_events_are_not_on_the_home_page(client):
    past = timezone.now() - dt.timedelta(days=3)
    EventFactory(title="Last week", starts_at=past, ends_at=past + dt.timedelta(hours=2))
    EventFactory(title="Not yet public", status=Event.Status.DRAFT)
    EventFactory(title="Called off", status=Event.Status.CANCELLED)
    html = _home(client)
    assert ("Last week" in html, "Not yet public" in html, "Called off" in html) == (False, False, False)


def test_only_the_three_next_events_are_shown_soonest_first(client):
    soon = timezone.now() + dt.timedelta(days=1)
    for i in range(4):
        EventFactory(
            title=f"Launch {i}", starts_at=soon + dt.timedelta(days=i), ends_at=soon + dt.timedelta(days=i, hours=2)
        )
    html = _home(client)
    assert [f"Launch {i}" in html for i in range(4)] == [True, True, True, False]
    assert html.index("Launch 0") < html.index("Launch 1") < html.index("Launch 2")


def test_a_published_champion_is_on_the_home_page_and_an_unpublished_one_is_not(client):
    ChampionFactory(name="Amani Otieno")
    ChampionFactory(name="Draft Person", is_published=False)
    html = _home(client)
    assert ("Amani Otieno" in html, "Draft Person" in html) == (True, False)


def test_an_open_challenge_is_on_the_home_page_and_a_closed_one_is_not(client):
    ChallengeFactory(question="How can fathers in Zinder share the care?")
    now = timezone.now()
    ChallengeFactory(
        question="An old question?", opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(days=1)
    )
    html = _home(client)
    assert ("How can fathers in Zinder share the care?" in html, "An old question?" in html) == (True, False)


def test_with_nothing_to_show_the_home_page_has_no_empty_panels(client):
    html = _home(client)
    assert ('id="home-events"' in html, 'id="home-champions"' in html, 'id="home-challenges"' in html) == (
        False,
        False,
        False,
    )


def test_the_panels_cost_one_query_each_once_a_minute(client, django_assert_num_queries):
    EventFactory()
    ChampionFactory()
    ChallengeFactory()
    fold_counts_task()  # the counts' snapshot, kept fresh by the beat
    with django_assert_num_queries(3):  # one per panel
        _home(client)
