"""Counting off the write path: events, fold, reconcile, stats and map reads."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from pledges.counting import fold_events, reconcile_counts
from pledges.models import CellCount, CountEvent, CountryCount, Pledge
from pledges.selectors import map_cells, partner_signup_series, partner_signup_total, pledge_stats, pledge_total
from pledges.services import pledge_confirm, pledge_geocode, pledges_invalidate
from tests.factories import PartnerFactory
from tests.pledges.factories import ConfirmedPledgeFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def _confirmed(n: int, **kwargs) -> list[Pledge]:
    pledges = PledgeFactory.create_batch(n, **kwargs)
    for p in pledges:
        pledge_confirm(pledge_id=p.pk)
    return pledges


def test_confirming_writes_an_event_not_a_counter_row():
    _confirmed(3)
    assert CountEvent.objects.count() == 3
    assert not CountryCount.objects.exists()
    assert fold_events() == 3
    assert CountryCount.objects.get(country="KE").n == 3
    assert not CountEvent.objects.exists()


def test_the_total_follows_confirmations_within_the_cache_time(settings):
    settings.PLEDGE_COUNT_CACHE_SECONDS = 2
    assert pledge_total() == 0
    _confirmed(2)
    from pledges.selectors import forget_counts_cache

    forget_counts_cache()  # what the cache expiry does after at most 2 seconds
    assert pledge_total() == 2  # folded on read: no beat needed


def test_pending_and_invalidated_pledges_do_not_count():
    PledgeFactory.create_batch(2)
    counted = _confirmed(3)
    assert pledges_invalidate(pledge_ids=[counted[0].pk]) == 1
    fold_events()
    assert CountryCount.objects.get(country="KE").n == 2


def test_invalidation_leaves_the_cells_too():
    pledges = _confirmed(6, lat10=-13, lng10=368)
    fold_events()
    assert CellCount.objects.get(country="KE").n == 6
    pledges_invalidate(pledge_ids=[p.pk for p in pledges[:2]])
    fold_events()
    assert CellCount.objects.get(country="KE").n == 4


def test_a_town_found_after_confirmation_moves_the_pledge_between_cells():
    pledge = _confirmed(1, city="Mombasa", lat10=-13, lng10=368, location_source=Pledge.LocationSource.IP)[0]
    fold_events()
    pledge_geocode(pledge_id=pledge.pk)
    fold_events()
    pledge.refresh_from_db()
    assert pledge.location_source == Pledge.LocationSource.TOWN
    cells = {(c.lat10, c.lng10): c.n for c in CellCount.objects.all()}
    assert cells[(-13, 368)] == 0
    assert cells[(pledge.lat10, pledge.lng10)] == 1
    assert CountryCount.objects.get(country="KE").n == 1


def test_reconcile_repairs_drift_and_respects_unfolded_events():
    _confirmed(4, lat10=10, lng10=20)
    fold_events()
    CountryCount.objects.filter(country="KE").update(n=999)  # a bug, a manual edit...
    CellCount.objects.create(country="FR", lat10=1, lng10=1, n=7)
    _confirmed(2, lat10=10, lng10=20)  # not folded yet
    assert reconcile_counts() == 2
    assert CountryCount.objects.get(country="KE").n == 4
    assert CellCount.objects.get(country="FR").n == 0
    fold_events()
    assert CountryCount.objects.get(country="KE").n == 6
    assert CellCount.objects.get(country="KE").n == 6
    assert reconcile_counts() == 0


def test_partner_selectors_count_confirmed_pledges_only():
    partner = PartnerFactory()
    _confirmed(2, partner=partner)
    PledgeFactory(partner=partner)
    invalid = ConfirmedPledgeFactory(partner=partner)
    pledges_invalidate(pledge_ids=[invalid.pk])
    assert partner_signup_total(partner_id=partner.pk) == 2
    series = partner_signup_series(partner_id=partner.pk)
    assert sum(n for _day, n in series) == 2


def test_stats_give_per_country_and_per_million_men():
    _confirmed(3, country="IS")
    _confirmed(1, country="FR")
    stats = pledge_stats()
    assert stats["total"] == 4
    iceland = stats["countries"][0]
    assert iceland["code"] == "IS" and iceland["count"] == 3
    assert iceland["per_million_men"] > 10  # about 0.17 million men
    assert stats["countries"][1]["code"] == "FR"


def test_the_bbox_limits_the_cells():
    _confirmed(5, lat10=-13, lng10=368)
    _confirmed(5, country="FR", lat10=488, lng10=23)
    fold_events()
    europe = map_cells(zoom=8, bbox=(-10.0, 35.0, 30.0, 60.0))
    assert [f["properties"]["country"] for f in europe["features"]] == ["FR"]


def test_a_cold_stats_read_folds_then_reads_the_counts_once(client, django_assert_num_queries):
    _confirmed(3)
    # fold: savepoint, lock, events, country upsert, the pledges' attribution, its upsert, delete, release;
    # then country counts and action counts
    with django_assert_num_queries(10):
        first = client.get("/api/v1/pledges/stats/")
    assert first.status_code == 200
    assert first.json()["total"] == 3
    assert "max-age" in first["Cache-Control"] and first["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/api/v1/pledges/stats/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_cold_stats_read_with_nothing_to_fold(client, django_assert_num_queries):
    _confirmed(3)
    fold_events()
    # savepoint, lock, no events, release; country counts, action counts
    with django_assert_num_queries(6):
        assert client.get("/api/v1/pledges/stats/").json()["total"] == 3


def test_stats_refuse_parameters_they_do_not_take(client):
    for query in ("zoom=99999999999999999999999", "country=KE", "_=1"):
        response = client.get(f"/api/v1/pledges/stats/?{query}")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_the_home_page_shows_the_global_count(client):
    _confirmed(3)
    html = client.get("/en/").content.decode()
    assert re.search(r"data-pledge-total [^>]*>3<", html)
    assert "pledges/counter.js" in html


def test_the_advisory_lock_keeps_a_second_fold_out():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL advisory locks")
    import threading

    from django.db import transaction

    from pledges.counting import _lock

    _confirmed(1)
    results = []
    with transaction.atomic():
        assert _lock(wait=False)

        def other():
            results.append(fold_events())
            connection.close()

        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert results == [0]


def test_the_three_endpoints_are_in_the_openapi_schema_with_examples(client):
    schema = client.get("/api/schema/", headers={"accept": "application/vnd.oai.openapi+json"}).json()
    paths = schema["paths"]
    assert {"/api/v1/pledges/", "/api/v1/pledges/stats/", "/api/v1/pledges/map/"} <= set(paths)
    assert paths["/api/v1/pledges/"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert "examples" in paths["/api/v1/pledges/stats/"]["get"]["responses"]["200"]["content"]["application/json"]


def test_stats_etag_and_names_follow_the_language(client):
    _confirmed(1, country="DE")
    en = client.get("/api/v1/pledges/stats/", HTTP_ACCEPT_LANGUAGE="en")
    fr = client.get("/api/v1/pledges/stats/", HTTP_ACCEPT_LANGUAGE="fr")
    assert en.json()["countries"][0]["name"] == "Germany"
    assert fr.json()["countries"][0]["name"] == "Allemagne"
    assert en["ETag"] != fr["ETag"]
    assert "Accept-Language" in fr["Vary"]


def _record_actions(pledge, n: int) -> None:
    from pledges.services import action_record

    for i in range(n):
        # Own words count once per wording across everyone: each pledger words his own.
        action_record(pledge_id=pledge.pk, custom_text=f"Action {pledge.pk} {i}", pillar="economic", level="action")


def test_recorded_actions_move_the_actions_total_and_the_stats_never_count_them(client):
    from django.test.utils import CaptureQueriesContext

    from pledges.counting import actions_total

    pledges = _confirmed(2)
    _record_actions(pledges[0], 2)
    _record_actions(pledges[1], 1)
    assert actions_total() == 3
    with CaptureQueriesContext(connection) as queries:
        stats = client.get("/api/v1/pledges/stats/").json()
    assert stats["actions"] == 3
    assert not [q["sql"] for q in queries.captured_queries if "recordedaction" in q["sql"]]


def test_invalidating_or_erasing_a_pledge_takes_its_actions_out_of_the_total():
    from pledges.counting import actions_total
    from pledges.services import pledge_erase

    invalid, erased, kept = _confirmed(3)
    for pledge in (invalid, erased, kept):
        _record_actions(pledge, 2)
    pledges_invalidate(pledge_ids=[invalid.pk])
    pledge_erase(pledge_id=erased.pk)
    assert actions_total() == 2
    assert reconcile_counts() == 0


def test_reconcile_repairs_the_actions_total():
    from pledges.counting import actions_total
    from pledges.models import CountTotal

    _record_actions(_confirmed(1)[0], 3)
    CountTotal.objects.filter(name="actions").update(n=40)
    assert reconcile_counts() == 1
    assert actions_total() == 3


def test_the_fold_task_builds_the_snapshot_so_readers_do_no_database_work(client, django_assert_num_queries, settings):
    from pledges.selectors import SNAPSHOT_KEY, forget_process_memo
    from pledges.tasks import fold_counts_task

    settings.PLEDGE_FOLD_ON_READ = True
    _confirmed(4)
    fold_counts_task()
    forget_process_memo()  # another process: only the shared cache holds the snapshot
    from django.core.cache import cache

    assert cache.get(SNAPSHOT_KEY)["total"] == 4
    with django_assert_num_queries(0):
        response = client.get("/api/v1/pledges/stats/")
    assert response.json()["total"] == 4
    with django_assert_num_queries(0):
        assert client.get("/api/v1/pledges/map/?zoom=3").status_code == 200


def test_a_read_that_finds_no_snapshot_builds_it_from_the_count_tables_alone(client, settings):
    from django.test.utils import CaptureQueriesContext

    settings.PLEDGE_FOLD_ON_READ = False
    _confirmed(2)
    fold_events()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/pledges/stats/").json()["total"] == 2
    tables = sorted(
        {
            t
            for q in queries.captured_queries
            for t in ("pledges_pledge", "pledges_recordedaction", "pledges_countrycount", "pledges_counttotal")
            if f'"{t}"' in q["sql"] or f" {t}" in q["sql"]
        }
    )
    assert tables == ["pledges_countrycount", "pledges_counttotal"]
