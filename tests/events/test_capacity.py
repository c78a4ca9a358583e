"""Capacity under concurrent confirmations: the event row lock keeps it from ever going over."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from events import services
from events.models import Registration
from tests.events.factories import EventFactory, registration

pytestmark = pytest.mark.django_db(transaction=True)


def _run_concurrently(functions) -> None:
    barrier = threading.Barrier(len(functions))
    errors = []

    def runner(fn):
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # noqa: BLE001 - collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(fn,)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_concurrent_confirmations_fill_the_capacity_and_wait_list_the_rest():
    event = EventFactory(capacity=5)
    pending = [registration(event, email=f"p{i}@example.org", status="pending") for i in range(16)]
    _run_concurrently([lambda pk=r.pk: services.registration_confirm(registration_id=pk) for r in pending])
    counts = {
        s: Registration.objects.filter(event=event, status=s).count() for s in ("confirmed", "waitlisted", "pending")
    }
    assert counts == {"confirmed": 5, "waitlisted": 11, "pending": 0}


def test_a_cancellation_gives_the_seat_to_the_first_on_the_wait_list():
    event = EventFactory(capacity=1)
    first = registration(event, email="first@example.org", status="pending")
    second = registration(event, email="second@example.org", status="pending")
    third = registration(event, email="third@example.org", status="pending")
    for r in (first, second, third):
        services.registration_confirm(registration_id=r.pk)
    services.registration_cancel(registration_id=first.pk)
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
        "third@example.org": "waitlisted",
    }


def test_concurrent_cancellations_and_confirmations_never_exceed_capacity():
    event = EventFactory(capacity=3)
    seated = [registration(event, email=f"s{i}@example.org", status="pending") for i in range(3)]
    for r in seated:
        services.registration_confirm(registration_id=r.pk)
    newcomers = [registration(event, email=f"n{i}@example.org", status="pending") for i in range(8)]
    work = [lambda pk=r.pk: services.registration_confirm(registration_id=pk) for r in newcomers]
    work += [lambda pk=r.pk: services.registration_cancel(registration_id=pk) for r in seated[:2]]
    _run_concurrently(work)
    confirmed = Registration.objects.filter(event=event, status="confirmed").count()
    waiting = Registration.objects.filter(event=event, status="waitlisted").count()
    assert confirmed == 3
    assert waiting == 6
