"""With a real Celery worker on Redis and PostgreSQL: emails, sweeper, fold, and concurrency."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from pledges import tokens
from pledges.models import CountEvent, CountryCount, Pledge
from tests.conftest import requires_services, wait_for
from tests.pledges.factories import PledgeFactory

pytestmark = [pytest.mark.worker, requires_services]


def _run_threads(target, args_list):
    errors = []

    def wrapped(*args):
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_the_worker_sends_the_confirmation_and_folds_the_counts(live_worker):
    client = Client()
    response = client.post(
        "/api/v1/pledges/",
        {"first_name": "Kofi", "email": "kofi@example.org", "country": "GH", "city": "Kumasi", "consent": True},
        content_type="application/json",
    )
    assert response.status_code == 202
    pledge = Pledge.objects.get()
    from pledges.tasks import send_confirmations_task

    send_confirmations_task.delay()  # what the beat sends every second
    wait_for(
        lambda: Pledge.objects.filter(
            pk=pledge.pk, confirmation_sent_at__isnull=False, geocoded_at__isnull=False
        ).exists()
    )
    pledge.refresh_from_db()
    assert pledge.location_source == Pledge.LocationSource.TOWN
    client.post(f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pledge.pk)}/")
    from pledges.tasks import fold_counts_task

    fold_counts_task.delay()
    wait_for(lambda: CountryCount.objects.filter(country="GH", n=1).exists())


def test_the_sweeper_resends_a_confirmation_the_broker_never_got(live_worker):
    stuck = PledgeFactory(confirmation_requested_at=timezone.now() - dt.timedelta(minutes=3))
    from pledges.tasks import sweep_task

    sweep_task.delay()
    wait_for(lambda: Pledge.objects.filter(pk=stuck.pk, confirmation_sent_at__isnull=False).exists())


def test_many_simultaneous_signups_and_confirmations_are_each_counted_once(live_worker, settings, monkeypatch):
    from heforshe.lib.ratelimit import ScopedThrottle

    # Every thread comes from 127.0.0.1: lift the per-address limits for this test only.
    settings.PLEDGE_RATE_LIMITS = [("burst", 100000, 60)]
    monkeypatch.setitem(ScopedThrottle.THROTTLE_RATES, "public_write", "100000/min")
    people = [f"man{i}@example.org" for i in range(40)]
    statuses = []

    def sign(email):
        response = Client().post(
            "/api/v1/pledges/",
            {"first_name": "M", "email": email, "country": "BR", "consent": True},
            content_type="application/json",
        )
        statuses.append(response.status_code)

    # Everyone twice, at the same time: still one pledge each.
    _run_threads(sign, [(e,) for e in people + people])
    assert set(statuses) == {202}
    assert Pledge.objects.count() == 40
    ids = list(Pledge.objects.values_list("pk", flat=True))

    def confirm(pk):
        Client().post(f"/en/pledge/confirm/{tokens.make(tokens.CONFIRM, pk)}/")

    # Every link clicked three times at once.
    _run_threads(confirm, [(pk,) for pk in ids * 3])
    assert Pledge.objects.filter(status=Pledge.Status.CONFIRMED).count() == 40
    # A leftover fold task may already be folding: the final figure is what must be exactly 40.

    from pledges.tasks import fold_counts_task

    for _ in range(3):  # concurrent folds: the advisory lock lets one work at a time
        fold_counts_task.delay()
    wait_for(lambda: CountryCount.objects.filter(country="BR", n=40).exists() and not CountEvent.objects.exists())
    from pledges.counting import reconcile_counts

    assert reconcile_counts() == 0
    assert Client().get("/api/v1/pledges/stats/").json()["total"] == 40
