"""Reads of pledges. Other apps (partners) read pledge data only through here."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from pledges.models import Pledge


def pledge_total() -> int:
    """Confirmed pledges worldwide. The pledges issue replaces this with cached counter rows."""
    return Pledge.objects.filter(status=Pledge.Status.CONFIRMED).count()


def partner_signup_total(*, partner_id: int) -> int:
    """Confirmed pledges made through a partner's referral link."""
    return Pledge.objects.filter(partner_id=partner_id, status=Pledge.Status.CONFIRMED).count()


def partner_signup_series(*, partner_id: int, days: int = 90) -> list[tuple[dt.date, int]]:
    """Confirmed pledges through a partner per day, oldest first, over the last `days` days."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        Pledge.objects.filter(partner_id=partner_id, status=Pledge.Status.CONFIRMED, confirmed_at__gte=since)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]
