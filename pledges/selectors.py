"""Reads of pledges. Other apps (partners, the home page) read pledge data only through here.

Public counts come from the count tables (`pledges.counting`) through a
short cache, never from COUNT(*) over pledges. When the cache is cold the
reader first folds pending count events itself, so the numbers are at most
PLEDGE_COUNT_CACHE_SECONDS old even when no beat is running (`make run`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, FloatField, Sum
from django.db.models.functions import Cast, Floor, TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from pledges.counting import fold_events
from pledges.geo import country_facts, men_estimate
from pledges.models import Action, CellCount, CountryCount, Pledge, RecordedAction

# Where a pledger signed in through the magic link is remembered in the session.
PLEDGER_SESSION_KEY = "pledges_pledge_id"
COUNTS_KEY = "pledges:counts:v1"
MAP_VERSION_KEY = "pledges:map:version"


def forget_counts_cache() -> None:
    cache.delete(COUNTS_KEY)
    try:
        cache.incr(MAP_VERSION_KEY)
    except ValueError:
        cache.set(MAP_VERSION_KEY, 1, timeout=None)


def counts_snapshot() -> dict:
    """{"total", "countries": {code: n}, "actions", "updated_at", "etag"}: cached a few seconds."""
    snapshot = cache.get(COUNTS_KEY)
    if snapshot is not None:
        return snapshot
    if settings.PLEDGE_FOLD_ON_READ:
        fold_events(limit=50000)
    rows = list(CountryCount.objects.filter(n__gt=0).values_list("country", "n", "updated_at"))
    updated = max((r[2] for r in rows), default=None)
    countries_n = {country: n for country, n, _u in sorted(rows)}
    snapshot = {
        "total": sum(countries_n.values()),
        "countries": countries_n,
        "actions": RecordedAction.objects.filter(pledge__status=Pledge.Status.CONFIRMED).count(),
        "updated_at": (updated or timezone.now()).isoformat(),
    }
    snapshot["etag"] = hashlib.sha256(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()[:20]
    cache.set(COUNTS_KEY, snapshot, timeout=settings.PLEDGE_COUNT_CACHE_SECONDS)
    return snapshot


def pledge_total() -> int:
    """Confirmed pledges worldwide (invalidated ones excluded), from the counter rows."""
    return counts_snapshot()["total"]


def per_million(n: int, country: str) -> float | None:
    men = men_estimate(country)
    return round(n * 1_000_000 / men, 2) if men else None


_stats_memo: dict[tuple[str, str], dict] = {}


def pledge_stats() -> dict:
    """The public stats: total, per country with per-million-men figures, and when they last changed.

    Country names follow the active language, so the ETag carries it too. The
    rendered dict is memoised per (snapshot, language) in the process: a warm
    read is one cache GET and no per-country work.
    """
    snap = counts_snapshot()
    lang = get_language() or settings.LANGUAGE_CODE
    memo_key = (snap["etag"], lang)
    if memo_key in _stats_memo:
        return dict(_stats_memo[memo_key])
    stats = {
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
    if len(_stats_memo) > 32:
        _stats_memo.clear()
    _stats_memo[memo_key] = stats
    return dict(stats)


# Cell edge in tenths of a degree for each map zoom; 1 (about 11 km) is the finest we ever store.
ZOOM_CELL = {0: 200, 1: 200, 2: 100, 3: 50, 4: 20, 5: 10, 6: 5, 7: 2}
MIN_CELL_COUNT = 5


def cell_size_for_zoom(zoom: int) -> int:
    return ZOOM_CELL.get(zoom, 1)


def map_cells(*, zoom: int, bbox: tuple[float, float, float, float] | None = None) -> dict:
    """GeoJSON FeatureCollection of cells with at least MIN_CELL_COUNT pledges; smaller ones fold into their country.

    The query runs over CellCount (one row per populated 11 km cell), so its
    cost follows the number of places, not the number of pledges.
    """
    version = cache.get(MAP_VERSION_KEY, 0)
    bbox_key = ",".join(f"{v:g}" for v in bbox) if bbox else "world"
    key = f"pledges:map:{version}:{zoom}:{bbox_key}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    counts_snapshot()  # folds pending events when the cache was cold
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
    cache.set(key, result, timeout=settings.PLEDGE_COUNT_CACHE_SECONDS)
    return result


def country_numeric_codes() -> dict[str, str]:
    """ISO numeric (as in the Natural Earth shapes) -> alpha-2."""
    return {facts["numeric"]: code for code, facts in country_facts().items()}


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


def pledge_for_session(*, session, user) -> Pledge | None:
    """The confirmed pledge of the visitor: through the magic-link session, or his account's verified email."""
    return pledge_for_ladder(pledge_id=session.get(PLEDGER_SESSION_KEY)) or pledge_for_user(user=user)


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
