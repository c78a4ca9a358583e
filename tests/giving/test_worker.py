"""The reconcile task on a real Celery worker: an event whose webhook never arrived (here, one the
development provider recorded but never delivered) is applied once, and the receipt goes out."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from giving.models import Donation, DonationStatus, ProviderEvent
from giving.providers.dev import EVENTS_KEY
from giving.tasks import reconcile_task
from tests.conftest import requires_services, wait_for

pytestmark = [pytest.mark.worker, requires_services]


def test_the_worker_reconciles_a_missed_event_once(live_worker, settings):
    settings.GIVING_PROVIDER = "dev"  # the worker runs on the embedded default, the development provider
    donation = Donation.objects.create(
        amount_minor=2500,
        currency="EUR",
        email="late@example.org",
        provider="dev",
        checkout_session_id="cs_dev_missed",
    )
    session = {
        "id": "cs_dev_missed",
        "object": "checkout.session",
        "mode": "payment",
        "client_reference_id": str(donation.public_id),
        "amount_total": 2500,
        "currency": "eur",
        "status": "complete",
        "payment_status": "paid",
        "payment_intent": "pi_dev_missed",
        "customer": "cus_dev_missed",
    }
    event = {
        "id": "evt_dev_missed",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {"object": session},
    }
    cache.set(EVENTS_KEY, [event], 600)

    reconcile_task.delay()
    reconcile_task.delay()  # a second run (or a second beat) finds the event already stored

    wait_for(lambda: Donation.objects.get(pk=donation.pk).receipt_sent_at is not None)
    donation.refresh_from_db()
    assert (donation.status, donation.payment_intent_id) == (DonationStatus.SUCCEEDED, "pi_dev_missed")
    wait_for(lambda: ProviderEvent.objects.filter(via="reconcile").count() == 1)
    time.sleep(1)
    assert ProviderEvent.objects.count() == 1
