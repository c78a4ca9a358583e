"""Thin, idempotent tasks taking primary keys; the work is in events.services."""

from __future__ import annotations

import logging

from celery import shared_task

from heforshe.lib.tasks import send_task_now

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_confirmation_task(self, registration_id: int) -> None:
    from events.services import registration_send_confirmation

    try:
        registration_send_confirmation(registration_id=registration_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_registered_task(self, registration_id: int) -> None:
    from events.services import registration_send_registered

    try:
        registration_send_registered(registration_id=registration_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_reminder_task(self, registration_id: int) -> None:
    from events.services import reminder_send

    try:
        reminder_send(registration_id=registration_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def reminders_sweep_task(now: str | None = None) -> int:
    """Periodic: enqueue every reminder now due; sending claims each row, so overlaps send once.

    `now` (ISO 8601) replays the sweep as of another instant; beat never passes it.
    """
    import datetime as dt

    from events.services import reminders_due

    due = reminders_due(now=dt.datetime.fromisoformat(now) if now else None)
    for pk in due:
        send_task_now(send_reminder_task, registration_id=pk)
    return len(due)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def notify_change_task(self, event_id: int, kind: str) -> None:
    from events.services import event_notify

    try:
        event_notify(event_id=event_id, kind=kind)
    except OSError as exc:
        raise self.retry(exc=exc) from exc
