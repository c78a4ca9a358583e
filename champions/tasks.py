from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def send_invitation_task(self, invitation_id: int) -> None:
    from champions.services import invitation_send

    try:
        invitation_send(invitation_id=invitation_id)
    except OSError as exc:
        raise self.retry(exc=exc) from exc
