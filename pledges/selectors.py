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
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncHour
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from pledges.counting import actions_total, fold_events
from pledges.geo import country_facts, men_estimate
from pledges.models import Action, CountryCount, Pledge, RecordedAction

# Where a pledger signed in through the magic link is remembered in the session.
PLEDGER_SESSION_KEY = "pledges_pledge_id"
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
_map_documents: dict[tuple, tuple[float, tuple[bytes, str]]] = {}


def forget_process_memo() -> None:
    with _memo_lock:
        _memo["snapshot"] = None
        _memo["at"] = 0.0
        _documents.clear()
        _map_documents.clear()


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
        document = _remember(key, (json.dumps(stats, ensure_ascii=False, separators=(",", ":")).encode(), etag))
    return document


# --- The map ----------------------------------------------------------------------------
#
# No answer of the map may reveal fewer than MIN_CELL_COUNT pledges in an area smaller
# than a country, whatever the zoom and bbox, alone or combined with other answers:
#
# * Cells are a fixed grid per zoom, and a bbox only picks which whole cells to return:
#   a cell's count never depends on the box, so two boxes cannot be subtracted.
# * The grids nest (each size divides the next coarser one), so a cell of one zoom is
#   exactly a set of cells of the next finer one. Shown cells, per country, form a tree
#   from the country down; a cell is only shown if the cell containing it one level up
#   is (or it is a top-level cell). For every shown cell (and every country), what its
#   shown children leave over is 0 or at least MIN_CELL_COUNT; when it would be 1 to 4,
#   the smallest shown child is hidden too. Every figure an attacker can derive is a
#   sum of such remainders, so it is 0 or at least MIN_CELL_COUNT.
# * What is not shown at a zoom is reported per country for the whole country
#   (`folded_into_country`), the same whatever the bbox.

# Cell edge in tenths of a degree, coarsest first; each divides the one before it.
CELL_SIZES = (200, 100, 50, 10, 5, 1)
ZOOM_CELL = {0: 200, 1: 200, 2: 100, 3: 50, 4: 10, 5: 10, 6: 5, 7: 5}  # 8 and finer: 1 (about 11 km)
MIN_ZOOM, MAX_ZOOM = 0, 18
MIN_CELL_COUNT = 5

Cell = tuple[str, int, int]  # (country, lat index, lng index) at one cell size


def cell_size_for_zoom(zoom: int) -> int:
    return ZOOM_CELL.get(zoom, 1)


