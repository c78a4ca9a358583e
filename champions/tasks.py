"""Thin Celery adapters around champions.services; they take primary keys only."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from heforshe.lib.tasks import DEFAULT_QUEUE, MEDIA_QUEUE, RETRY_ON_TRANSIENT, TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

# As the stories' media task: a transcode that takes longer is stopped and marked failed.
MEDIA_SOFT_LIMIT = 1800
MEDIA_HARD_LIMIT = 1900


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_invitation_task(invitation_id: int) -> None:
    from champions.services import invitation_send

    invitation_send(invitation_id=invitation_id)


@shared_task(
    bind=True,
    queue=MEDIA_QUEUE,
    soft_time_limit=MEDIA_SOFT_LIMIT,
    time_limit=MEDIA_HARD_LIMIT,
    acks_late=True,
    ignore_result=True,
    **RETRY_ON_TRANSIENT,
)
def process_video_task(self, video_id: int) -> str:
    from champions.models import ChampionVideo
    from champions.services import video_process
    from heforshe.lib import mediajobs
    from heforshe.lib.media import MediaFailure

    try:
        return video_process(video_id=video_id)
    except SoftTimeLimitExceeded:
        mediajobs.fail(ChampionVideo, video_id, code=MediaFailure.TIMEOUT)
        return "failed"
    except TRANSIENT_ERRORS as exc:  # storage or database unreachable: retried (autoretry_for), then failed
        if self.request.retries >= self.max_retries:
            mediajobs.fail(ChampionVideo, video_id, code=MediaFailure.UNKNOWN, detail=repr(exc))
            return "failed"
        mediajobs.release(ChampionVideo, video_id)
        raise
    except Exception as exc:  # noqa: BLE001 - a bug: retrying cannot fix it, so fail now with the reason
        logger.exception("processing champion video %s failed", video_id)
        mediajobs.fail(ChampionVideo, video_id, code=MediaFailure.UNKNOWN, detail=repr(exc))
        return "failed"


@shared_task(queue=MEDIA_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def publish_video_task(video_id: int) -> bool:
    from champions.services import video_publish

    return video_publish(video_id=video_id)


@shared_task(queue=DEFAULT_QUEUE, ignore_result=True)
def requeue_videos_sweeper() -> int:
    from champions.services import video_requeue_unfinished

    return video_requeue_unfinished()
