"""Site-wide tasks."""

from __future__ import annotations

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT


# Takes the text itself, not a key: an error report has no row, and its request is long gone.
@shared_task(name="heforshe.tasks.mail_admins", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def mail_admins_task(*, subject: str, message: str, html_message: str | None = None) -> None:
    """Mail an error report to ADMINS (queued by heforshe.lib.errormail, off the request)."""
    from django.core import mail

    mail.mail_admins(subject, message, html_message=html_message)
