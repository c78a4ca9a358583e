from __future__ import annotations

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_invitation_task(invitation_id: int) -> None:
    from champions.services import invitation_send

    invitation_send(invitation_id=invitation_id)
