"""A missed webhook is found by the reconcile task; refunds go through the provider and move the
gift's state when its webhook comes; Finance may refund, and it is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from giving.models import Donation, DonationStatus, ProviderEvent
from giving.tasks import reconcile_task
from heforshe.models import LogEntry
from heforshe.roles import FINANCE
from tests.factories import staff_user
from tests.giving.conftest import deliver, gift_form

pytestmark = pytest.mark.django_db


def paid_gift(client, fake, **overrides) -> Donation:
    client.post("/en/give/", gift_form(**overrides))
    donation = Donation.objects.latest("created_at")
    deliver(client, fake, fake.pay(donation.checkout_session_id))
    donation.refresh_from_db()
    return donation


def test_reconcile_applies_an_event_whose_webhook_never_arrived(
    client, fake_stripe, currencies, mailoutbox, django_capture_on_commit_callbacks
):
    client.post("/en/give/", gift_form())
    donation = Donation.objects.get()
    fake_stripe.pay(donation.checkout_session_id)  # the webhook is lost on the way

    with django_capture_on_commit_callbacks(execute=True):
        new = reconcile_task.delay().get()

    assert new == 1
    events = fake_stripe.last("GET", "/v1/events")
    assert "checkout.session.completed" in events["params"]["types"]
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED
    assert ProviderEvent.objects.get().via == "reconcile"
    assert len(mailoutbox) == 1


def test_reconcile_after_the_webhook_changes_nothing(client, fake_stripe, currencies, mailoutbox):
    paid_gift(client, fake_stripe)
    assert reconcile_task.delay().get() == 0
    assert ProviderEvent.objects.count() == 1
    assert len(mailoutbox) == 1


def test_finance_refunds_through_the_provider_and_the_webhook_moves_the_state(client, fake_stripe, currencies):
    donation = paid_gift(client, fake_stripe)
    finance = Client()
    finance.force_login(staff_user(FINANCE))

    response = finance.post("/admin/giving/donation/", {"action": "refund", "_selected_action": [donation.pk]})

    assert response.status_code == 302
    request = fake_stripe.last("POST", "/v1/refunds")
    assert request["params"]["payment_intent"] == donation.payment_intent_id
    assert request["headers"]["Idempotency-Key"] == f"refund-{donation.public_id}-5000"
    donation.refresh_from_db()
    assert donation.status == DonationStatus.SUCCEEDED  # until Stripe says so
    assert LogEntry.objects.filter(action="giving.refund.requested", object_id=str(donation.pk)).count() == 1

    refunded = next(e for e in fake_stripe.events if e["type"] == "charge.refunded")
    deliver(client, fake_stripe, refunded)
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_minor) == (DonationStatus.REFUNDED, 5000)


def test_a_partial_refund_leaves_the_rest_counted(client, fake_stripe, currencies):
    from giving.services import donation_refund

    donation = paid_gift(client, fake_stripe)
    donation_refund(donation_id=donation.pk, user=None, amount_minor=2000)
    deliver(client, fake_stripe, fake_stripe.events[-1])
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_minor, donation.net_minor) == (
        DonationStatus.PARTIALLY_REFUNDED,
        2000,
        3000,
    )
    assert fake_stripe.last("POST", "/v1/refunds")["params"]["amount"] == "2000"


def test_a_double_click_on_refund_refunds_once(client, fake_stripe, currencies):
    from giving.services import donation_refund

    donation = paid_gift(client, fake_stripe)
    donation_refund(donation_id=donation.pk, user=None)
    donation_refund(donation_id=donation.pk, user=None)
    refunds = [e for e in fake_stripe.events if e["type"] == "charge.refunded"]
    assert len(refunds) == 1  # the second call reused the idempotency key


def test_a_pending_gift_cannot_be_refunded(client, fake_stripe, currencies):
    from django.core.exceptions import ValidationError

    from giving.services import donation_refund

    client.post("/en/give/", gift_form())
    with pytest.raises(ValidationError):
        donation_refund(donation_id=Donation.objects.get().pk, user=None)
    assert not [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]


def test_other_staff_cannot_refund_or_see_donations(client, fake_stripe, currencies):
    from heforshe.roles import CURATORS, PARTNERSHIPS

    donation = paid_gift(client, fake_stripe)
    for role in (CURATORS, PARTNERSHIPS):
        other = Client()
        other.force_login(staff_user(role))
        assert other.get("/admin/giving/donation/").status_code == 403
        assert (
            other.post("/admin/giving/donation/", {"action": "refund", "_selected_action": [donation.pk]}).status_code
            == 403
        )
    assert not [r for r in fake_stripe.requests if r["path"] == "/v1/refunds"]


def test_finance_refunds_part_of_a_gift_from_its_admin_page(client, fake_stripe, currencies):
    donation = paid_gift(client, fake_stripe)
    finance = Client()
    finance.force_login(staff_user(FINANCE))
    assert "/refund/" in finance.get(f"/admin/giving/donation/{donation.pk}/change/").content.decode()
    page = finance.get(f"/admin/giving/donation/{donation.pk}/refund/")
    assert page.status_code == 200 and 'value="50.00"' in page.content.decode()

    assert finance.post(f"/admin/giving/donation/{donation.pk}/refund/", {"amount": "80"}).status_code == 400
    response = finance.post(f"/admin/giving/donation/{donation.pk}/refund/", {"amount": "12.50"})

    assert response.status_code == 302
    assert fake_stripe.last("POST", "/v1/refunds")["params"]["amount"] == "1250"
    deliver(client, fake_stripe, fake_stripe.events[-1])
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_minor) == (DonationStatus.PARTIALLY_REFUNDED, 1250)


def test_staff_without_the_refund_permission_cannot_open_the_refund_page(client, fake_stripe, currencies):
    from heforshe.roles import PARTNERSHIPS

    donation = paid_gift(client, fake_stripe)
    other = Client()
    other.force_login(staff_user(PARTNERSHIPS))
    assert other.get(f"/admin/giving/donation/{donation.pk}/refund/").status_code == 403
