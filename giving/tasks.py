"""Thin, idempotent tasks over giving.services; they take primary keys."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def receipt_task(self, donation_id: int) -> None:
    from giving.services import receipt_send

    try:
        receipt_send(donation_id=donation_id)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def donor_link_task(self, email: str, language: str) -> None:
    from giving.services import donor_link_send

    try:
        donor_link_send(email=email, language=language)
    except Exception as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def cancel_subscription_task(self, subscription_id: int) -> None:
    from giving.providers import ProviderUnavailable
    from giving.services import subscription_cancel

    try:
        subscription_cancel(subscription_id=subscription_id)
    except ProviderUnavailable as exc:
        raise self.retry(exc=exc) from exc


@shared_task
def reconcile_task() -> int:
    """Apply provider events whose webhook never reached us (runs every few minutes on beat)."""
    from giving.services import reconcile

    return reconcile()


@shared_task
def resend_receipts_task() -> int:
    """Re-send receipts whose task was lost (broker down at the time)."""
    import datetime as dt

    from django.utils import timezone

    from giving.models import Donation
    from heforshe.lib.tasks import send_task_now

    cutoff = timezone.now() - dt.timedelta(minutes=10)
    ids = list(
        Donation.objects.filter(receipt_sent_at__isnull=True, succeeded_at__lt=cutoff, anonymised_at__isnull=True)
        .exclude(email="")
        .values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        send_task_now(receipt_task, donation_id=pk)
    return len(ids)
