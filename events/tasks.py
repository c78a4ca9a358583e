"""Thin, idempotent tasks taking primary keys; the work is in events.services."""

from __future__ import annotations

import logging

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT, send_task_now

logger = logging.getLogger(__name__)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_confirmation_task(registration_id: int) -> None:
    from events.services import registration_send_confirmation

    registration_send_confirmation(registration_id=registration_id)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_registered_task(registration_id: int) -> None:
    from events.services import registration_send_registered

    registration_send_registered(registration_id=registration_id)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_reminder_task(registration_id: int) -> None:
    from events.services import reminder_send

    reminder_send(registration_id=registration_id)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True)
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


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def notify_change_task(event_id: int, kind: str) -> None:
    from events.services import event_notify

    event_notify(event_id=event_id, kind=kind)