def _shown_cells(
    totals: dict[str, int], levels: dict[int, list[tuple[str, int, int, int]]]
) -> dict[int, dict[Cell, int]]:
    """Per cell size, the cells that may be shown, walking down from the countries (see the rules above).

    `levels` holds, coarsest first, every populated cell of each size down to the finest wanted.
    """
    result: dict[int, dict[Cell, int]] = {}
    parents: dict[tuple, int] = {(country,): n for country, n in totals.items()}
    coarser = None
    for size, rows in levels.items():
        children: dict[tuple, list[tuple[int, Cell]]] = {}
        for country, gy, gx, n in rows:
            parent = (country,) if coarser is None else (country, gy * size // coarser, gx * size // coarser)
            if parent in parents:
                children.setdefault(parent, []).append((n, (country, gy, gx)))
        shown: dict[Cell, int] = {}
        for parent, cells in children.items():
            visible = sorted(c for c in cells if c[0] >= MIN_CELL_COUNT)
            left_over = parents[parent] - sum(n for n, _key in visible)
            while 0 < left_over < MIN_CELL_COUNT and visible:
                n, _key = visible.pop(0)  # the smallest shown cell joins the remainder
                left_over += n
            shown.update({key: n for n, key in visible})
        result[size] = parents = shown
        coarser = size
    return result


# One level of the grid, in SQL that PostgreSQL and SQLite share: floor division written out
# (both truncate), 90 N folded into the cells below it and 180 E into 180 W, so that every
# cell centre is a valid position.
_LEVEL_SQL = (
    "SELECT %s, country, (lat - ((lat %% %s) + %s) %% %s) / %s, (lng - ((lng %% %s) + %s) %% %s) / %s, SUM(n) FROM ("
    "SELECT country, CASE WHEN lat10 > 899 THEN 899 ELSE lat10 END AS lat, "
    "CASE WHEN lng10 >= 1800 THEN -1800 ELSE lng10 END AS lng, n FROM pledges_cellcount WHERE n > 0"
    ") cells GROUP BY 2, 3, 4"
)
_TOTALS_SQL = "SELECT 0, country, 0, 0, n FROM pledges_countrycount WHERE n > 0"


def _partner_levels(partner_ids: tuple[int, ...], sizes: tuple[int, ...]) -> tuple[dict, dict]:
    """The country totals and grid levels of some partners' pledges, from their attribution cells."""
    from pledges.models import AttributionCount

    totals: dict[str, int] = {}
    levels: dict[int, dict[tuple, int]] = {s: {} for s in sizes}
    rows = AttributionCount.objects.filter(partner_id__in=partner_ids, dimension__in=["country", "cell"], n__gt=0)
    for dimension, key, n in rows.values_list("dimension", "key", "n"):
        if dimension == "country":
            totals[key] = totals.get(key, 0) + n
            continue
        country, lat, lng = key.split(":")
        lat10, lng10 = min(int(lat), 899), (-1800 if int(lng) >= 1800 else int(lng))
        for s in sizes:
            cell = (country, lat10 // s, lng10 // s)
            levels[s][cell] = levels[s].get(cell, 0) + n
    return totals, {s: [(*cell, n) for cell, n in cells.items()] for s, cells in levels.items()}


def _map_layer(version: int, size: int, partner_ids: tuple[int, ...] = (), *, refresh: bool = False) -> dict:
    """{"cells": [(country, gy, gx, n)], "folded": {country: n}} of one cell size, cached for PLEDGE_MAP_CACHE_SECONDS.

    One statement reads every coarser level and the country totals, so all
    come from one snapshot: a fold committing in between cannot skew a remainder.
    """
    # A partner's layers (its attribution cells) are cached apart from the global ones.
    scope = f"p{'-'.join(map(str, partner_ids))}:" if partner_ids else ""
    prefix = f"pledges:map:{version}:{scope}layer"
    key = f"{prefix}:{size}"
    layer = None if refresh else cache.get(key)
    if layer is not None:
        return layer
    from django.db import connection

    sizes = CELL_SIZES[: CELL_SIZES.index(size) + 1]
    if partner_ids:
        totals, levels = _partner_levels(partner_ids, sizes)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join([_LEVEL_SQL] * len(sizes) + [_TOTALS_SQL]),
                [v for s in sizes for v in (s,) + (s,) * 8],
            )
            rows = cursor.fetchall()
        totals = {country: int(n) for level, country, _gy, _gx, n in rows if level == 0}
        levels = {s: [] for s in sizes}
        for level, country, gy, gx, n in rows:
            if level:
                levels[level].append((country, gy, gx, int(n)))
    # Every level computed is stored, so that the layers in the cache come from one snapshot.
    layers = {}
    for level_size, shown in _shown_cells(totals, levels).items():
        on_map: dict[str, int] = {}
        for (country, _gy, _gx), n in shown.items():
            on_map[country] = on_map.get(country, 0) + n
        layers[f"{prefix}:{level_size}"] = {
            "cells": sorted((country, gy, gx, n) for (country, gy, gx), n in shown.items()),
            "folded": {c: t - on_map.get(c, 0) for c, t in sorted(totals.items()) if t > on_map.get(c, 0)},
        }
    cache.set_many(layers, timeout=settings.PLEDGE_MAP_CACHE_SECONDS)
    return layers[key]


def _longitude_ranges(west: float, east: float) -> list[tuple[float, float]]:
    # RFC 7946 section 5.2: a box whose west edge is east of its east edge crosses the antimeridian.
    return [(west, east)] if west <= east else [(west, 180.0), (-180.0, east)]


def map_cells(
    *,
    zoom: int,
    bbox: tuple[float, float, float, float] | None = None,
    refresh: bool = False,
    partner_ids: tuple[int, ...] = (),
) -> dict:
    """GeoJSON FeatureCollection of the cells that may be shown at this zoom, within the bbox.

    A cell is returned whole when it touches the box; its count never depends
    on the box. `meta.folded_into_country` counts, per country, the pledges
    not shown in any cell at this zoom (too few in their area, or no position).
    """
    version = cache.get(MAP_VERSION_KEY, 0)
    bbox_key = ",".join(f"{v:g}" for v in bbox) if bbox else "world"
    scope = f"p{'-'.join(map(str, sorted(partner_ids)))}:" if partner_ids else ""
    key = f"pledges:map:{version}:{scope}{zoom}:{bbox_key}"
    cached = None if refresh else cache.get(key)
    if cached is not None:
        return cached
    counts_snapshot()  # folds pending events when no fold task ran lately
    size = cell_size_for_zoom(zoom)
    layer = _map_layer(version, size, tuple(sorted(partner_ids)), refresh=refresh)
    edge = size / 10
    features = []
    for country, gy, gx, n in layer["cells"]:
        south, west = gy * edge, gx * edge
        if bbox:
            box_west, box_south, box_east, box_north = bbox
            if south > box_north or south + edge < box_south:
                continue
            if not any(west <= east and west + edge >= w for w, east in _longitude_ranges(box_west, box_east)):
                continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(west + edge / 2, 2), round(south + edge / 2, 2)]},
                "properties": {"count": n, "country": country, "cell_degrees": edge},
            }
        )
    result = {
        "type": "FeatureCollection",
        "features": features,
        # A foreign member: RFC 7946 section 7.1 gives a FeatureCollection no "properties".
        "meta": {
            "zoom": zoom,
            "cell_degrees": edge,
            "min_count": MIN_CELL_COUNT,
            "folded_into_country": layer["folded"],
        },
    }
    result["etag"] = hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()[:20]
    cache.set(key, result, timeout=settings.PLEDGE_MAP_CACHE_SECONDS)
    return result


