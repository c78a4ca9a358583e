"""Bounces and complaints, as the provider posts them to anymail's real tracking endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from newsletters import services
from newsletters.models import Delivery, Suppression
from pledges import services as pledge_services
from pledges.models import Pledge
from tests.newsletters.factories import newsletter, subscriber
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db

SIGNING_KEY = "key-test-signing"
BASIC = "hook:s3cret-hook-password"
URL = "/anymail/mailgun/tracking/"


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def _mailgun_event(
    event: str, recipient: str, *, severity: str = "permanent", message_id: str = "x@heforshe.example", key=SIGNING_KEY
):
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "severity": severity,
            "recipient": recipient,
            "timestamp": float(timestamp),
            "message": {"headers": {"message-id": message_id}},
            "delivery-status": {"message": "550 5.1.1 mailbox unknown", "description": "Not delivered"},
        },
    }


def _post(payload, *, auth=BASIC):
    header = "Basic " + base64.b64encode(auth.encode()).decode()
    return Client().post(URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=header)


def test_a_signed_hard_bounce_suppresses_the_address():
    assert _post(_mailgun_event("failed", "Gone@Example.org")).status_code == 200
    row = Suppression.objects.get()
    assert (row.email_canonical, row.reason, row.source, row.email_domain) == (
        "gone@example.org",
        "bounced",
        "mailgun",
        "example.org",
    )


def test_a_complaint_suppresses_the_address():
    assert _post(_mailgun_event("complained", "angry@example.org")).status_code == 200
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINED


def test_a_temporary_failure_does_not_suppress():
    assert _post(_mailgun_event("failed", "full@example.org", severity="temporary")).status_code == 200
    assert not Suppression.objects.exists()


def test_a_forged_signature_is_refused_and_changes_nothing():
    response = _post(_mailgun_event("failed", "victim@example.org", key="not-the-key"))
    assert response.status_code == 400
    assert not Suppression.objects.exists()


def test_a_post_without_the_shared_secret_is_refused():
    assert _post(_mailgun_event("failed", "victim@example.org"), auth="hook:wrong").status_code == 400
    assert not Suppression.objects.exists()


def test_the_bounce_marks_the_delivery_it_answers(django_capture_on_commit_callbacks):
    him = subscriber(email="gone@example.org", email_canonical="gone@example.org")
    item = newsletter()
    with django_capture_on_commit_callbacks(execute=True):
        services.newsletter_start(newsletter_id=item.pk)
    delivery = Delivery.objects.get(newsletter=item, pledge=him)
    assert delivery.status == Delivery.Status.SENT
    _post(_mailgun_event("failed", him.email, message_id=delivery.message_id.strip("<>")))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED


def test_a_bounced_address_stops_repeated_confirmation_emails(mailoutbox):
    pledge = PledgeFactory(email="gone@example.org", email_canonical="gone@example.org")
    _post(_mailgun_event("failed", pledge.email))
    assert pledge_services.pledge_send_confirmation(pledge_id=pledge.pk) is False
    assert mailoutbox == []
    # Marked as handled: the confirmation sender's queue no longer offers it.
    assert pledge_services.pledges_send_confirmations() == 0
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_at is not None


def test_the_man_whose_address_bounced_is_told_when_he_submits_again(client, settings):
    from pledges.abuse import form_started_token

    settings.PLEDGE_MIN_FILL_SECONDS = 0
    PledgeFactory(email="gone@example.org", email_canonical="gone@example.org")
    _post(_mailgun_event("failed", "gone@example.org"))
    data = {"first_name": "Amani", "email": "gone@example.org", "country": "KE", "consent": "on"}
    response = client.post("/en/pledge/", {**data, "started": form_started_token()})
    assert response.status_code == 400
    assert "were not delivered" in response.content.decode()
    assert Pledge.objects.count() == 1
