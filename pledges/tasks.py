"""Thin, idempotent Celery adapters around pledges.services and pledges.counting."""

from __future__ import annotations

import logging

from celery import shared_task

from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT, TRANSIENT_ERRORS, send_task_now

logger = logging.getLogger(__name__)


# SMTP refused or unreachable: the row lock was released with the transaction, so a retry sends it.
@shared_task(name="pledges.tasks.send_confirmation", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def send_confirmation_task(pledge_id: int) -> None:
    from pledges.services import pledge_send_confirmation

    pledge_send_confirmation(pledge_id=pledge_id)


# How long one run of the sender keeps claiming batches: short, so the fold task never waits long behind it.
SENDER_RUN_SECONDS = 1.0


@shared_task(name="pledges.tasks.send_confirmations", queue=DEFAULT_QUEUE, ignore_result=True)
def send_confirmations_task() -> int:
    """The confirmation sender, run by the beat every second: batches of unsent rows, one SMTP session each."""
    import time

    from pledges.services import pledges_send_confirmations

    started = time.monotonic()
    total = 0
    try:
        while sent := pledges_send_confirmations():
            total += sent
            if time.monotonic() - started > SENDER_RUN_SECONDS:
                break  # the next run, a second from now, goes on
    except (OSError, *TRANSIENT_ERRORS):  # the mail server or the database is away: the rows wait for the next run
        logger.warning("confirmation emails not sent; the next run retries", exc_info=True)
    return total


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
    from pledges.selectors import build_counts_snapshot, prebuild_map_views

    total = 0
    while folded := fold_events():
        total += folded
    # Every time, changed or not: readers see a fresh snapshot and never fold or count themselves.
    build_counts_snapshot()
    prebuild_map_views()
    return total


@shared_task(name="pledges.tasks.recount_actions", queue=DEFAULT_QUEUE, ignore_result=True)
def recount_actions_task() -> bool:
    from pledges.counting import recount_actions
    from pledges.selectors import build_counts_snapshot

    changed = recount_actions()
    if changed:
        build_counts_snapshot()
    return changed


@shared_task(name="pledges.tasks.reconcile_counts", queue=DEFAULT_QUEUE, ignore_result=True)
def reconcile_counts_task() -> int:
    from pledges.counting import reconcile_counts
    from pledges.selectors import build_counts_snapshot, forget_counts_cache

    drift = reconcile_counts()
    if drift:
        forget_counts_cache()  # the map views too: a cell may have changed without any total changing
    build_counts_snapshot()
    return drift


@shared_task(name="pledges.tasks.expire_pledges", queue=DEFAULT_QUEUE, ignore_result=True)
def expire_pledges_task() -> int:
    from pledges.services import pledges_expire

    return pledges_expire()


@shared_task(name="pledges.tasks.sweep", queue=DEFAULT_QUEUE, ignore_result=True)
def sweep_task() -> int:
    """Send every confirmation still unsent, and re-send geocoding whose task never reached the broker."""
    from pledges.services import pledges_needing_geocode, pledges_send_confirmations

    done = 0
    while sent := pledges_send_confirmations():
        done += sent
    for pk in pledges_needing_geocode():
        done += send_task_now(geocode_pledge_task, pledge_id=pk)
    return done
