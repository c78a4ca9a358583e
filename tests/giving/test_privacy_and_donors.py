"""The donor's page by magic link, and the privacy export and erasure."""

from __future__ import annotations

import pytest

from giving.models import Donation, DonationStatus
from heforshe.lib import privacy
from tests.giving.conftest import deliver, gift_form

pytestmark = pytest.mark.django_db


def paid(client, fake, **overrides) -> Donation:
    client.post("/en/give/", gift_form(**overrides))
    donation = Donation.objects.latest("created_at")
    deliver(client, fake, fake.pay(donation.checkout_session_id))
    donation.refresh_from_db()
    return donation


def test_a_donor_gets_a_magic_link_and_sees_only_their_gifts(client, fake_stripe, currencies, mailoutbox):
    paid(client, fake_stripe, email="amina@example.org", amount="50")
    paid(client, fake_stripe, email="someone.else@example.org", amount="25")
    mailoutbox.clear()

    response = client.post("/en/give/my-gifts/", {"email": "Amina@Example.org"})

    assert response.status_code == 200
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/my-gifts/sign-in/" in line).strip()
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200  # a button; a mail scanner's GET signs nobody in
    assert client.post(path).status_code == 302
    page = client.get("/en/give/my-gifts/").content.decode()
    assert "$50.00" in page and "$25.00" not in page


def test_an_address_that_never_gave_gets_the_same_answer_and_no_mail(client, currencies, mailoutbox):
    response = client.post("/en/give/my-gifts/", {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "If we have gifts for that address" in response.content.decode()
    assert mailoutbox == []


def test_a_forged_link_is_a_404(client):
    assert client.get("/en/give/my-gifts/sign-in/forged/").status_code == 404


def test_the_privacy_export_includes_donations(client, fake_stripe, currencies):
    donation = paid(client, fake_stripe, dedication="For my mother")
    data = privacy.export_person(email="amina@example.org")
    assert data["giving"] == [
        {
            "reference": str(donation.public_id),
            "created": donation.created_at.isoformat(),
            "paid": donation.succeeded_at.isoformat(),
            "status": "succeeded",
            "frequency": "one_off",
            "amount": "50.00",
            "currency": "USD",
            "refunded": "0.00",
            "campaign": None,
            "designation": "",
            "dedication": "For my mother",
            "name": "Amina",
            "language": "en",
        }
    ]


def test_erasure_anonymises_the_donor_and_keeps_the_financial_record(client, fake_stripe, currencies):
    donation = paid(client, fake_stripe, dedication="For my mother")
    privacy.erase_person(email="amina@example.org")
    donation.refresh_from_db()
    assert (donation.email, donation.name, donation.dedication) == ("", "", "")
    assert donation.anonymised_at is not None
    assert (donation.amount_minor, donation.currency, donation.status) == (5000, "USD", DonationStatus.SUCCEEDED)
    assert donation.payment_intent_id
    assert privacy.export_person(email="amina@example.org") == {}


def test_erasure_cancels_an_active_monthly_gift_at_the_provider(
    client, fake_stripe, currencies, django_capture_on_commit_callbacks
):
    from giving.models import Subscription

    paid(client, fake_stripe, frequency="monthly", amount="10")
    sub = Subscription.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_person(email="amina@example.org")
    assert fake_stripe.last("DELETE", f"/v1/subscriptions/{sub.provider_subscription_id}")["headers"]["Idempotency-Key"]
    sub.refresh_from_db()
    assert sub.email == ""


def sign_in_as(client, email: str) -> None:
    from giving.views import DONOR_SESSION_KEY

    session = client.session
    session[DONOR_SESSION_KEY] = email
    session.save()


def test_a_donor_prints_the_receipt_of_their_own_gift_only(client, fake_stripe, currencies):
    mine = paid(client, fake_stripe, email="amina@example.org", amount="50", designation="violence")
    theirs = paid(client, fake_stripe, email="other@example.org", amount="25")
    sign_in_as(client, "amina@example.org")

    page = client.get(f"/en/give/my-gifts/receipts/{mine.public_id}/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "$50.00" in body and str(mine.public_id)[:8].upper() in body
    assert client.get(f"/en/give/my-gifts/receipts/{theirs.public_id}/").status_code == 404


def test_managing_a_monthly_gift_with_an_absurd_id_is_a_404(client, currencies):
    sign_in_as(client, "amina@example.org")
    assert client.post(f"/en/give/my-gifts/manage/{10**30}/").status_code == 404


def test_the_thermometer_json_takes_a_fixed_number_of_queries(client, campaign, currencies, django_assert_num_queries):
    import datetime as dt

    from django.utils import timezone

    from giving.models import Offer
    from tests.factories import PartnerFactory

    now = timezone.now()
    for kind in (Offer.Kind.MATCH, Offer.Kind.PER_PLEDGE):
        Offer.objects.create(
            campaign=campaign,
            partner=PartnerFactory(),
            kind=kind,
            cap_minor=1000,
            per_pledge_minor=100,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=1),
        )
    # campaign, rates, sums by currency, offers, one count per offer, the donor count
    with django_assert_num_queries(7):
        response = client.get(f"/en/give/campaigns/{campaign.slug}/progress.json")
    assert response.status_code == 200
