"""Thin, idempotent tasks over giving.services; they take primary keys."""

from __future__ import annotations

from celery import shared_task

from giving.providers.base import ProviderUnavailable
from heforshe.lib.tasks import DEFAULT_QUEUE, RETRY_ON_TRANSIENT, TRANSIENT_ERRORS


@shared_task(name="giving.tasks.receipt_task", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def receipt_task(donation_id: int) -> None:
    from giving.services import receipt_send

    receipt_send(donation_id=donation_id)


@shared_task(name="giving.tasks.donor_link_task", queue=DEFAULT_QUEUE, ignore_result=True, **RETRY_ON_TRANSIENT)
def donor_link_task(email: str, language: str) -> None:
    from giving.services import donor_link_send

    donor_link_send(email=email, language=language)


@shared_task(
    name="giving.tasks.cancel_subscription_task",
    queue=DEFAULT_QUEUE,
    ignore_result=True,
    **{**RETRY_ON_TRANSIENT, "autoretry_for": (*TRANSIENT_ERRORS, ProviderUnavailable)},
)
def cancel_subscription_task(subscription_id: int) -> None:
    from giving.services import subscription_cancel

    subscription_cancel(subscription_id=subscription_id)


@shared_task(name="giving.tasks.reconcile_task", queue=DEFAULT_QUEUE, ignore_result=True)
def reconcile_task() -> int:
    """Apply provider events whose webhook never reached us (runs every few minutes on beat)."""
    from giving.services import reconcile

    return reconcile()


@shared_task(name="giving.tasks.resend_receipts_task", queue=DEFAULT_QUEUE, ignore_result=True)
def resend_receipts_task() -> int:
    """Re-send receipts whose task was lost (broker down at the time)."""
    from giving.services import receipts_requeue

    return receipts_requeue()
