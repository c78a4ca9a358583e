"""Webhooks are the truth: signatures verified, events stored by id, replays and duplicates and
events in an unexpected order end in the right state, counted once."""

from __future__ import annotations

import json
import time

import pytest

from giving.models import Donation, DonationStatus, ProviderEvent, Subscription
from tests.giving.conftest import deliver, gift_form
from tests.giving.fake_stripe import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client, fake_stripe, currencies):
    client.post("/en/give/", gift_form())
    donation = Donation.objects.get()
    return donation, fake_stripe.sessions[donation.checkout_session_id]


def post_raw(client, payload: bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return client.post("/giving/webhooks/stripe/", data=payload, content_type="application/json", **headers)


def test_a_forged_signature_is_refused_and_nothing_is_stored(client, fake_stripe, started):
    _donation, session = started
    payload, _good = fake_stripe.webhook(fake_stripe.pay(session["id"]))
    response = post_raw(client, payload, sign(payload, secret="whsec_attacker"))
    assert response.status_code == 400
    assert ProviderEvent.objects.count() == 0
    assert Donation.objects.get().status == DonationStatus.PENDING


def test_a_tampered_payload_with_a_real_signature_is_refused(client, fake_stripe, started):
    _donation, session = started
    payload, signature = fake_stripe.webhook(fake_stripe.pay(session["id"]))
    tampered = payload.replace(b'"amount_total": 5000', b'"amount_total": 9999999')
    assert post_raw(client, tampered, signature).status_code == 400
    assert ProviderEvent.objects.count() == 0


def test_a_replayed_old_signature_is_refused(client, fake_stripe, started):
    _donation, session = started
    event = fake_stripe.pay(session["id"])
    response = deliver(client, fake_stripe, event, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    assert Donation.objects.get().status == DonationStatus.PENDING


@pytest.mark.parametrize("signature", [None, "", "t=abc,v1=zz", "garbage"])
def test_a_missing_or_malformed_signature_header_is_a_400(client, fake_stripe, started, signature):
    assert post_raw(client, b'{"id": "evt_1", "type": "x"}', signature).status_code == 400


def test_a_signed_body_that_is_not_json_is_a_400(client, fake_stripe, started):
    assert post_raw(client, b"not json", sign(b"not json")).status_code == 400


def test_a_duplicate_delivery_changes_nothing(client, fake_stripe, started, mailoutbox):
    donation, session = started
    event = fake_stripe.pay(session["id"])
    assert deliver(client, fake_stripe, event).status_code == 200
    succeeded_at = Donation.objects.get().succeeded_at

    again = deliver(client, fake_stripe, event)

    assert again.status_code == 200
    assert ProviderEvent.objects.count() == 1
    donation.refresh_from_db()
    assert (donation.status, donation.succeeded_at) == (DonationStatus.SUCCEEDED, succeeded_at)
    assert len(mailoutbox) == 1


def test_a_second_event_for_the_same_payment_counts_it_once(client, fake_stripe, started, mailoutbox):
    _donation, session = started
    deliver(client, fake_stripe, fake_stripe.pay(session["id"]))
    # Stripe may send async_payment_succeeded after completed for the same session.
    deliver(
        client,
        fake_stripe,
        fake_stripe.event("checkout.session.async_payment_succeeded", fake_stripe.sessions[session["id"]]),
    )
    assert ProviderEvent.objects.count() == 2
    assert Donation.objects.filter(status=DonationStatus.SUCCEEDED).count() == 1
    assert len(mailoutbox) == 1


def test_a_webhook_for_an_unknown_session_is_acknowledged_and_recorded(client, fake_stripe, currencies):
    event = fake_stripe.event(
        "checkout.session.completed",
        {
            "id": "cs_test_unknown",
            "object": "checkout.session",
            "client_reference_id": "not-a-uuid",
            "payment_status": "paid",
            "status": "complete",
            "amount_total": 100,
            "currency": "usd",
            "mode": "payment",
        },
    )
    response = deliver(client, fake_stripe, event)
    assert response.status_code == 200
    assert ProviderEvent.objects.get().outcome == "unknown checkout session"
    assert Donation.objects.count() == 0


def test_a_session_whose_amount_differs_from_our_row_is_not_counted(client, fake_stripe, started):
    donation, session = started
    fake_stripe.sessions[session["id"]]["amount_total"] = 1  # what a tampered session would carry
    deliver(client, fake_stripe, fake_stripe.pay(session["id"]))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING
    assert "check with the provider" in donation.status_reason
    assert ProviderEvent.objects.get().outcome == "amount mismatch"


def test_a_refund_that_overtakes_the_payment_webhook_records_both(client, fake_stripe, started):
    donation, session = started
    paid = fake_stripe.pay(session["id"])
    pi = fake_stripe.sessions[session["id"]]["payment_intent"]
    refund = fake_stripe.event(
        "charge.refunded",
        {
            "id": "ch_x",
            "object": "charge",
            "payment_intent": pi,
            "amount": 5000,
            "amount_refunded": 5000,
            "currency": "usd",
            "metadata": {"donation": str(donation.public_id)},
        },
    )
    deliver(client, fake_stripe, refund)
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_minor) == (DonationStatus.REFUNDED, 5000)

    deliver(client, fake_stripe, paid)

    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED


def test_a_monthly_payment_before_the_checkout_webhook_is_not_lost(client, fake_stripe, currencies):
    client.post("/en/give/", gift_form(frequency="monthly", amount="10"))
    first = Donation.objects.get()
    session_id = first.checkout_session_id
    completed = fake_stripe.pay(session_id)
    renewal = fake_stripe.invoice_paid(session_id)

    deliver(client, fake_stripe, renewal)
    deliver(client, fake_stripe, completed)

    assert Subscription.objects.count() == 1
    assert Donation.objects.filter(status=DonationStatus.SUCCEEDED).count() == 2
    assert set(Donation.objects.values_list("subscription_id", flat=True)) == {Subscription.objects.get().pk}


def test_a_dispute_moves_the_gift_out_of_the_totals_and_back_when_won(client, fake_stripe, started):
    donation, session = started
    deliver(client, fake_stripe, fake_stripe.pay(session["id"]))
    pi = fake_stripe.sessions[session["id"]]["payment_intent"]
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": pi, "amount": 5000}
    deliver(client, fake_stripe, fake_stripe.event("charge.dispute.created", {**dispute, "status": "needs_response"}))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.DISPUTED
    deliver(client, fake_stripe, fake_stripe.event("charge.dispute.closed", {**dispute, "status": "won"}))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED


def test_the_webhook_of_another_provider_is_not_served(client, fake_stripe):
    response = client.post("/giving/webhooks/dev/", data=json.dumps({}), content_type="application/json")
    assert response.status_code == 404
