"""Double opt-in: links open a page, only the POST confirms, once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from pledges import tokens
from pledges.models import CountEvent, Pledge
from pledges.services import pledges_expire
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def _link(mail) -> str:
    return re.search(r"http://testserver(/\S+/pledge/confirm/\S+/)", mail.body).group(1)


def test_opening_the_link_does_not_confirm_and_the_button_does(client, pledge_form_data, mailoutbox):
    client.post("/en/pledge/", pledge_form_data)
    link = _link(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert Pledge.objects.get().status == Pledge.Status.PENDING  # a mail scanner GET changes nothing
    response = client.post(link)
    assert response.status_code == 302 and response["Location"].startswith("/en/me/")
    pledge = Pledge.objects.get()
    assert pledge.status == Pledge.Status.CONFIRMED and pledge.confirmed_at is not None
    assert CountEvent.objects.filter(pledge_id=pledge.pk, delta=1).count() == 1


def test_a_double_click_counts_once(client):
    pledge = PledgeFactory()
    link = f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pledge.pk)}/"
    client.post(link)
    client.post(link)
    assert CountEvent.objects.filter(pledge_id=pledge.pk).count() == 1


def test_forged_or_other_purpose_tokens_are_refused(client):
    pledge = PledgeFactory()
    assert client.get("/en/pledge/confirm/forged/").status_code == 404
    other = tokens.make(tokens.PRIVACY, pledge.pk)
    assert client.post(f"/en/pledge/confirm/{other}/").status_code == 404
    assert Pledge.objects.get().status == Pledge.Status.PENDING


def test_a_link_older_than_seven_days_no_longer_works(client, monkeypatch):
    pledge = PledgeFactory()
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 8 * 24 * 3600)
    token = tokens.make(tokens.CONFIRM, pledge.pk)
    monkeypatch.setattr(time, "time", real)
    assert client.post(f"/en/pledge/confirm/{token}/").status_code == 404
    assert Pledge.objects.get().status == Pledge.Status.PENDING


def test_unconfirmed_pledges_expire_after_seven_days_and_cannot_be_confirmed(client):
    old = PledgeFactory(confirmation_requested_at=timezone.now() - dt.timedelta(days=8))
    fresh = PledgeFactory()
    assert pledges_expire() == 1
    old.refresh_from_db()
    assert old.status == Pledge.Status.EXPIRED
    assert Pledge.objects.get(pk=fresh.pk).status == Pledge.Status.PENDING
    response = client.post(f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, old.pk)}/")
    assert response.status_code == 410
    assert not CountEvent.objects.exists()


def test_an_expired_pledge_signing_again_gets_a_new_link(client, api_payload, mailoutbox):
    PledgeFactory(
        email="amani@example.org",
        email_canonical="amani@example.org",
        status=Pledge.Status.EXPIRED,
        confirmation_requested_at=timezone.now() - dt.timedelta(days=8),
    )
    client.post("/api/v1/pledges/", api_payload, content_type="application/json")
    assert Pledge.objects.get().status == Pledge.Status.PENDING
    assert len(mailoutbox) == 1


def test_the_confirmation_email_is_in_the_pledgers_language(client, api_payload, mailoutbox):
    client.post("/api/v1/pledges/", {**api_payload, "language": "es"}, content_type="application/json")
    assert "/es/pledge/confirm/" in mailoutbox[0].body
    assert "HeForShe" in mailoutbox[0].subject


def test_the_sweeper_sends_every_unsent_email_and_resends_lost_geocoding(mailoutbox):
    from pledges.tasks import sweep_task

    stuck = PledgeFactory(confirmation_requested_at=timezone.now() - dt.timedelta(minutes=5), city="Mombasa")
    Pledge.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    fresh = PledgeFactory()  # just created: the pending row is the queue, whatever its age
    PledgeFactory(confirmation_requested_at=timezone.now() - dt.timedelta(days=3))  # given up on
    assert sweep_task.apply().get() == 3  # two emails and one geocoding
    stuck.refresh_from_db()
    assert stuck.confirmation_sent_at is not None
    assert stuck.location_source == Pledge.LocationSource.TOWN
    assert sorted(m.to[0] for m in mailoutbox) == sorted([stuck.email, fresh.email])
    assert sweep_task.apply().get() == 0  # done once, not again
