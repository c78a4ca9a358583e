"""A champion's reach: the confirmed pledges through their link and the shares of it, read from the count rows."""

from __future__ import annotations

import pytest
from django.test import Client

from champions import selectors
from pledges.counting import fold_events, reconcile_counts
from pledges.models import AttributionCount, Pledge
from pledges.selectors import confirmed_count_by_source
from tests.champions.factories import ChampionFactory
from tests.commitments.helpers import form_data, pledge_via, share_url_of
from tests.partners.factories import university

pytestmark = pytest.mark.django_db


def _chain(url: str, generations: int) -> list[Pledge]:
    pledges = [pledge_via(Client(), url)]
    for _ in range(generations - 1):
        pledges.append(pledge_via(Client(), share_url_of(Client(), pledges[-1])))
    return pledges


def test_pledges_through_the_link_and_its_shares_count_across_generations():
    champion = ChampionFactory(slug="amina")
    _chain("/en/pledge/?source=champion-amina", 3)
    fold_events()
    assert selectors.reach_of(champion) == 3


def test_a_pledge_through_a_partners_page_counts_for_the_champion_too():
    champion = ChampionFactory(slug="amina")
    partner = university(slug="uni")
    pledge_via(Client(), f"/en/partners/{partner.slug}/join/?source=champion-amina")
    pledge_via(Client(), "/en/pledge/?source=champion-amina")
    fold_events()
    assert selectors.reach_of(champion) == 2


def test_an_unconfirmed_pledge_does_not_count():
    champion = ChampionFactory(slug="amina")
    pledge_via(Client(), "/en/pledge/?source=champion-amina")
    response = Client().post("/en/pledge/", form_data(source="champion-amina"))
    assert response.status_code == 302
    fold_events()
    assert Pledge.objects.filter(source_code="champion-amina").count() == 2
    assert selectors.reach_of(champion) == 1


def test_other_codes_do_not_count():
    ChampionFactory(slug="amina")
    pledge_via(Client(), "/en/pledge/?source=champion-omar")
    pledge_via(Client(), "/en/pledge/")
    fold_events()
    assert confirmed_count_by_source(codes=["champion-amina", "champion-omar"]) == {
        "champion-amina": 0,
        "champion-omar": 1,
    }


def test_reconcile_repairs_drift_in_the_reach():
    champion = ChampionFactory(slug="amina")
    _chain("/en/pledge/?source=champion-amina", 2)
    fold_events()
    AttributionCount.objects.filter(partner_id=0, dimension="source", key="champion-amina").update(n=99)
    assert selectors.reach_of(champion) == 99
    assert reconcile_counts() >= 1
    assert selectors.reach_of(champion) == 2
    assert reconcile_counts() == 0


def test_reconcile_restores_a_lost_reach_row():
    champion = ChampionFactory(slug="amina")
    pledge_via(Client(), "/en/pledge/?source=champion-amina")
    fold_events()
    AttributionCount.objects.filter(partner_id=0, dimension="source").delete()
    reconcile_counts()
    assert selectors.reach_of(champion) == 1


def test_the_reach_of_many_champions_is_one_query(django_assert_num_queries):
    champions = [ChampionFactory(slug=f"c{i}") for i in range(5)]
    with django_assert_num_queries(1):
        counts = selectors.reach(champions)
    assert set(counts.values()) == {0}


def test_staff_see_the_real_reach_per_audience_and_pillar(client):
    from heforshe.roles import PARTNERSHIPS
    from tests.factories import staff_user

    ChampionFactory(slug="amina", audience="students", pillar="violence")
    _chain("/en/pledge/?source=champion-amina", 2)
    fold_events()
    report = selectors.staff_reach()
    assert report["champions"][0]["reach"] == 2
    assert dict(report["by_audience"])["Students"] == 2
    assert dict(report["by_pillar"])["Ending violence against women"] == 2
    client.force_login(staff_user(PARTNERSHIPS))
    body = client.get("/en/champions/staff/").content.decode()
    assert "<td data-reach>2</td>" in body


def test_the_page_polls_its_reach_endpoint(client):
    ChampionFactory(slug="amina")
    body = client.get("/en/champions/amina/").content.decode()
    assert 'data-reach-url="/en/champions/amina/reach.json"' in body
    assert "champions/reach.js" in body


def test_the_reach_endpoint_answers_the_live_count():
    ChampionFactory(slug="amina")
    _chain("/en/pledge/?source=champion-amina", 2)
    fold_events()
    response = Client().get("/en/champions/amina/reach.json")
    assert response.status_code == 200
    assert response.json() == {"reach": 2}
    assert response["Cache-Control"] == "public, max-age=5"


def test_the_reach_endpoint_is_served_from_the_cache(django_assert_num_queries):
    ChampionFactory(slug="amina")
    assert Client().get("/en/champions/amina/reach.json").json() == {"reach": 0}
    with django_assert_num_queries(0):
        assert Client().get("/en/champions/amina/reach.json").json() == {"reach": 0}


def test_the_reach_of_an_unpublished_champion_is_not_found():
    ChampionFactory(slug="hidden", is_published=False)
    response = Client().get("/fr/champions/hidden/reach.json")
    assert response.status_code == 404
    assert response.json()["detail"]
