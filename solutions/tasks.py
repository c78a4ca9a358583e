"""Thin, idempotent adapters over solutions.services; they take primary keys."""

from __future__ import annotations

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, MEDIA_QUEUE, RETRY_ON_TRANSIENT, send_task_now


@shared_task(bind=True, queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_join_link_task(self, participant_id: int) -> None:
    from solutions.services import participant_send_join_link

    participant_send_join_link(participant_id=participant_id)


@shared_task(bind=True, queue=MEDIA_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def process_photo_task(self, solution_id: int) -> str:
    from solutions.services import photo_process

    return photo_process(solution_id=solution_id)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True)
def fold_supports_task() -> int:
    from solutions.services import supports_fold

    return supports_fold()


@shared_task(bind=True, queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def notify_outcome_task(self, update_id: int) -> int:
    from solutions.services import outcome_notify

    return outcome_notify(update_id=update_id)


@shared_task(bind=True, queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def notify_threshold_task(self, solution_id: int) -> int:
    from solutions.services import threshold_notify

    return threshold_notify(solution_id=solution_id)


@shared_task(bind=True, queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def notify_moderation_task(self, kind: str, object_id: int, decision: str) -> bool:
    from solutions.services import moderation_notify

    return moderation_notify(kind=kind, object_id=object_id, decision=decision)


@shared_task(bind=True, queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def notify_amendment_task(self, amendment_id: int, event: str) -> bool:
    from solutions.services import amendment_notify

    return amendment_notify(amendment_id=amendment_id, event=event)


@shared_task(bind=True, queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_digest_task(self, participant_id: int) -> bool:
    from solutions.services import digest_send

    return digest_send(participant_id=participant_id)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True)
def send_digests_task() -> int:
    """Once a day: one digest task per follower (each claims its period, so a rerun sends nothing twice)."""
    from solutions.services import digest_recipients

    ids = digest_recipients()
    for pk in ids:
        send_task_now(send_digest_task, participant_id=pk)
    return len(ids)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True)
def sweep_task() -> int:
    """Outcome notices whose task was lost (broker down), the support counts' exact reconcile, and the
    amendments left unanswered when their challenge closed."""
    import datetime as dt

    from django.utils import timezone

    from solutions import counting, services
    from solutions.models import OutcomeUpdate

    stale = timezone.now() - dt.timedelta(minutes=5)
    ids = list(
        OutcomeUpdate.objects.filter(notified_at__isnull=True, created_at__lt=stale).values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        send_task_now(notify_outcome_task, update_id=pk)
    counting.reconcile()
    services.amendments_close()
    return len(ids)
