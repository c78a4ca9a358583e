"""After signing: the magic link, the 3A ladder, export and erasure."""

from __future__ import annotations

import json
import re

import pytest

from pledges import tokens
from pledges.counting import fold_events
from pledges.models import CountryCount, Pledge, RecordedAction
from pledges.selectors import pledge_stats
from pledges.services import pledge_confirm
from tests.pledges.factories import ActionFactory, ConfirmedPledgeFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def _signed_in(client, pledge) -> None:
    client.post(f"/en/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/")


def test_confirming_signs_the_pledger_in_to_their_page(client):
    pledge = PledgeFactory()
    client.post(f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pledge.pk)}/")
    page = client.get("/en/me/?welcome=1")
    html = page.content.decode()
    assert "My ladder" in html
    assert "twitter.com/intent/tweet" in html and "wa.me" in html and "facebook.com/sharer" in html
    assert "/pledge/share.png?kind=pledge" in html


def test_the_magic_link_opens_a_page_and_signs_in_only_on_post(client):
    pledge = ConfirmedPledgeFactory()
    link = f"/en/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/"
    client.get(link)
    assert "My ladder" not in client.get("/en/me/").content.decode()
    client.post(link)
    assert "My ladder" in client.get("/en/me/").content.decode()


def test_a_pending_pledge_cannot_use_the_ladder(client):
    pledge = PledgeFactory()
    response = client.post(f"/en/me/sign-in/{tokens.make(tokens.SIGN_IN, pledge.pk)}/")
    assert response.status_code == 404


def test_a_signed_in_account_with_the_same_verified_email_reaches_its_ladder(client):
    from tests.factories import UserFactory

    user = UserFactory(email="amani@example.org")
    ConfirmedPledgeFactory(email="Amani@example.org", email_canonical="amani@example.org")
    client.force_login(user)
    assert "My ladder" in client.get("/en/me/").content.decode()


def test_recording_catalogue_and_custom_actions(client):
    pledge = ConfirmedPledgeFactory()
    action = ActionFactory()
    _signed_in(client, pledge)
    response = client.post("/en/me/", {"action": action.pk})
    assert response.status_code == 302 and "shared=" in response["Location"]
    client.post("/en/me/", {"action": action.pk})  # twice: recorded once
    client.post(
        "/en/me/", {"custom_text": "Shared the housework rota at home", "pillar": "economic", "level": "action"}
    )
    assert RecordedAction.objects.filter(pledge=pledge).count() == 2
    html = client.get("/en/me/").content.decode()
    assert "Shared the housework rota at home" in html
    assert pledge_stats()["actions"] == 2


def test_a_custom_action_needs_text_pillar_and_level(client):
    _signed_in(client, ConfirmedPledgeFactory())
    response = client.post("/en/me/", {"custom_text": "", "pillar": "", "level": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_custom_text_error"' in html and 'id="id_pillar_error"' in html
    assert not RecordedAction.objects.exists()


def test_catalogue_titles_follow_the_page_language(client):
    _signed_in(client, ConfirmedPledgeFactory())
    ActionFactory(title="Speak up")
    assert "Prendre la parole" in client.get("/fr/me/").content.decode()


def test_export_gives_the_pledgers_data_as_json(client):
    pledge = ConfirmedPledgeFactory(city="Nairobi")
    RecordedAction.objects.create(pledge=pledge, custom_text="Talked to my team", pillar="economic", level="advocacy")
    _signed_in(client, pledge)
    response = client.post("/en/me/export/")
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["email"] == pledge.email and data["town_or_city"] == "Nairobi"
    assert data["actions"][0]["title"] == "Talked to my team"
    assert "ip_hash" not in data and "network_address" in data


def test_erasure_removes_personal_data_and_keeps_the_count(client):
    pledge = PledgeFactory(first_name="Amani", city="Nairobi", ip_hash="abc", lat10=-13, lng10=368)
    pledge_confirm(pledge_id=pledge.pk)
    RecordedAction.objects.create(pledge=pledge, custom_text="x", pillar="economic", level="advocacy")
    _signed_in(client, pledge)
    assert client.post("/en/me/erase/", {}).status_code == 302  # without the tick box: nothing happens
    assert Pledge.objects.get().erased_at is None
    client.post("/en/me/erase/", {"confirm": "on"})
    pledge.refresh_from_db()
    assert (pledge.first_name, pledge.email, pledge.city, pledge.ip_hash) == ("", "", "", "")
    assert pledge.email_canonical == f"erased:{pledge.pk}"
    assert (pledge.country.code, pledge.lat10, pledge.lng10, pledge.status) == ("KE", -13, 368, Pledge.Status.CONFIRMED)
    assert not RecordedAction.objects.exists()
    fold_events()
    assert CountryCount.objects.get(country="KE").n == 1
    assert "My ladder" not in client.get("/en/me/").content.decode()


def test_privacy_requests_answer_the_same_for_unknown_emails(client, mailoutbox):
    ConfirmedPledgeFactory(email="amani@example.org", email_canonical="amani@example.org")
    known = client.post("/en/pledge/privacy/", {"email": "amani@example.org"})
    unknown = client.post("/en/pledge/privacy/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert [m.to for m in mailoutbox] == [["amani@example.org"]]


def test_the_emailed_privacy_link_exports_and_erases_by_post(client, mailoutbox):
    pledge = ConfirmedPledgeFactory(email="amani@example.org", email_canonical="amani@example.org")
    client.post("/en/pledge/privacy/", {"email": "amani@example.org"})
    link = re.search(r"http://testserver(/en/pledge/privacy/\S+/)", mailoutbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert Pledge.objects.get().erased_at is None
    exported = client.post(link, {"do": "export"})
    assert json.loads(exported.content)["email"] == "amani@example.org"
    client.post(link, {"do": "erase", "confirm": "on"})
    pledge.refresh_from_db()
    assert pledge.erased_at is not None and pledge.email == ""
    assert client.get(link).status_code == 404  # nothing left to manage


def test_share_image_is_a_png(client):
    response = client.get("/en/pledge/share.png?kind=action")
    assert response["Content-Type"] == "image/png"
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/en/pledge/share.png?kind=other").status_code == 404
