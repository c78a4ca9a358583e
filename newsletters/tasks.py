"""Thin, idempotent Celery adapters around newsletters.services."""

from __future__ import annotations

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT


# A mail server that went away is transient (its rows were released): retried with backoff.
@shared_task(
    name="newsletters.tasks.send_batch",
    queue=DEFAULT_QUEUE,
    ignore_result=True,
    **{**RETRY_ON_TRANSIENT, "max_retries": 10},
)
def send_batch_task(newsletter_id: int) -> None:
    from newsletters.services import newsletter_send_batch

    newsletter_send_batch(newsletter_id=newsletter_id)


@shared_task(name="newsletters.tasks.resume", queue=DEFAULT_QUEUE, ignore_result=True)
def resume_task() -> dict:
    from newsletters.services import newsletters_resume

    return newsletters_resume()


@shared_task(name="newsletters.tasks.staff_digest", queue=DEFAULT_QUEUE, ignore_result=True)
def staff_digest_task() -> int:
    from newsletters.digest import send_digests

    return send_digests()
