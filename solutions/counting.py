"""Support counts without a hot row (the pattern of pledges.counting).

Giving a support INSERTs a `Support` (unique per person and solution) and a +1 `SupportEvent` in one
transaction; withdrawing deletes the support and inserts -1 only when a row was deleted. Nothing on
the write path updates the solution row, so a thousand people supporting one solution at once never
wait on each other. The fold (a beat task every few seconds) claims a batch of events, adds them to
`Solution.support_count` and deletes exactly those events in one transaction: each event counts
once. `reconcile` recomputes the counts from the supports and repairs any drift.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from solutions.models import Solution, Support, SupportEvent

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x48465316  # the solutions support counters


def _lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def fold_events(*, limit: int = 20000) -> list[int]:
    """Fold pending support events; returns the ids of the solutions whose count changed."""
    with transaction.atomic():
        if not _lock():
            return []  # another fold runs; it takes these events
        events = list(SupportEvent.objects.order_by("id").values_list("id", "solution_id", "delta")[:limit])
        if not events:
            return []
        deltas: Counter = Counter()
        for _id, solution_id, delta in events:
            deltas[solution_id] += delta
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE solutions_solution SET support_count = support_count + %s WHERE id = %s",
                [(n, sid) for sid, n in deltas.items() if n],
            )
        SupportEvent.objects.filter(id__in=[e[0] for e in events]).delete()
    return [sid for sid, n in deltas.items() if n]


def pending_delta(*, solution_id: int) -> int:
    """Supports given or withdrawn since the last fold, for the solution's own page."""
    return sum(SupportEvent.objects.filter(solution_id=solution_id).values_list("delta", flat=True))


def reconcile(*, challenge_id: int | None = None) -> int:
    """Recompute support counts exactly from the supports; returns how many solutions were corrected.

    Pending events are folded first, inside the same lock, so none is counted twice.
    """
    fold_events(limit=1_000_000)
    with transaction.atomic():
        if not _lock():
            return 0
        exact = Support.objects.filter(solution=OuterRef("pk")).order_by().values("solution").annotate(n=Count("id"))
        qs = Solution.objects.all() if challenge_id is None else Solution.objects.filter(challenge_id=challenge_id)
        if SupportEvent.objects.exists():
            return 0  # supports arrived meanwhile; the next run reconciles
        ids = list(
            qs.annotate(exact=Coalesce(Subquery(exact.values("n")), 0))
            .exclude(support_count=F("exact"))
            .values_list("pk", flat=True)
        )
        if ids:
            Solution.objects.filter(pk__in=ids).update(support_count=Coalesce(Subquery(exact.values("n")), 0))
        logger.info("reconciled %d solution support counts", len(ids))
    return len(ids)