# The views every visitor's map opens with, at each zoom: rebuilt by the fold task, not by a request.
PREBUILT_ZOOMS = range(0, 8)


def prebuild_map_views() -> None:
    for zoom in PREBUILT_ZOOMS:
        map_cells(zoom=zoom, refresh=True)


def map_document(*, zoom: int, bbox: tuple[float, float, float, float] | None = None) -> tuple[bytes, str]:
    """The map view as GeoJSON bytes and its ETag, kept SNAPSHOT_MEMO_SECONDS in each process."""
    key = ("map", zoom, bbox)
    now = time.monotonic()
    held = _map_documents.get(key)
    if held is not None and now - held[0] < SNAPSHOT_MEMO_SECONDS:
        return held[1]
    result = dict(map_cells(zoom=zoom, bbox=bbox))
    etag = result.pop("etag")
    document = (json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode(), etag)
    with _memo_lock:
        if len(_map_documents) > 256:
            _map_documents.clear()
        _map_documents[key] = (now, document)
    return document


def country_numeric_codes() -> dict[str, str]:
    """ISO numeric (as in the Natural Earth shapes) -> alpha-2."""
    return {facts["numeric"]: code for code, facts in country_facts().items()}


def partner_signup_total(*, partner_id: int) -> int:
    """Confirmed pledges made through a partner's referral link."""
    return Pledge.objects.filter(partner_id=partner_id, status=Pledge.Status.CONFIRMED).count()


