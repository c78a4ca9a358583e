"""Thin Celery adapters around stories.services; they take primary keys only.

Transcoding and image work go to the `media` queue, so a long transcode never
delays the default queue's emails.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from heforshe.lib.tasks import DEFAULT_QUEUE, MEDIA_QUEUE, RETRY_ON_TRANSIENT, TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

# A 60 s 1080p upload transcodes in well under this on two cores; a file that
# takes longer is stopped and marked failed rather than blocking the queue.
MEDIA_SOFT_LIMIT = 1800
MEDIA_HARD_LIMIT = 1900


@shared_task(
    bind=True,
    name="stories.tasks.process_media_task",
    queue=MEDIA_QUEUE,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=15,
    retry_jitter=True,
    max_retries=3,
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
    except TRANSIENT_ERRORS as exc:  # storage or database unreachable: retried (autoretry_for), then failed
        if self.request.retries >= self.max_retries:
            media_fail(media_id=media_id, code=MediaFailure.UNKNOWN, detail=repr(exc))
            return "failed"
        media_release(media_id=media_id)
        raise
    except Exception as exc:  # noqa: BLE001 - a bug: retrying cannot fix it, so fail now with the reason
        logger.exception("processing media %s failed", media_id)
        media_fail(media_id=media_id, code=MediaFailure.UNKNOWN, detail=repr(exc))
        return "failed"


@shared_task(name="stories.tasks.share_image_media_task", queue=MEDIA_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def share_image_media_task(story_id: int) -> bool:
    from stories.services import story_make_share_image

    return story_make_share_image(story_id=story_id)


@shared_task(
    name="stories.tasks.rekey_story_media_task",
    # Moving (and on S3 copying) every rendition of a story is heavy file work: the media queue.
    queue=MEDIA_QUEUE,
    acks_late=True,
    ignore_result=True,
    **RETRY_ON_TRANSIENT,
)
def rekey_story_media_task(story_id: int) -> int:
    from stories.services import story_media_rekey

    return story_media_rekey(story_id=story_id)


@shared_task(name="stories.tasks.requeue_media_sweeper", queue=DEFAULT_QUEUE, ignore_result=True)
def requeue_media_sweeper() -> int:
    from stories.services import media_requeue_unfinished
    from stories.tus import uploads_expire

    uploads_expire()
    return media_requeue_unfinished()


@shared_task(name="stories.tasks.notify_submitter_task", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def notify_submitter_task(story_id: int, to_state: str, comment: str = "") -> bool:
    from stories.services import story_notify_submitter

    return story_notify_submitter(story_id=story_id, to_state=to_state, comment=comment)


@shared_task(
    name="stories.tasks.publish_story_media_task",
    queue=MEDIA_QUEUE,
    acks_late=True,
    ignore_result=True,
    **RETRY_ON_TRANSIENT,
)
def publish_story_media_task(story_id: int) -> int:
    from stories.services import story_media_publish

    return story_media_publish(story_id=story_id)
