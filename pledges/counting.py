"""Counting confirmed pledges without a hot row on the write path.

Confirming a pledge INSERTs one `CountEvent` (+1); invalidating it inserts
a -1; a position found after confirmation moves it with a -1/+1 pair. The
fold (a beat task every couple of seconds, and on a cache miss of the read
side) claims a batch of events, adds them to `CountryCount`/`CellCount` with
an upsert and deletes exactly those events, all in one transaction: every
event is counted once. The reconcile task recomputes both tables exactly
from the pledges on a schedule and repairs any drift.

On PostgreSQL a transaction-level advisory lock keeps folds and reconciles
from overlapping; SQLite serialises writers by itself.
"""

from __future__ import annotations

import logging
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from pledges.models import CountEvent, CountTotal, Pledge

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x48465301  # "HFS" + 1: the pledge counters


def _lock(*, wait: bool) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        return bool(cursor.fetchone()[0])


_UPSERT_COUNTRY = (
    "INSERT INTO pledges_countrycount (country, n, updated_at) VALUES (%s, %s, %s) "
    "ON CONFLICT (country) DO UPDATE SET n = {n}, updated_at = excluded.updated_at"
)
_UPSERT_CELL = (
    "INSERT INTO pledges_cellcount (country, lat10, lng10, n) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT (country, lat10, lng10) DO UPDATE SET n = {n}"
)
# Plain SQL that PostgreSQL and SQLite share: add to the counts, or (reconcile) replace them.
_SQL = {
    False: (
        _UPSERT_COUNTRY.format(n="pledges_countrycount.n + excluded.n"),
        _UPSERT_CELL.format(n="pledges_cellcount.n + excluded.n"),
    ),
    True: (_UPSERT_COUNTRY.format(n="excluded.n"), _UPSERT_CELL.format(n="excluded.n")),
}


def _add_counts(by_country: Counter, by_cell: Counter, *, replace: bool = False) -> None:
    """Upsert counts; `replace` sets them, otherwise adds to them."""
    now = timezone.now()
    country_sql, cell_sql = _SQL[replace]
    with connection.cursor() as cursor:
        if by_country:
            cursor.executemany(country_sql, [(country, n, now) for country, n in by_country.items()])
        if by_cell:
            cursor.executemany(cell_sql, [(c, lat, lng, n) for (c, lat, lng), n in by_cell.items()])


def fold_events(*, limit: int = 20000, wait: bool = False) -> int:
    """Fold up to `limit` pending count events into the count tables; returns how many were folded."""
    with transaction.atomic():
        if not _lock(wait=wait):
            return 0  # another fold is running; it will take these events
        events = list(CountEvent.objects.order_by("id").values_list("id", "country", "lat10", "lng10", "delta")[:limit])
        if not events:
            return 0
        by_country: Counter = Counter()
        by_cell: Counter = Counter()
        for _id, country, lat10, lng10, delta in events:
            by_country[country] += delta
            if lat10 is not None and lng10 is not None:
                by_cell[(country, lat10, lng10)] += delta
        _add_counts(by_country, by_cell)
        # Exactly the events read, never "id <= max": a lower id may commit later.
        CountEvent.objects.filter(id__in=[e[0] for e in events]).delete()
    return len(events)


_TRUTH_COUNTRY = """
    SELECT country, SUM(n) FROM (
        SELECT country, 1 AS n FROM pledges_pledge WHERE status = 'confirmed'
        UNION ALL SELECT country, -delta AS n FROM pledges_countevent
    ) t GROUP BY country
"""
_TRUTH_CELL = """
    SELECT country, lat10, lng10, SUM(n) FROM (
        SELECT country, lat10, lng10, 1 AS n FROM pledges_pledge WHERE status = 'confirmed' AND lat10 IS NOT NULL
        UNION ALL SELECT country, lat10, lng10, -delta AS n FROM pledges_countevent WHERE lat10 IS NOT NULL
    ) t GROUP BY country, lat10, lng10
"""


ACTIONS = "actions"


def count_actions() -> int:
    """Actions of confirmed pledgers: catalogue ones per pledger, own words once per wording across everyone.

    One pledger (or many accounts) repeating a text cannot inflate the count.
    Exact, and seconds long at millions of rows: run by a task, never by a request.
    """
    from django.db.models import Count, Q

    from pledges.models import RecordedAction

    counts = RecordedAction.objects.filter(pledge__status=Pledge.Status.CONFIRMED).aggregate(
        catalogue=Count("id", filter=Q(action__isnull=False)),
        custom=Count("custom_key", distinct=True, filter=Q(action__isnull=True) & ~Q(custom_key="")),
    )
    return counts["catalogue"] + counts["custom"]


def recount_actions() -> bool:
    """Store the exact actions total where the public stats read it; True when it changed."""
    total = count_actions()
    changed = CountTotal.objects.filter(name=ACTIONS).exclude(n=total).update(n=total)
    if not changed:
        _row, created = CountTotal.objects.get_or_create(name=ACTIONS, defaults={"n": total})
        return created and total != 0
    return True


def actions_total() -> int:
    """The actions total as last counted (by the recount task or the reconcile)."""
    return CountTotal.objects.filter(name=ACTIONS).values_list("n", flat=True).first() or 0


def reconcile_counts() -> int:
    """Recompute the count tables exactly; returns how many rows were wrong (and are now right).

    Each truth query is one statement, hence one snapshot of pledges and of
    the events not folded yet; the advisory lock keeps folds out meanwhile.
    The actions total is recounted too.
    """
    actions_fixed = int(recount_actions())
    with transaction.atomic():
        _lock(wait=True)
        with connection.cursor() as cursor:
            cursor.execute(_TRUTH_COUNTRY)
            truth_country = Counter({c: int(n) for c, n in cursor.fetchall()})
            cursor.execute(_TRUTH_CELL)
            truth_cell = Counter({(c, lat, lng): int(n) for c, lat, lng, n in cursor.fetchall()})
            cursor.execute("SELECT country, n FROM pledges_countrycount")
            have_country = dict(cursor.fetchall())
            cursor.execute("SELECT country, lat10, lng10, n FROM pledges_cellcount")
            have_cell = {(c, lat, lng): n for c, lat, lng, n in cursor.fetchall()}
        fix_country = Counter(
            {
                k: truth_country.get(k, 0)
                for k in set(truth_country) | set(have_country)
                if truth_country.get(k, 0) != have_country.get(k, 0)
            }
        )
        fix_cell = Counter(
            {
                k: truth_cell.get(k, 0)
                for k in set(truth_cell) | set(have_cell)
                if truth_cell.get(k, 0) != have_cell.get(k, 0)
            }
        )
        _add_counts(fix_country, fix_cell, replace=True)
    drift = len(fix_country) + len(fix_cell) + actions_fixed
    if drift:
        logger.warning("Pledge counts reconciled: %d rows corrected", drift)
    return drift


def emit(rows: list[tuple[int, str, int | None, int | None]], *, delta: int) -> None:
    """Record count events for (pledge_id, country, lat10, lng10) rows, inside the caller's transaction."""
    CountEvent.objects.bulk_create(
        [CountEvent(pledge_id=pk, country=c, lat10=lat, lng10=lng, delta=delta) for pk, c, lat, lng in rows]
    )


def confirmed_rows(pledge_ids: list[int]) -> list[tuple[int, str, int | None, int | None]]:
    return list(
        Pledge.objects.filter(pk__in=pledge_ids, status=Pledge.Status.CONFIRMED).values_list(
            "pk", "country", "lat10", "lng10"
        )
    )
