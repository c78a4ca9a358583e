"""Country of a request's client address, for download statistics.

Only the two-letter country is kept; the address itself is never stored.
The GeoLite2 City file comes from settings.GEOIP_PATH or, when that is
empty, from the maxminddb-geolite2 package, so it works offline.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _reader(path: str):
    import geoip2.database

    return geoip2.database.Reader(path)


def geoip_path() -> str:
    if settings.GEOIP_PATH:
        return settings.GEOIP_PATH
    from _maxminddb_geolite2 import geolite2_database

    return geolite2_database()


def client_ip(request) -> str | None:
    """The client address, trusting X-Forwarded-For only from our own proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def country_for_ip(ip: str | None) -> str:
    """ISO country code of `ip`, or "" when unknown (private address, no match, bad input)."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.is_private or address.is_loopback or address.is_reserved:
        return ""
    try:
        response = _reader(geoip_path()).city(str(address))
    except Exception:  # noqa: BLE001 - a lookup failure must never fail a download
        logger.debug("GeoIP lookup failed for a download", exc_info=True)
        return ""
    return (response.country.iso_code or "")[:2].upper()
