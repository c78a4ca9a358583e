"""Thin, idempotent Celery adapters around newsletters.services."""

from __future__ import annotations

import smtplib

from celery import shared_task


@shared_task(bind=True, name="newsletters.tasks.send_batch", max_retries=10, default_retry_delay=30, ignore_result=True)
def send_batch_task(self, newsletter_id: int) -> None:
    from newsletters.services import newsletter_send_batch

    try:
        newsletter_send_batch(newsletter_id=newsletter_id)
    except (OSError, smtplib.SMTPException) as exc:  # the mail server went away: its rows were released
        raise self.retry(exc=exc) from exc


@shared_task(name="newsletters.tasks.resume", ignore_result=True)
def resume_task(lease_seconds: int | None = None) -> dict:
    from newsletters.services import newsletters_resume

    return newsletters_resume(lease_seconds=lease_seconds)


@shared_task(name="newsletters.tasks.staff_digest", ignore_result=True)
def staff_digest_task() -> int:
    from newsletters.digest import send_digests

    return send_digests()
