"""Thin Celery adapters around `partners.services`; they take primary keys only."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT
from partners.services import ReminderSendError


@shared_task(name="partners.tasks.send_invitation", queue=DEFAULT_QUEUE, **RETRY_ON_TRANSIENT)
def send_invitation_task(invitation_id: int) -> None:
    from partners.services import invitation_send

    invitation_send(invitation_id=invitation_id)


# ReminderSendError is the mail server failing (the row was released). Backs off 1x, 2x, 4x... the
# base; after the last retry the row stays unsent and the hourly sweep dispatches it again.
@shared_task(
    name="partners.tasks.send_report_reminder",
    queue=DEFAULT_QUEUE,
    autoretry_for=(ReminderSendError,),
    retry_backoff=settings.PARTNERS_REMINDER_RETRY_SECONDS,
    retry_backoff_max=24 * 3600,
    retry_jitter=False,
    max_retries=6,
)
def send_report_reminder_task(reminder_id: int) -> None:
    from partners.services import reminder_send

    reminder_send(reminder_id=reminder_id)


@shared_task(name="partners.tasks.send_report_status", queue=DEFAULT_QUEUE, **RETRY_ON_TRANSIENT)
def send_report_status_task(report_id: int, action: str) -> None:
    from partners.services import report_status_notify

    report_status_notify(report_id=report_id, action=action)


@shared_task(name="partners.tasks.reports_sweep", queue=DEFAULT_QUEUE, ignore_result=True)
def reports_sweep() -> dict[str, int]:
    """Hourly: open due drafts, flag overdue reports, write and send reminders."""
    from partners.services import reports_sweep as sweep

    return sweep()
