"""Reads of pledges. Other apps (partners, the home page) read pledge data only through here.

Public counts come from the count tables (`pledges.counting`), never from
COUNT(*) over pledges. The fold task rebuilds a small snapshot of them
(total, per country, recorded actions, ETag) after every fold and stores it
in the cache without expiry; a public read takes the snapshot from a
per-process memo (refreshed from the cache at most every
SNAPSHOT_MEMO_SECONDS) and answers with bytes rendered once per snapshot,
language and map view. Building a snapshot reads only the small count tables,
so a read that finds none (a flushed cache) builds it itself at the same
cost at any number of pledges. When no fold task has refreshed it for a while
(no beat, as with `make run`) one reader at a time folds pending events
first (a single-flight lock), so the numbers stay fresh without a beat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, FloatField, Sum
from django.db.models.functions import Cast, Floor, TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from pledges.counting import actions_total, fold_events
from pledges.geo import country_facts, men_estimate
from pledges.models import Action, CellCount, CountryCount, Pledge, RecordedAction

SNAPSHOT_KEY = "pledges:snapshot:v2"
SNAPSHOT_LOCK_KEY = "pledges:snapshot:lock"
MAP_VERSION_KEY = "pledges:map:version"
# How long a process trusts its copy of the snapshot before looking at the cache again.
SNAPSHOT_MEMO_SECONDS = 1.0
# A snapshot older than this was not refreshed by a fold task: readers fold (one at a time).
STALE_AFTER_SECONDS = 5.0

_memo_lock = threading.Lock()
_memo: dict = {"snapshot": None, "at": 0.0}
# Rendered answers, keyed by what they were rendered from (the snapshot's ETag first).
_documents: dict[tuple, tuple[bytes, str]] = {}


def forget_process_memo() -> None:
    with _memo_lock:
        _memo["snapshot"] = None
        _memo["at"] = 0.0
        _documents.clear()


def forget_counts_cache() -> None:
    """Drop the snapshot (and, through the map version, every map view): the next read rebuilds it."""
    cache.delete(SNAPSHOT_KEY)
    try:
        cache.incr(MAP_VERSION_KEY)
    except ValueError:
        cache.set(MAP_VERSION_KEY, 1, timeout=None)
    forget_process_memo()


def build_counts_snapshot() -> dict:
    """Read the count tables (a few hundred rows at any size) into a snapshot and store it."""
    rows = list(CountryCount.objects.filter(n__gt=0).values_list("country", "n", "updated_at"))
    updated = max((r[2] for r in rows), default=None)
    countries_n = {country: n for country, n, _u in sorted(rows)}
    snapshot = {
        "total": sum(countries_n.values()),
        "countries": countries_n,
        "actions": actions_total(),
        "updated_at": (updated or timezone.now()).isoformat(),
        "map_version": cache.get(MAP_VERSION_KEY, 0),
    }
    snapshot["etag"] = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()[:20]
    snapshot["built_at"] = time.time()
    cache.set(SNAPSHOT_KEY, snapshot, timeout=None)
    with _memo_lock:
        _memo["snapshot"] = snapshot
        _memo["at"] = time.monotonic()
    return snapshot


def counts_snapshot() -> dict:
    """{"total", "countries": {code: n}, "actions", "updated_at", "etag", ...}; never recounts pledges or actions."""
    snapshot = _memo["snapshot"]
    if snapshot is not None and time.monotonic() - _memo["at"] < SNAPSHOT_MEMO_SECONDS:
        return snapshot
    snapshot = cache.get(SNAPSHOT_KEY)
    stale = snapshot is None or time.time() - snapshot.get("built_at", 0) > STALE_AFTER_SECONDS
    if stale and settings.PLEDGE_FOLD_ON_READ and cache.add(SNAPSHOT_LOCK_KEY, 1, timeout=30):
        try:
            fold_events(limit=50000)
            return build_counts_snapshot()
        finally:
            cache.delete(SNAPSHOT_LOCK_KEY)
    if snapshot is None:
        return build_counts_snapshot()
    with _memo_lock:
        _memo["snapshot"] = snapshot
        _memo["at"] = time.monotonic()
    return snapshot


def pledge_total() -> int:
    """Confirmed pledges worldwide (invalidated ones excluded), from the counter rows."""
    return counts_snapshot()["total"]


def per_million(n: int, country: str) -> float | None:
    men = men_estimate(country)
    return round(n * 1_000_000 / men, 2) if men else None


def _remember(key: tuple, document: tuple[bytes, str]) -> tuple[bytes, str]:
    with _memo_lock:
        if len(_documents) > 256:
            _documents.clear()
        _documents[key] = document
    return document


def pledge_stats() -> dict:
    """The public stats: total, per country with per-million-men figures, and when they last changed.

    Country names follow the active language, so the ETag carries it too.
    """
    snap = counts_snapshot()
    lang = get_language() or settings.LANGUAGE_CODE
    return {
        "total": snap["total"],
        "actions": snap["actions"],
        "updated_at": snap["updated_at"],
        "etag": f"{snap['etag']}-{lang}",
        "countries": [
            {
                "code": code,
                "name": str(countries.name(code)) or code,
                "count": n,
                "per_million_men": per_million(n, code),
            }
            for code, n in sorted(snap["countries"].items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def stats_document() -> tuple[bytes, str]:
    """The stats as JSON bytes and their ETag, rendered once per snapshot and language in each process."""
    snap = counts_snapshot()
    key = ("stats", snap["etag"], get_language() or settings.LANGUAGE_CODE)
    document = _documents.get(key)
    if document is None:
        stats = pledge_stats()
        etag = stats.pop("etag")
        document = _remember(key, (json.dumps(stats, separators=(",", ":")).encode(), etag))
    return document


# Cell edge in tenths of a degree for each map zoom; 1 (about 11 km) is the finest we ever store.
ZOOM_CELL = {0: 200, 1: 200, 2: 100, 3: 50, 4: 20, 5: 10, 6: 5, 7: 2}
MIN_CELL_COUNT = 5


def cell_size_for_zoom(zoom: int) -> int:
    return ZOOM_CELL.get(zoom, 1)


def map_cells(*, zoom: int, bbox: tuple[float, float, float, float] | None = None) -> dict:
    """GeoJSON FeatureCollection of cells with at least MIN_CELL_COUNT pledges; smaller ones fold into their country.

    The query runs over CellCount (one row per populated 11 km cell), so its
    cost follows the number of places, not the number of pledges. Cached per
    snapshot: a new fold (or a reconcile) makes a new one.
    """
    snap = counts_snapshot()
    bbox_key = ",".join(f"{v:g}" for v in bbox) if bbox else "world"
    key = f"pledges:map:{snap['etag']}:{zoom}:{bbox_key}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    size = cell_size_for_zoom(zoom)
    qs = CellCount.objects.filter(n__gt=0)
    if bbox:
        west, south, east, north = bbox
        qs = qs.filter(lat10__gte=math.floor(south * 10), lat10__lte=math.ceil(north * 10))
        if west <= east:
            qs = qs.filter(lng10__gte=math.floor(west * 10), lng10__lte=math.ceil(east * 10))
    rows = (
        qs.annotate(
            gy=Floor(Cast("lat10", FloatField()) / size),
            gx=Floor(Cast("lng10", FloatField()) / size),
        )
        .values("country", "gy", "gx")
        .annotate(total=Sum("n"))
        .order_by("country", "gy", "gx")
    )
    features = []
    folded: dict[str, int] = {}
    for row in rows:
        if row["total"] < MIN_CELL_COUNT:
            folded[row["country"]] = folded.get(row["country"], 0) + row["total"]
            continue
        lat = round((row["gy"] + 0.5) * size / 10, 2)
        lng = round((row["gx"] + 0.5) * size / 10, 2)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {"count": row["total"], "country": row["country"], "cell_degrees": size / 10},
            }
        )
    result = {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"zoom": zoom, "cell_degrees": size / 10, "folded_into_country": folded},
    }
    result["etag"] = hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()[:20]
    cache.set(key, result, timeout=3600)
    return result


# The views every visitor's map opens with, at each zoom: rendered by the fold task, not by a request.
PREBUILT_ZOOMS = range(0, 8)


def prebuild_map_views() -> None:
    for zoom in PREBUILT_ZOOMS:
        map_cells(zoom=zoom)


def map_document(*, zoom: int, bbox: tuple[float, float, float, float] | None = None) -> tuple[bytes, str]:
    """The map view as GeoJSON bytes and its ETag, rendered once per snapshot and view in each process."""
    key = ("map", counts_snapshot()["etag"], zoom, bbox)
    document = _documents.get(key)
    if document is None:
        result = dict(map_cells(zoom=zoom, bbox=bbox))
        etag = result.pop("etag")
        document = _remember(key, (json.dumps(result, separators=(",", ":")).encode(), etag))
    return document


def country_numeric_codes() -> dict[str, str]:
    """ISO numeric (as in the Natural Earth shapes) -> alpha-2."""
    return {facts["numeric"]: code for code, facts in country_facts().items()}


def partner_signup_total(*, partner_id: int) -> int:
    """Confirmed pledges made through a partner's referral link."""
    return Pledge.objects.filter(partner_id=partner_id, status=Pledge.Status.CONFIRMED).count()


