# ruff: noqa: DTZ001 - wall-clock times in a named zone are the subject of these tests
"""Day-before reminders at 09:00 local time, across time zones and a daylight-saving change, sent once."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from events import services
from events.models import Registration
from tests.conftest import requires_services, wait_for
from tests.events.factories import EventFactory, registration

UTC = dt.UTC


@pytest.mark.parametrize(
    ("zone", "start_local", "expected_utc"),
    [
        # Paris moves to summer time on 29 March 2026 at 02:00: 09:00 that day is 07:00 UTC, not 08:00.
        ("Europe/Paris", dt.datetime(2026, 3, 30, 10, 0), dt.datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),
        # The day before the change is still winter time.
        ("Europe/Paris", dt.datetime(2026, 3, 29, 10, 0), dt.datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),
        # New York changes on 8 March 2026: 09:00 EDT is 13:00 UTC.
        ("America/New_York", dt.datetime(2026, 3, 9, 18, 0), dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)),
        # Autumn in Sydney (back to standard time on 5 April 2026): 09:00 AEST is 23:00 UTC the day before.
        ("Australia/Sydney", dt.datetime(2026, 4, 6, 9, 0), dt.datetime(2026, 4, 4, 23, 0, tzinfo=UTC)),
        ("Asia/Tokyo", dt.datetime(2026, 7, 1, 19, 0), dt.datetime(2026, 6, 30, 0, 0, tzinfo=UTC)),
    ],
)
def test_the_reminder_is_due_at_nine_local_time_the_day_before(zone, start_local, expected_utc):
    starts_at = start_local.replace(tzinfo=ZoneInfo(zone))
    assert services.reminder_time(starts_at=starts_at, zone=zone) == expected_utc


def test_a_wall_clock_time_skipped_by_the_dst_change_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="does not exist"):
        services.local_to_utc(dt.datetime(2026, 3, 29, 2, 30), "Europe/Paris")


def test_an_unknown_time_zone_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="is not a time zone"):
        services.valid_timezone("Mars/Olympus_Mons")


@pytest.fixture
def mail_worker(celery_worker_process, transactional_db, monkeypatch):
    """The real worker, restarted so its email goes to a Redis-backed stand-in for the SMTP server."""
    from heforshe.celery import app
    from tests.partners import mail

    monkeypatch.setenv("EMAIL_BACKEND", "tests.partners.mail.RedisOutboxBackend")
    celery_worker_process.restart()
    mail.reset()
    app.conf.task_always_eager = False
    yield celery_worker_process
    app.conf.task_always_eager = True
    mail.reset()
    monkeypatch.undo()
    celery_worker_process.restart()


@pytest.mark.worker
@requires_services
def test_reminders_go_out_once_on_the_worker_at_each_events_local_time(mail_worker):
    from events.tasks import reminders_sweep_task
    from tests.partners import mail

    # Two events in the future, across a DST change in Paris and in New York.
    paris = EventFactory(
        timezone="Europe/Paris",
        starts_at=dt.datetime(2099, 3, 30, 10, 0, tzinfo=ZoneInfo("Europe/Paris")),
        ends_at=dt.datetime(2099, 3, 30, 12, 0, tzinfo=ZoneInfo("Europe/Paris")),
        remind_at=None,
    )
    new_york = EventFactory(
        timezone="America/New_York",
        starts_at=dt.datetime(2099, 3, 9, 18, 0, tzinfo=ZoneInfo("America/New_York")),
        ends_at=dt.datetime(2099, 3, 9, 20, 0, tzinfo=ZoneInfo("America/New_York")),
        remind_at=None,
    )
    for event in (paris, new_york):
        services.event_save(event=event, user=None)
    registration(paris, email="fr@example.org", language="fr")
    registration(new_york, email="us@example.org", language="es")
    registration(new_york, email="late@example.org", status=Registration.Status.PENDING)
    assert paris.remind_at == dt.datetime(2099, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert new_york.remind_at == dt.datetime(2099, 3, 8, 13, 0, tzinfo=UTC)  # 09:00 EDT

    def sent_count() -> int:
        return Registration.objects.filter(reminder_sent_at__isnull=False).count()

    def sweep(at: dt.datetime, expect: int) -> None:
        # No result backend: wait for the rows the worker marks, then give stray sends a moment.
        reminders_sweep_task.delay(now=at.isoformat())
        wait_for(lambda: sent_count() == expect and len(mail.outbox()) == expect)
        time.sleep(1)
        assert sent_count() == expect

    sweep(dt.datetime(2099, 3, 8, 12, 59, tzinfo=UTC), expect=0)  # a minute early in New York: nothing
    sweep(dt.datetime(2099, 3, 8, 13, 0, tzinfo=UTC), expect=1)
    assert mail.outbox()[0]["to"] == ["us@example.org"]
    assert mail.outbox()[0]["subject"].startswith("Mañana")
    sweep(dt.datetime(2099, 3, 29, 6, 59, tzinfo=UTC), expect=1)  # 08:59 in Paris after the change
    # The sweep runs twice at once (two beats, a retry): still one email each.
    reminders_sweep_task.delay(now="2099-03-29T07:00:00+00:00")
    sweep(dt.datetime(2099, 3, 29, 7, 5, tzinfo=UTC), expect=2)
    sweep(dt.datetime(2099, 3, 29, 8, 0, tzinfo=UTC), expect=2)
    outbox = mail.outbox()
    assert sorted(m["to"][0] for m in outbox) == ["fr@example.org", "us@example.org"]
    assert next(m for m in outbox if m["to"] == ["fr@example.org"])["subject"].startswith("Demain")