def partner_confirmed_between(*, partner_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """Confirmed pledges attributed to a partner whose confirmation fell in [start, end) (pay-per-pledge offers)."""
    return Pledge.objects.filter(
        partner_id=partner_id, status=Pledge.Status.CONFIRMED, confirmed_at__gte=start, confirmed_at__lt=end
    ).count()


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


# --- Attribution (see pledges.attribution) ------------------------------------------------


def referral_reach(*, pledge_id: int) -> dict:
    """Confirmed pledges made through this pledger's link, and through those (all generations below)."""
    from pledges.models import ReferralCount

    row = ReferralCount.objects.filter(pledge_id=pledge_id).values_list("direct", "total").first()
    direct, total = row or (0, 0)
    return {"direct": max(direct, 0), "total": max(total, 0), "further": max(total - direct, 0)}


def attribution_summary(*, partner_ids: list[int]) -> dict[int, dict]:
    """Per partner: total, by source, by generation, by country and sharers, from the counter rows (one query).

    Generations are given as "1", "2", "3+" (3rd and deeper together).
    """
    from pledges.models import AttributionCount

    if settings.PLEDGE_FOLD_ON_READ:
        counts_snapshot()  # folds pending events when the cache was cold
    out = {pk: {"total": 0, "sharers": 0, "source": {}, "generation": {}, "country": {}} for pk in partner_ids}
    rows = AttributionCount.objects.filter(
        partner_id__in=partner_ids, dimension__in=["total", "sharers", "source", "generation", "country"], n__gt=0
    ).values_list("partner_id", "dimension", "key", "n")
    for partner_id, dimension, key, n in rows:
        summary = out[partner_id]
        if dimension in ("total", "sharers"):
            summary[dimension] += n
        elif dimension == "generation":
            bucket = key if key in ("1", "2") else "3+"
            summary["generation"][bucket] = summary["generation"].get(bucket, 0) + n
        else:
            summary[dimension][key] = summary[dimension].get(key, 0) + n
    for summary in out.values():
        referred = summary["total"] - summary["generation"].get("1", 0)
        summary["referred"] = referred
        summary["reach_factor"] = round(referred / summary["sharers"], 2) if summary["sharers"] else None
    return out


def domain_counts(*, domains: list[str]) -> dict:
    """Confirmed pledges with an email at these domains: {"total", "countries": {code: n}} (one query)."""
    from pledges.models import AttributionCount

    domains = [d.lower() for d in domains]
    if not domains:
        return {"total": 0, "countries": {}}
    if settings.PLEDGE_FOLD_ON_READ:
        counts_snapshot()
    keys = Q(dimension="domain", key__in=domains)
    for domain in domains:
        keys |= Q(dimension="domain_country", key__startswith=f"{domain}|")
    total, by_country = 0, {}
    for dimension, key, n in AttributionCount.objects.filter(keys, partner_id=0, n__gt=0).values_list(
        "dimension", "key", "n"
    ):
        if dimension == "domain":
            total += n
        else:
            country = key.rsplit("|", 1)[1]
            by_country[country] = by_country.get(country, 0) + n
    return {"total": total, "countries": by_country}


def country_confirmed(*, country: str) -> int:
    """Confirmed pledges in one country, from the counter rows through the short cache."""
    return counts_snapshot()["countries"].get(country.upper(), 0)


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


# --- Attribution ------------------------------------------------------------------------


def confirmed_count_by_source(*, codes: list[str]) -> dict[str, int]:
    """Confirmed pledges per source code (`champion-<slug>`, `event-<slug>`), across generations and partners.

    The one read champions and events make of attribution: one query over the
    cross-partner "source" rows the fold keeps (a code is inherited down the
    referral chain, so shares of shares count), never over the pledges.
    """
    from pledges.models import AttributionCount

    wanted = {c: c.lower() for c in codes if c}
    counts = dict.fromkeys(codes, 0)
    if not wanted:
        return counts
    found = dict(
        AttributionCount.objects.filter(partner_id=0, dimension="source", key__in=set(wanted.values())).values_list(
            "key", "n"
        )
    )
    for code, key in wanted.items():
        counts[code] = max(int(found.get(key, 0)), 0)
    return counts