def partner_signup_totals(*, partner_ids: list[int]) -> dict[int, int]:
    """Confirmed pledges per partner for many partners in one query; partners without any count 0."""
    rows = (
        Pledge.objects.filter(partner_id__in=partner_ids, status=Pledge.Status.CONFIRMED)
        .values("partner_id")
        .annotate(n=Count("id"))
        .values_list("partner_id", "n")
    )
    return {pk: 0 for pk in partner_ids} | dict(rows)


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


def pledge_for_ladder(*, pledge_id: int | None) -> Pledge | None:
    if not pledge_id:
        return None
    return Pledge.objects.filter(pk=pledge_id, status=Pledge.Status.CONFIRMED, erased_at__isnull=True).first()


def pledge_for_user(*, user) -> Pledge | None:
    """The confirmed pledge of a signed-in account whose verified email is the pledge's email."""
    if not getattr(user, "is_authenticated", False):
        return None
    from allauth.account.models import EmailAddress

    from pledges.identity import canonical_email

    emails = [
        canonical_email(e)
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    ]
    if not emails:
        return None
    return Pledge.objects.filter(
        email_canonical__in=emails, status=Pledge.Status.CONFIRMED, erased_at__isnull=True
    ).first()


def action_catalogue() -> list[Action]:
    return list(Action.objects.filter(is_active=True).order_by("pillar", "position", "id"))


def ladder_for(*, pledge: Pledge) -> list[RecordedAction]:
    return list(pledge.actions.select_related("action").order_by("-created_at"))


def trending(*, hours: int = 24, limit: int = 15) -> dict:
    """Sign-ups per hour by IP hash and by email domain, busiest first, for the abuse view."""
    since = timezone.now() - dt.timedelta(hours=hours)
    base = Pledge.objects.filter(created_at__gte=since).annotate(hour=TruncHour("created_at"))
    by_ip = base.exclude(ip_hash="").values("hour", "ip_hash").annotate(n=Count("id")).order_by("-n", "-hour")[:limit]
    by_domain = (
        base.exclude(email_domain="")
        .values("hour", "email_domain")
        .annotate(n=Count("id"))
        .order_by("-n", "-hour")[:limit]
    )
    return {"ip_hashes": list(by_ip), "domains": list(by_domain), "since": since}
