"""Thin, idempotent Celery adapters around pledges.services and pledges.counting."""

from __future__ import annotations

import logging

from celery import shared_task

from heforshe.lib.tasks import send_task_now

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, name="pledges.tasks.send_confirmation", max_retries=5, default_retry_delay=30, ignore_result=True
)
def send_confirmation_task(self, pledge_id: int) -> None:
    from pledges.services import pledge_send_confirmation

    try:
        pledge_send_confirmation(pledge_id=pledge_id)
    except OSError as exc:  # SMTP refused or unreachable: the claim was released, try again
        raise self.retry(exc=exc) from exc


@shared_task(
    bind=True, name="pledges.tasks.send_already_pledged", max_retries=3, default_retry_delay=60, ignore_result=True
)
def send_already_pledged_task(self, pledge_id: int) -> None:
    from pledges.services import pledge_send_already_pledged

    pledge_send_already_pledged(pledge_id=pledge_id)


@shared_task(
    bind=True, name="pledges.tasks.send_privacy_link", max_retries=3, default_retry_delay=60, ignore_result=True
)
def send_privacy_link_task(self, pledge_id: int) -> None:
    from pledges.services import pledge_send_privacy_link

    pledge_send_privacy_link(pledge_id=pledge_id)


@shared_task(bind=True, name="pledges.tasks.geocode_pledge", max_retries=3, default_retry_delay=60, ignore_result=True)
def geocode_pledge_task(self, pledge_id: int) -> None:
    from pledges.services import pledge_geocode

    try:
        pledge_geocode(pledge_id=pledge_id)
    except OSError as exc:  # an online geocoder timed out
        raise self.retry(exc=exc) from exc


@shared_task(name="pledges.tasks.fold_counts", ignore_result=True)
def fold_counts_task() -> int:
    from pledges.counting import fold_events
    from pledges.selectors import build_counts_snapshot, prebuild_map_views

    total = 0
    while folded := fold_events():
        total += folded
    # Every time, changed or not: readers see a fresh snapshot and never fold or count themselves.
    build_counts_snapshot()
    prebuild_map_views()
    return total


@shared_task(name="pledges.tasks.reconcile_counts", ignore_result=True)
def reconcile_counts_task() -> int:
    from pledges.counting import reconcile_counts
    from pledges.selectors import build_counts_snapshot, forget_counts_cache

    drift = reconcile_counts()
    if drift:
        forget_counts_cache()  # the map views too: a cell may have changed without any total changing
    build_counts_snapshot()
    return drift


@shared_task(name="pledges.tasks.expire_pledges", ignore_result=True)
def expire_pledges_task() -> int:
    from pledges.services import pledges_expire

    return pledges_expire()


@shared_task(name="pledges.tasks.sweep", ignore_result=True)
def sweep_task() -> int:
    """Re-send the work whose task never reached the broker (it was down at sign-up)."""
    from pledges.services import pledges_needing_confirmation_email, pledges_needing_geocode

    sent = 0
    for pk in pledges_needing_confirmation_email():
        sent += send_task_now(send_confirmation_task, pledge_id=pk)
    for pk in pledges_needing_geocode():
        sent += send_task_now(geocode_pledge_task, pledge_id=pk)
    return sent
