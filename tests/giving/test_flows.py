"""The whole one-off and monthly flows through Stripe Checkout, with the Stripe API replaced by a
local fake that speaks its protocol and signs its webhooks the same way."""

from __future__ import annotations

import pytest

from giving.models import Donation, DonationStatus, ProviderEvent, Subscription
from tests.giving.conftest import deliver, gift_form

pytestmark = pytest.mark.django_db


def start_gift(client, fake, **overrides) -> tuple[Donation, dict]:
    response = client.post("/en/give/", gift_form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    donation = Donation.objects.get()
    session = fake.sessions[donation.checkout_session_id]
    assert response["Location"] == session["url"]
    return donation, session


def test_one_off_gift_is_pending_until_the_signed_webhook_then_receipted(client, fake_stripe, currencies, mailoutbox):
    donation, session = start_gift(client, fake_stripe, amount="50", designation="violence", dedication="For my sister")
    assert donation.status == DonationStatus.PENDING
    request = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert request["headers"]["Idempotency-Key"] == f"checkout-{donation.public_id}"
    assert request["params"]["mode"] == "payment"
    assert request["params"]["line_items"][0]["price_data"] == {
        "currency": "usd",
        "unit_amount": "5000",
        "product_data": {"name": "HeForShe gift"},
    }
    assert request["params"]["client_reference_id"] == str(donation.public_id)
    assert mailoutbox == []

    response = deliver(client, fake_stripe, fake_stripe.pay(session["id"]))

    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert donation.payment_intent_id == fake_stripe.sessions[session["id"]]["payment_intent"]
    assert len(mailoutbox) == 1
    receipt = mailoutbox[0]
    assert receipt.to == ["amina@example.org"]
    assert "$50.00" in receipt.subject
    assert "$50.00" in receipt.body
    assert "violence" in receipt.body.lower()
    assert "For my sister" in receipt.body
    html, mimetype = receipt.alternatives[0]
    assert mimetype == "text/html" and "$50.00" in html
    thanks = client.get(f"/en/give/thanks/{donation.public_id}/")
    assert "Thank you for your gift" in thanks.content.decode()


def test_monthly_gift_creates_a_subscription_counts_each_month_and_cancels_at_the_provider(
    client, fake_stripe, currencies, mailoutbox
):
    donation, session = start_gift(client, fake_stripe, frequency="monthly", amount="10")
    request = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert request["params"]["mode"] == "subscription"
    assert request["params"]["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    assert request["params"]["subscription_data"]["metadata"] == {"donation": str(donation.public_id)}

    deliver(client, fake_stripe, fake_stripe.pay(session["id"]))
    subscription = Subscription.objects.get()
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.provider_subscription_id == fake_stripe.sessions[session["id"]]["subscription"]
    donation.refresh_from_db()
    assert (donation.status, donation.subscription_id) == (DonationStatus.SUCCEEDED, subscription.pk)
    assert "monthly gift" in mailoutbox[0].subject
    assert "/give/my-gifts/sign-in/" in mailoutbox[0].body

    deliver(client, fake_stripe, fake_stripe.invoice_paid(session["id"]))
    month_two = Donation.objects.exclude(pk=donation.pk).get()
    assert (month_two.status, month_two.amount_minor, month_two.subscription_id) == (
        DonationStatus.SUCCEEDED,
        1000,
        subscription.pk,
    )
    assert len(mailoutbox) == 2

    # The donor signs in through the emailed link and opens the customer portal.
    link = next(line for line in mailoutbox[0].body.splitlines() if "/my-gifts/sign-in/" in line).strip()
    path = link.removeprefix("http://testserver")
    assert client.post(path).status_code == 302
    page = client.get("/en/give/my-gifts/")
    assert page.content.decode().count("$10.00") == 2
    portal = client.post(f"/en/give/my-gifts/manage/{subscription.pk}/")
    assert portal.status_code == 302 and portal["Location"].startswith(f"{fake_stripe.url}/portal/")
    assert fake_stripe.last("POST", "/v1/billing_portal/sessions")["headers"]["Idempotency-Key"]

    # Cancelled at the provider (in the portal): the webhook ends the monthly gift.
    deleted = fake_stripe.event(
        "customer.subscription.deleted",
        {"id": subscription.provider_subscription_id, "object": "subscription", "status": "canceled"},
    )
    deliver(client, fake_stripe, deleted)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CANCELLED and subscription.cancelled_at is not None
    assert ProviderEvent.objects.count() == 3


def test_the_checkout_amount_comes_from_the_validated_row_not_the_post(client, fake_stripe, currencies):
    donation, _session = start_gift(client, fake_stripe, amount="other", other_amount="12.34", unit_amount="1")
    params = fake_stripe.last("POST", "/v1/checkout/sessions")["params"]
    assert params["line_items"][0]["price_data"]["unit_amount"] == "1234"
    assert donation.amount_minor == 1234


def test_returning_before_the_webhook_asks_the_provider_and_the_late_webhook_changes_nothing(
    client, fake_stripe, currencies, mailoutbox
):
    donation, session = start_gift(client, fake_stripe)
    event = fake_stripe.pay(session["id"])  # paid at Stripe; the webhook is late

    page = client.get(f"/en/give/thanks/{donation.public_id}/")

    assert "Thank you for your gift" in page.content.decode()
    assert fake_stripe.last("GET", f"/v1/checkout/sessions/{session['id']}")
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert deliver(client, fake_stripe, event).status_code == 200
    assert Donation.objects.get().status == DonationStatus.SUCCEEDED
    assert len(mailoutbox) == 1


def test_returning_after_the_webhook_shows_thanks_without_asking_the_provider(client, fake_stripe, currencies):
    donation, session = start_gift(client, fake_stripe)
    deliver(client, fake_stripe, fake_stripe.pay(session["id"]))
    before = len(fake_stripe.requests)

    page = client.get(f"/en/give/thanks/{donation.public_id}/")

    assert "Thank you for your gift" in page.content.decode()
    assert len(fake_stripe.requests) == before


def test_returning_while_unpaid_says_we_are_confirming(client, fake_stripe, currencies):
    donation, _session = start_gift(client, fake_stripe)
    page = client.get(f"/en/give/thanks/{donation.public_id}/")
    assert "We are confirming your payment" in page.content.decode()
    assert Donation.objects.get().status == DonationStatus.PENDING


def test_an_expired_checkout_cancels_the_pending_gift(client, fake_stripe, currencies):
    donation, session = start_gift(client, fake_stripe)
    deliver(client, fake_stripe, fake_stripe.expire(session["id"]))
    donation.refresh_from_db()
    assert donation.status == DonationStatus.CANCELLED


def test_a_provider_that_times_out_gets_a_clear_message_and_keeps_the_form(client, fake_stripe, currencies):
    fake_stripe.delay = 3  # longer than STRIPE_TIMEOUT

    response = client.post("/en/give/", gift_form(amount="other", other_amount="77"))

    assert response.status_code == 503
    body = response.content.decode()
    assert "The payment service did not answer. Nothing was charged" in body
    assert 'value="77"' in body and "amina@example.org" in body
    assert Donation.objects.get().status == DonationStatus.PENDING


@pytest.mark.parametrize(
    ("language", "subject_start", "rtl"),
    [
        ("en", "Receipt for your gift of", False),
        ("ar", "إيصال تبرعك بمبلغ", True),
        ("es", "Recibo de tu donativo de", False),
        ("fr", "Reçu de votre don de", False),
        ("ru", "Квитанция о пожертвовании", False),
        ("zh-hans", "您捐款", False),
    ],
)
def test_the_receipt_is_in_the_donors_language_with_a_text_and_an_html_part(
    client, fake_stripe, currencies, mailoutbox, language, subject_start, rtl
):
    response = client.post(f"/{language}/give/", gift_form(amount="50"))
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.language == language
    deliver(client, fake_stripe, fake_stripe.pay(donation.checkout_session_id))

    receipt = mailoutbox[0]
    assert receipt.subject.startswith(subject_start)
    assert receipt.extra_headers["Content-Language"] == language
    html, _mimetype = receipt.alternatives[0]
    assert ('dir="rtl"' in html) is rtl
    assert "50" in receipt.body and "USD" in receipt.body
