"""Thin Celery adapters around stories.services; they take primary keys only.

Task names containing "media" are routed to the `media` queue (CELERY_TASK_ROUTES),
so a long transcode never delays the default queue's emails.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

logger = logging.getLogger(__name__)

# A 60 s 1080p upload transcodes in well under this on two cores; a file that
# takes longer is stopped and marked failed rather than blocking the queue.
MEDIA_SOFT_LIMIT = 1800
MEDIA_HARD_LIMIT = 1900


@shared_task(
    bind=True,
    name="stories.tasks.process_media_task",
    max_retries=3,
    default_retry_delay=15,
    soft_time_limit=MEDIA_SOFT_LIMIT,
    time_limit=MEDIA_HARD_LIMIT,
    acks_late=True,
    ignore_result=True,
)
def process_media_task(self, media_id: int) -> str:
    from stories.models import MediaFailure
    from stories.services import media_fail, media_process, media_release

    try:
        return media_process(media_id=media_id)
    except SoftTimeLimitExceeded:
        media_fail(media_id=media_id, code=MediaFailure.TIMEOUT)
        return "failed"
    except Exception as exc:  # noqa: BLE001 - unexpected: retry a few times, then give a reason
        logger.exception("processing media %s failed", media_id)
        if self.request.retries >= self.max_retries:
            media_fail(media_id=media_id, code=MediaFailure.UNKNOWN, detail=repr(exc))
            return "failed"
        media_release(media_id=media_id)
        raise self.retry(exc=exc) from exc


@shared_task(name="stories.tasks.share_image_media_task", max_retries=2, default_retry_delay=30, ignore_result=True)
def share_image_media_task(story_id: int) -> bool:
    from stories.services import story_make_share_image

    return story_make_share_image(story_id=story_id)


@shared_task(name="stories.tasks.requeue_media_sweeper", ignore_result=True)
def requeue_media_sweeper() -> int:
    from stories.services import media_requeue_unfinished
    from stories.tus import uploads_expire

    uploads_expire()
    return media_requeue_unfinished()


@shared_task(
    bind=True, name="stories.tasks.notify_submitter_task", max_retries=5, default_retry_delay=60, ignore_result=True
)
def notify_submitter_task(self, story_id: int, to_state: str, comment: str = "") -> bool:
    from stories.services import story_notify_submitter

    try:
        return story_notify_submitter(story_id=story_id, to_state=to_state, comment=comment)
    except OSError as exc:  # SMTP down: try again later
        raise self.retry(exc=exc) from exc


@shared_task(
    bind=True, name="stories.tasks.notify_curators_task", max_retries=5, default_retry_delay=60, ignore_result=True
)
def notify_curators_task(self, story_id: int) -> int:
    from stories.services import story_notify_curators

    try:
        return story_notify_curators(story_id=story_id)
    except OSError as exc:  # SMTP down: try again later
        raise self.retry(exc=exc) from exc


@shared_task(name="stories.tasks.publish_due_task", ignore_result=True)
def publish_due_task() -> int:
    from stories.services import stories_publish_due

    return stories_publish_due()
