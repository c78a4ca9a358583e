"""Thin Celery adapters over actionkits.services; they take primary keys only."""

from __future__ import annotations

from celery import shared_task


# "preview" in the name routes this task to the `media` queue (CELERY_TASK_ROUTES).
@shared_task(name="actionkits.tasks.generate_preview_task", max_retries=3, default_retry_delay=30)
def generate_preview_task(translation_id: int) -> bool:
    from actionkits.services import translation_generate_preview

    return translation_generate_preview(translation_id=translation_id)


@shared_task(name="actionkits.tasks.requeue_previews_task")
def requeue_previews_task() -> int:
    from actionkits.services import previews_requeue

    return previews_requeue()
