"""Thin Celery adapters over actionkits.services; they take primary keys only."""

from __future__ import annotations

from celery import shared_task


# "preview" in the name routes this task to the `media` queue (CELERY_TASK_ROUTES).
# No retries here: a broken PDF is marked failed by the service, and a row left
# pending by a lost or crashed task is sent again by `requeue_previews_task`.
@shared_task(name="actionkits.tasks.generate_preview_task")
def generate_preview_task(translation_id: int) -> bool:
    from actionkits.services import translation_generate_preview

    return translation_generate_preview(translation_id=translation_id)


@shared_task(name="actionkits.tasks.requeue_previews_task")
def requeue_previews_task() -> int:
    from actionkits.services import previews_requeue

    return previews_requeue()
