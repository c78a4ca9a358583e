from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners import selectors
from partners.models import Sector
from partners.services import commitments_adopt_framework
from tests.factories import PartnerFactory
from tests.partners.factories import commitment, confirmed_pledges, draft_report, university

pytestmark = pytest.mark.django_db


def _champions(n_per_sector: int = 3):
    partners = []
    for sector in (Sector.GOVERNMENT, Sector.CORPORATION, Sector.UNIVERSITY):
        for _ in range(n_per_sector):
            p = PartnerFactory(sector=sector, is_impact_champion=True, signup_target=100)
            commitments_adopt_framework(partner=p)
            partners.append(p)
    return partners


def test_the_list_groups_champions_by_sector_with_progress(client):
    partners = _champions(1)
    confirmed_pledges(partners[2], 25)
    PartnerFactory(name="Not a champion", sector=Sector.UNIVERSITY, is_impact_champion=False)
    PartnerFactory(name="Inactive champion", sector=Sector.UNIVERSITY, is_impact_champion=True, is_active=False)
    PartnerFactory(name="A civil society group", sector=Sector.CIVIL_SOCIETY, is_impact_champion=True)
    html = client.get("/en/partners/").content.decode()
    for p in partners:
        assert p.name in html
    for hidden in ("Not a champion", "Inactive champion", "A civil society group"):
        assert hidden not in html
    assert html.index("Government") < html.index("Corporation") < html.index("University")
    assert 'aria-valuenow="25"' in html


def _cold_queries(client, url: str) -> int:
    cache.clear()  # the sign-up totals are cached: count what a cold cache costs
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_and_12_champions_with_a_cold_cache(client):
    partners = _champions(1)
    for p in partners:
        confirmed_pledges(p, 2)
    few = _cold_queries(client, "/en/partners/")
    _champions(3)
    more = _cold_queries(client, "/en/partners/")
    assert (few, more) == (2, 2)  # champions with their progress, then the sign-ups of all of them


def test_cold_and_warm_sign_up_totals_agree(client):
    partners = _champions(1)
    confirmed_pledges(partners[0], 3)
    cache.clear()
    cold = selectors.partner_signups_many(partner_ids=[p.pk for p in partners])
    warm = selectors.partner_signups_many(partner_ids=[p.pk for p in partners])
    assert cold == warm == {partners[0].pk: 3, partners[1].pk: 0, partners[2].pk: 0}


def test_a_partner_page_shows_only_approved_progress(client, partnerships_user):
    from decimal import Decimal

    from partners.services import Transition, report_create, report_transition, report_update
    from tests.partners.factories import last_quarter, partner_admin

    partner = university(slug="campus")
    admin = partner_admin(partner)
    c = commitment(partner, title="Mandatory orientation")
    older = report_create(partner=partner, quarter=last_quarter().previous(), actor=admin)
    report_update(report_id=older.pk, actor=admin, narrative="Approved words", values={c.pk: (Decimal(300), "")})
    report_transition(report_id=older.pk, action=Transition.SUBMIT, actor=admin)
    report_transition(report_id=older.pk, action=Transition.APPROVE, actor=partnerships_user)
    draft = draft_report(partner)
    report_update(report_id=draft.pk, actor=admin, narrative="Draft words", values={c.pk: (Decimal(900), "")})
    html = client.get("/en/partners/campus/").content.decode()
    assert "Mandatory orientation" in html
    assert "Approved words" in html and "300" in html
    assert "Draft words" not in html and "900" not in html


def test_unknown_and_inactive_partners_are_404(client):
    PartnerFactory(slug="gone", is_active=False)
    assert client.get("/en/partners/gone/").status_code == 404
    assert client.get("/en/partners/nobody/").status_code == 404


def test_pages_render_in_arabic_right_to_left(client):
    _champions(1)
    partner = university(slug="rtl")
    commitments_adopt_framework(partner=partner)
    for url in ("/ar/partners/", "/ar/partners/rtl/"):
        html = client.get(url).content.decode()
        assert 'dir="rtl"' in html


def test_the_api_lists_public_data_only(client, django_assert_num_queries):
    partners = _champions(2)
    confirmed_pledges(partners[0], 4)
    draft = draft_report(partners[0])
    draft.narrative = "secret draft"
    draft.save()
    cache.clear()  # a cold sign-up cache: the totals of the whole page come in one query
    with django_assert_num_queries(5):  # count, page, commitments, approved reports, sign-ups
        response = client.get("/api/v1/partners/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 6
    row = next(r for r in data["results"] if r["slug"] == partners[0].slug)
    assert row["signups"] == 4
    assert len(row["commitments"]) == len(partners[0].commitments.all())
    assert row["latest_report"] is None
    body = response.content.decode()
    for private in ("referral_code", partners[0].referral_code, "secret draft", "email"):
        assert private not in body
    sector = client.get("/api/v1/partners/?sector=university").json()
    assert {r["sector"] for r in sector["results"]} == {"university"}
    assert client.get(f"/api/v1/partners/{partners[0].slug}/").json()["signups"] == 4


def test_the_api_is_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/partners/" in schema


def test_the_api_refuses_an_unknown_sector_instead_of_listing_everyone(client):
    _champions(1)
    response = client.get("/api/v1/partners/", {"sector": "zzz"})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["sector"])


def test_the_api_filters_by_a_known_sector(client):
    _champions(1)
    response = client.get("/api/v1/partners/", {"sector": "university"})
    assert [row["sector"] for row in response.json()["results"]] == ["university"]
