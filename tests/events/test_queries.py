"""List pages answer in a fixed number of queries, however many events and champions there are."""

from __future__ import annotations

import pytest

from tests.champions.factories import ChampionFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def _count(client, django_assert_max_num_queries, path, n):
    with django_assert_max_num_queries(n):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_the_event_list_query_count_does_not_grow_with_events(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        EventFactory()
    _count(client, django_assert_max_num_queries, "/en/events/", 6)
    _count(client, django_assert_max_num_queries, "/en/events/past/", 6)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_champion_list_query_count_does_not_grow_with_champions(client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        ChampionFactory(on_leaderboard=True)
    _count(client, django_assert_max_num_queries, "/en/champions/", 6)
