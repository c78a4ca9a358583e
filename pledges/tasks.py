"""Thin, idempotent Celery adapters around pledges.services and pledges.counting."""

from __future__ import annotations

import logging

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT, send_task_now

logger = logging.getLogger(__name__)


# SMTP refused or unreachable: the row lock was released with the transaction, so a retry sends it.
@shared_task(name="pledges.tasks.send_confirmation", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_confirmation_task(pledge_id: int) -> None:
    from pledges.services import pledge_send_confirmation

    pledge_send_confirmation(pledge_id=pledge_id)


@shared_task(name="pledges.tasks.send_already_pledged", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_already_pledged_task(pledge_id: int) -> None:
    from pledges.services import pledge_send_already_pledged

    pledge_send_already_pledged(pledge_id=pledge_id)


@shared_task(name="pledges.tasks.send_privacy_link", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_privacy_link_task(pledge_id: int) -> None:
    from pledges.services import pledge_send_privacy_link

    pledge_send_privacy_link(pledge_id=pledge_id)


# An online geocoder timing out or unreachable is retried; the offline gazetteer never is.
@shared_task(name="pledges.tasks.geocode_pledge", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def geocode_pledge_task(pledge_id: int) -> None:
    from pledges.services import pledge_geocode

    pledge_geocode(pledge_id=pledge_id)


@shared_task(name="pledges.tasks.fold_counts", queue=DEFAULT_QUEUE, ignore_result=True)
def fold_counts_task() -> int:
    from pledges.counting import fold_events
    from pledges.selectors import forget_counts_cache

    total = 0
    while folded := fold_events():
        total += folded
    if total:
        forget_counts_cache()
    return total


@shared_task(name="pledges.tasks.reconcile_counts", queue=DEFAULT_QUEUE, ignore_result=True)
def reconcile_counts_task() -> int:
    from pledges.counting import reconcile_counts
    from pledges.selectors import forget_counts_cache

    drift = reconcile_counts()
    forget_counts_cache()
    return drift


@shared_task(name="pledges.tasks.expire_pledges", queue=DEFAULT_QUEUE, ignore_result=True)
def expire_pledges_task() -> int:
    from pledges.services import pledges_expire

    return pledges_expire()


@shared_task(name="pledges.tasks.sweep", queue=DEFAULT_QUEUE, ignore_result=True)
def sweep_task() -> int:
    """Re-send the work whose task never reached the broker (it was down at sign-up)."""
    from pledges.services import pledges_needing_confirmation_email, pledges_needing_geocode

    sent = 0
    for pk in pledges_needing_confirmation_email():
        sent += send_task_now(send_confirmation_task, pledge_id=pk)
    for pk in pledges_needing_geocode():
        sent += send_task_now(geocode_pledge_task, pledge_id=pk)
    return sent
