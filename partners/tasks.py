"""Thin Celery adapters around `partners.services`; they take primary keys only."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings


@shared_task(name="partners.tasks.send_invitation", bind=True, max_retries=5, default_retry_delay=30)
def send_invitation_task(self, invitation_id: int) -> None:
    from partners.services import invitation_send

    try:
        invitation_send(invitation_id=invitation_id)
    except Exception as exc:  # noqa: BLE001 - mail server trouble: try again later
        raise self.retry(exc=exc) from exc


@shared_task(name="partners.tasks.send_report_reminder", bind=True, max_retries=6)
def send_report_reminder_task(self, reminder_id: int) -> None:
    from partners.services import ReminderSendError, reminder_send

    try:
        reminder_send(reminder_id=reminder_id)
    except ReminderSendError as exc:
        # Backs off 1x, 2x, 4x... the base; after the last retry the row stays
        # unsent and the hourly sweep dispatches it again.
        countdown = settings.PARTNERS_REMINDER_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(name="partners.tasks.send_report_status", bind=True, max_retries=3, default_retry_delay=60)
def send_report_status_task(self, report_id: int, action: str) -> None:
    from partners.services import report_status_notify

    try:
        report_status_notify(report_id=report_id, action=action)
    except Exception as exc:  # noqa: BLE001
        raise self.retry(exc=exc) from exc


@shared_task(name="partners.tasks.reports_sweep", ignore_result=True)
def reports_sweep() -> dict[str, int]:
    """Hourly: open due drafts, flag overdue reports, write and send reminders."""
    from partners.services import reports_sweep as sweep

    return sweep()
