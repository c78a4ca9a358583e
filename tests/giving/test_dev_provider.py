"""The offline development provider: a simulated hosted checkout whose outcome reaches the site
only as a signed webhook, through the same receiver as Stripe's."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from giving.models import Donation, DonationStatus, ProviderEvent, Subscription
from giving.providers.dev import EVENTS_KEY, sign
from tests.giving.conftest import gift_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dev(settings):
    settings.GIVING_PROVIDER = "dev"


def start(client, **overrides):
    response = client.post("/en/give/", gift_form(**overrides))
    assert response.status_code == 302
    donation = Donation.objects.latest("created_at")
    assert response["Location"] == f"/en/give/dev/checkout/{donation.checkout_session_id}/"
    return donation, response["Location"]


def test_succeed_delivers_a_signed_webhook_and_lands_on_thanks(client, currencies, mailoutbox):
    donation, checkout = start(client)
    page = client.get(checkout).content.decode()
    assert "$50.00" in page and "Simulated checkout" in page

    response = client.post(checkout, {"outcome": "succeed"})

    assert response["Location"] == f"http://testserver/en/give/thanks/{donation.public_id}/"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert ProviderEvent.objects.get().type == "checkout.session.completed"
    assert len(mailoutbox) == 1


def test_replaying_the_dev_webhook_changes_nothing(client, currencies, mailoutbox, settings):
    _donation, checkout = start(client)
    client.post(checkout, {"outcome": "succeed"})
    event = cache.get(EVENTS_KEY)[-1]
    payload = json.dumps(event).encode()

    response = client.post(
        "/giving/webhooks/dev/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, settings.GIVING_DEV_WEBHOOK_SECRET),
    )

    assert response.status_code == 200
    assert ProviderEvent.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_declined_card_keeps_the_gift_pending_and_says_so(client, currencies):
    donation, checkout = start(client)
    response = client.post(checkout, {"outcome": "fail"})
    assert "The simulated card was declined" in response.content.decode()
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING


def test_cancel_returns_to_the_site_and_cancels_the_gift(client, currencies):
    donation, checkout = start(client)
    response = client.post(checkout, {"outcome": "cancel"})
    assert response["Location"] == f"http://testserver/en/give/cancelled/{donation.public_id}/"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.CANCELLED
    assert "nothing was charged" in client.get(f"/en/give/cancelled/{donation.public_id}/").content.decode()


def test_a_bad_outcome_is_a_400(client, currencies):
    _donation, checkout = start(client)
    assert client.post(checkout, {"outcome": "steal"}).status_code == 400


def test_a_monthly_gift_is_managed_in_the_simulated_portal(client, currencies, mailoutbox):
    _donation, checkout = start(client, frequency="monthly", amount="10")
    client.post(checkout, {"outcome": "succeed"})
    sub = Subscription.objects.get()
    portal = f"/en/give/dev/portal/{sub.customer_id}/"
    client.post(portal, {"subscription": sub.pk, "action": "renew"})
    assert Donation.objects.filter(subscription=sub, status=DonationStatus.SUCCEEDED).count() == 2
    client.post(portal, {"subscription": sub.pk, "action": "cancel"})
    sub.refresh_from_db()
    assert sub.status == Subscription.Status.CANCELLED


def test_the_dev_pages_do_not_exist_with_stripe(client, currencies, settings):
    _donation, checkout = start(client)
    settings.GIVING_PROVIDER = "stripe"
    assert client.get(checkout).status_code == 404
