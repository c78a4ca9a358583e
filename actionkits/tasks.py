"""Thin Celery adapters over actionkits.services; they take primary keys only."""

from __future__ import annotations

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, MEDIA_QUEUE


# Rendering a PDF page is CPU work: the `media` queue. No retries here: a broken PDF is marked
# failed by the service, and a row left pending by a lost or crashed task is sent again by
# `requeue_previews_task`.
@shared_task(name="actionkits.tasks.generate_preview_task", queue=MEDIA_QUEUE)
def generate_preview_task(translation_id: int) -> bool:
    from actionkits.services import translation_generate_preview

    return translation_generate_preview(translation_id=translation_id)


@shared_task(name="actionkits.tasks.requeue_previews_task", queue=DEFAULT_QUEUE)
def requeue_previews_task() -> int:
    from actionkits.services import previews_requeue

    return previews_requeue()
