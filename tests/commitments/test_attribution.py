"""Source codes and generations: a pledge inherits its chain's partner and original source."""

from __future__ import annotations

import pytest
from django.test import Client

from pledges.counting import fold_events, reconcile_counts
from pledges.models import Pledge
from pledges.selectors import attribution_summary, referral_reach
from tests.commitments.helpers import pledge_via, share_url_of
from tests.partners.factories import university

pytestmark = pytest.mark.django_db


def test_three_generations_inherit_the_partner_and_the_original_source():
    partner = university(slug="uni")
    first = pledge_via(Client(), f"/en/partners/{partner.slug}/join/?source=email-june")
    second = pledge_via(Client(), share_url_of(Client(), first) + "&source=other")
    third = pledge_via(Client(), share_url_of(Client(), second))
    fourth = pledge_via(Client(), share_url_of(Client(), third))
    rows = {p.pk: p for p in Pledge.objects.all()}
    assert [rows[p.pk].generation for p in (first, second, third, fourth)] == [1, 2, 3, 4]
    assert {rows[p.pk].partner_id for p in (first, second, third, fourth)} == {partner.pk}
    assert {rows[p.pk].source_code for p in (first, second, third, fourth)} == {"email-june"}
    assert rows[third.pk].referred_by_id == second.pk
    assert rows[fourth.pk].referral_path == f"{first.pk}/{second.pk}/{third.pk}/"
    fold_events()
    summary = attribution_summary(partner_ids=[partner.pk])[partner.pk]
    assert summary["total"] == 4
    assert summary["source"] == {"email-june": 4}
    assert summary["generation"] == {"1": 1, "2": 1, "3+": 2}
    assert summary["sharers"] == 3
    assert summary["reach_factor"] == 1.0
    assert referral_reach(pledge_id=first.pk) == {"direct": 1, "total": 3, "further": 2}
    assert reconcile_counts() == 0


def test_a_malformed_source_code_is_dropped_not_stored():
    partner = university(slug="uni")
    pledge = pledge_via(Client(), f"/en/partners/{partner.slug}/join/?source=<script>alert(1)</script>")
    pledge.refresh_from_db()
    assert pledge.source_code == ""
    assert pledge.partner_id == partner.pk


def test_a_source_code_on_the_global_form_is_kept_without_a_partner():
    pledge = pledge_via(Client(), "/en/pledge/?source=Radio_Spot-2")
    pledge.refresh_from_db()
    assert (pledge.source_code, pledge.partner_id, pledge.generation) == ("radio_spot-2", None, 1)


def test_a_forged_referral_is_ignored():
    pledge = pledge_via(Client(), "/en/pledge/?ref=123:forged")
    pledge.refresh_from_db()
    assert (pledge.referred_by_id, pledge.generation) == (None, 1)


def test_an_erased_pledgers_link_still_counts_and_reveals_nothing():
    from pledges.services import pledge_erase

    partner = university(slug="uni")
    first = pledge_via(Client(), f"/en/partners/{partner.slug}/join/")
    url = share_url_of(Client(), first)
    pledge_erase(pledge_id=first.pk)
    page = Client().get(url)
    assert page.status_code == 200
    assert first.first_name not in page.content.decode()
    second = pledge_via(Client(), url)
    second.refresh_from_db()
    assert (second.referred_by_id, second.partner_id, second.generation) == (first.pk, partner.pk, 2)


def test_the_pledge_forms_carry_the_links_source_and_referral():
    from pledges.attribution import share_token

    ref = share_token(1)
    for path in ("/en/pledge/", "/en/partners/uni/join/"):
        university(slug="uni") if path.endswith("join/") else None
        html = Client().get(f"{path}?source=spring-fair&ref={ref}").content.decode()
        assert 'name="source" value="spring-fair"' in html
        assert f'name="ref" value="{ref}"' in html
    assert 'name="source"' in Client().get("/en/pledge/?source=bad code!").content.decode()
    assert "bad code" not in Client().get("/en/pledge/?source=bad code!").content.decode()
