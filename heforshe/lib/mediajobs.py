"""The states of a media row a worker processes: claimed once, failed with a reason, given back to retry.

A media model (stories.MediaFile, champions.ChampionVideo) has `status`
(heforshe.lib.media.MediaStatus), `started_at`, `attempts`, `failure`,
`failure_detail` and `processed_at`. Claiming is one conditional UPDATE, so two
workers never process the same file; a claim older than STALE_PROCESSING is
that of a dead worker and may be taken again.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from heforshe.lib.media import MediaStatus

STALE_PROCESSING = timedelta(minutes=40)  # longer than the media task's hard time limit


def claim(model, pk: int) -> bool:
    stale = timezone.now() - STALE_PROCESSING
    return bool(
        model.objects.filter(pk=pk)
        .filter(Q(status=MediaStatus.PENDING) | Q(status=MediaStatus.PROCESSING, started_at__lt=stale))
        .update(status=MediaStatus.PROCESSING, started_at=timezone.now(), attempts=F("attempts") + 1)
    )


def fail(model, pk: int, *, code: str, detail: str = "") -> None:
    model.objects.filter(pk=pk).exclude(status=MediaStatus.READY).update(
        status=MediaStatus.FAILED, failure=code, failure_detail=detail[:4000], processed_at=timezone.now()
    )


def release(model, pk: int) -> None:
    """Give a claimed file back (a transient error: the task retries)."""
    model.objects.filter(pk=pk, status=MediaStatus.PROCESSING).update(status=MediaStatus.PENDING)


def finish(model, pk: int) -> bool:
    return bool(
        model.objects.filter(pk=pk, status=MediaStatus.PROCESSING).update(
            status=MediaStatus.READY, processed_at=timezone.now(), failure="", failure_detail=""
        )
    )


def unfinished(model, *, older_than: timedelta = timedelta(minutes=10), limit: int = 200) -> list[int]:
    """Rows whose task was lost (broker down, worker killed): pending for a while, or claimed by a dead worker."""
    now = timezone.now()
    return list(
        model.objects.filter(
            Q(status=MediaStatus.PENDING, created_at__lt=now - older_than)
            | Q(status=MediaStatus.PROCESSING, started_at__lt=now - STALE_PROCESSING)
        ).values_list("pk", flat=True)[:limit]
    )
