"""Counts per source, generation and country match a recount from the pledges after concurrent sign-ups."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from pledges.attribution import share_token
from pledges.counting import fold_events, reconcile_counts
from pledges.models import AttributionCount, Pledge
from pledges.services import PledgeInput, pledge_confirm, pledge_submit
from tests.partners.factories import university


def _sign_and_confirm(n: int, partner_id: int, referral: str, source: str, country: str) -> None:
    try:
        pledge = pledge_submit(
            data=PledgeInput(
                first_name="Man",
                email=f"concurrent{n}@example.org",
                country=country,
                consent=True,
                partner_id=partner_id,
                referral=referral,
                source_code=source,
            )
        )
        pledge_confirm(pledge_id=pledge.pk)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_counts_per_source_and_generation_match_a_recount_after_concurrent_signups():
    partner = university(slug="uni")
    root = pledge_submit(
        data=PledgeInput(first_name="Root", email="root@example.org", country="KE", consent=True, partner_id=partner.pk)
    )
    pledge_confirm(pledge_id=root.pk)
    ref = share_token(root.pk)
    threads = [
        threading.Thread(
            target=_sign_and_confirm,
            args=(i, partner.pk, ref if i % 2 else "", ["a", "b", "c"][i % 3], ["KE", "FR"][i % 2]),
        )
        for i in range(24)
    ]
    folder_stop = threading.Event()

    def fold_while_running():
        while not folder_stop.is_set():
            fold_events()
        connection.close()

    folder = threading.Thread(target=fold_while_running)
    folder.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    folder_stop.set()
    folder.join()
    fold_events()
    confirmed = Pledge.objects.filter(partner=partner, status="confirmed")
    recount = {
        "source": Counter(confirmed.values_list("source_code", flat=True)),
        "generation": Counter(str(g) for g in confirmed.values_list("generation", flat=True)),
        "country": Counter(confirmed.values_list("country", flat=True)),
    }
    for dimension, expected in recount.items():
        rows = dict(
            AttributionCount.objects.filter(partner_id=partner.pk, dimension=dimension, n__gt=0).values_list("key", "n")
        )
        assert rows == dict(expected), dimension
    assert AttributionCount.objects.get(partner_id=partner.pk, dimension="total").n == 25
    assert AttributionCount.objects.get(partner_id=partner.pk, dimension="sharers").n == 1
    assert reconcile_counts() == 0


@pytest.mark.django_db
def test_the_reconcile_repairs_drifted_attribution_counts():
    partner = university(slug="uni")
    pledge = pledge_submit(
        data=PledgeInput(first_name="A", email="a@example.org", country="KE", consent=True, partner_id=partner.pk)
    )
    pledge_confirm(pledge_id=pledge.pk)
    fold_events()
    AttributionCount.objects.filter(partner_id=partner.pk, dimension="total").update(n=99)
    assert reconcile_counts() == 1
    assert AttributionCount.objects.get(partner_id=partner.pk, dimension="total").n == 1


@pytest.mark.django_db
def test_an_invalidated_pledge_leaves_the_partner_counts():
    from pledges.services import pledges_invalidate

    partner = university(slug="uni")
    pledge = pledge_submit(
        data=PledgeInput(first_name="A", email="a@example.org", country="KE", consent=True, partner_id=partner.pk)
    )
    pledge_confirm(pledge_id=pledge.pk)
    fold_events()
    pledges_invalidate(pledge_ids=[pledge.pk])
    fold_events()
    assert AttributionCount.objects.get(partner_id=partner.pk, dimension="total").n == 0
    assert reconcile_counts() == 0
