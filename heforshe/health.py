"""Health of the parts the site needs: database, cache, broker; and the age of the GeoIP database.

The public (and a load balancer) gets up or down only. Which database engine,
cache class and broker answer, how fast, and how old the GeoIP file is are
for staff and for addresses in HEALTH_DETAIL_NETWORKS.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        detail = f"{type(exc).__name__}: {exc}"[:300]
        ok = False
    result = {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        result["detail"] = detail
    return result


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_broker() -> str:
    from heforshe.celery import app

    if app.conf.task_always_eager:
        return "eager (tasks run in-process)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        conn.default_channel  # noqa: B018 - opens a channel, proving the broker answers
    return conn.transport_cls if isinstance(conn.transport_cls, str) else "connected"


def geoip_age() -> dict:
    """When the GeoIP database was built and how many days ago (refresh with `manage.py geoip_refresh`)."""
    from heforshe.lib.net import geoip_build_date

    built = geoip_build_date()
    if built is None:
        return {"ok": False, "detail": "no GeoIP database could be opened"}
    return {
        "ok": True,
        "build_date": built.date().isoformat(),
        "age_days": (dt.datetime.now(tz=dt.UTC) - built).days,
    }


def may_see_details(request) -> bool:
    """Staff users, and clients whose address (never a forged X-Forwarded-For) is in HEALTH_DETAIL_NETWORKS."""
    from heforshe.lib.net import client_ip, is_in_networks

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    return is_in_networks(client_ip(request), settings.HEALTH_DETAIL_NETWORKS)


def health_report(*, detailed: bool) -> tuple[bool, dict]:
    checks = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "broker": _timed(check_broker),
    }
    healthy = all(c["ok"] for c in checks.values())
    report: dict = {"status": "ok" if healthy else "down"}
    if detailed:
        report["checks"] = checks
        report["geoip"] = geoip_age()
    return healthy, report
