"""Moderation in the admin, and the public pages in every language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from heforshe.roles import PARTNERSHIPS, PLEDGE_MODERATORS
from pledges.counting import fold_events
from pledges.models import CountryCount, Pledge
from pledges.services import pledge_confirm
from tests.factories import staff_user
from tests.pledges.factories import ConfirmedPledgeFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def test_moderators_see_pledges_and_can_preview_then_invalidate_by_domain(client):
    bad = PledgeFactory.create_batch(3, email_domain="spam.example")
    for p in bad[:2]:
        pledge_confirm(pledge_id=p.pk)
    good = PledgeFactory(email_domain="example.org")
    pledge_confirm(pledge_id=good.pk)
    client.force_login(staff_user(PLEDGE_MODERATORS))
    assert client.get("/admin/pledges/pledge/").status_code == 200
    preview = client.get("/admin/pledges/pledge/invalidate/?domain=spam.example")
    assert "3 pledges match, 2 of them confirmed" in preview.content.decode()
    assert Pledge.objects.filter(status=Pledge.Status.INVALIDATED).count() == 0  # a preview changes nothing
    response = client.post("/admin/pledges/pledge/invalidate/", {"domain": "spam.example", "confirm": "yes"})
    assert response.status_code == 302
    assert Pledge.objects.filter(status=Pledge.Status.INVALIDATED).count() == 3
    fold_events()
    assert CountryCount.objects.get(country="KE").n == 1


def test_invalidation_by_ip_hash_and_time_range(client):
    now = timezone.now()
    PledgeFactory(ip_hash="a" * 32)
    PledgeFactory(ip_hash="b" * 32)
    client.force_login(staff_user(PLEDGE_MODERATORS))
    client.post("/admin/pledges/pledge/invalidate/", {"ip_hash": "a" * 32, "confirm": "yes"})
    assert list(Pledge.objects.filter(status=Pledge.Status.INVALIDATED).values_list("ip_hash", flat=True)) == ["a" * 32]
    since = (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
    client.post("/admin/pledges/pledge/invalidate/", {"since": since, "confirm": "yes"})
    assert Pledge.objects.filter(status=Pledge.Status.INVALIDATED).count() == 2


def test_invalidation_needs_a_criterion(client):
    PledgeFactory()
    client.force_login(staff_user(PLEDGE_MODERATORS))
    response = client.post("/admin/pledges/pledge/invalidate/", {"confirm": "yes"})
    assert response.status_code == 200
    assert "at least one criterion" in response.content.decode()
    assert not Pledge.objects.filter(status=Pledge.Status.INVALIDATED).exists()


def test_partnerships_staff_may_view_but_not_invalidate(client):
    client.force_login(staff_user(PARTNERSHIPS))
    assert client.get("/admin/pledges/pledge/").status_code == 200
    assert client.get("/admin/pledges/pledge/invalidate/").status_code == 403


def test_the_trending_view_lists_busy_ip_hashes_and_domains(client):
    PledgeFactory.create_batch(4, ip_hash="c" * 32, email_domain="flood.example")
    client.force_login(staff_user(PLEDGE_MODERATORS))
    html = client.get("/admin/pledges/pledge/trending/").content.decode()
    assert "c" * 32 in html and "flood.example" in html


def test_csv_export_and_the_invalidate_action(client):
    pledges = ConfirmedPledgeFactory.create_batch(2)
    client.force_login(staff_user(PLEDGE_MODERATORS))
    ids = [str(p.pk) for p in pledges]
    response = client.post("/admin/pledges/pledge/", {"action": "export_csv", "_selected_action": ids})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,first_name,email")
    assert pledges[0].email in body
    client.post("/admin/pledges/pledge/", {"action": "invalidate_selected", "_selected_action": ids[:1]})
    assert Pledge.objects.filter(status=Pledge.Status.INVALIDATED).count() == 1


def test_moderators_manage_the_action_catalogue(client):
    client.force_login(staff_user(PLEDGE_MODERATORS))
    assert client.get("/admin/pledges/action/add/").status_code == 200


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "ar", "zh-hans"])
@pytest.mark.parametrize("page", ["pledge/", "map/", "me/", "pledge/privacy/", "pledge/thanks/"])
def test_pages_render_in_every_language(client, lang, page):
    response = client.get(f"/{lang}/{page}")
    assert response.status_code == 200
    assert f'lang="{lang}"' in response.content.decode()


def test_the_map_page_ships_leaflet_shapes_and_a_table_without_js(client):
    pledge_confirm(pledge_id=PledgeFactory(country="IS").pk)
    fold_events()
    html = client.get("/en/map/").content.decode()
    assert "pledges/vendor/leaflet/leaflet.js" in html
    assert "countries-110m.json" in html
    assert 'id="numeric-codes"' in html and '"352": "IS"' in html
    assert '<th scope="row">Iceland</th>' in html
    assert "cdn" not in html.lower()
