"""The client's network address, the key rate limits count it under, and its country.

One definition for the whole site:

- `client_ip(request)`: the address of the client, trusting the last
  `TRUSTED_PROXY_COUNT` hops of X-Forwarded-For (the ones our own proxies
  appended) and nothing a client wrote before them. Invalid entries are
  ignored, never passed on.
- `rate_limit_key(ip)`: what abuse controls count per. An IPv6 subscriber
  is usually given a whole /64, so every address in it is one client.
- `geoip_reader()` / `country_for_ip(ip)`: the GeoLite2 City database, from
  `GEOIP_PATH` or the copy the maxminddb-geolite2 package ships. The
  reader is opened once per file version, so a refreshed file
  (`manage.py geoip_refresh`) is picked up without a restart.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import logging
import os
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

IPV6_SUBSCRIBER_PREFIX = 64


def parse_ip(raw: str | None) -> Address | None:
    """The address in `raw`, or None when it holds none.

    Accepts what proxies write: surrounding spaces, "[v6]:port", "v4:port".
    IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket reports
    for an IPv4 client) is the IPv4 address it maps.
    """
    if not raw:
        return None
    if isinstance(raw, str) and len(raw) <= 100:  # what could be an address; the rest is not worth a cache slot
        return _parse_ip(raw)
    return _parse_ip.__wrapped__(raw)


@functools.lru_cache(maxsize=4096)
def _parse_ip(raw: str) -> Address | None:
    # Memoised: a sign-up parses its client's address five times (client, throttle key, limits, GeoIP),
    # and ipaddress costs about 5 us a time. Addresses are immutable, so sharing them is safe.
    text = raw.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1 and "." in text:
        text = text.split(":", 1)[0]
    if len(text) > 64:  # longer than any textual address, scope id included
        return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_ip(request) -> str:
    """The client's address in canonical form, or "" when the request carries no valid one.

    With N trusted proxies, each appends the address it received from to
    X-Forwarded-For, so the client is the N-th entry from the right; what
    stands before it was written by the client and is ignored. When that
    entry is missing or invalid, the address the connection came from is used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # Empty entries keep their place: skipping them would let a client's own entry slide into the trusted one.
        hops = header.split(",") if header.strip() else []
        if hops:
            forwarded = parse_ip(hops[-min(proxies, len(hops))])
            if forwarded is not None:
                return str(forwarded)
    direct = parse_ip(request.META.get("REMOTE_ADDR"))
    return str(direct) if direct is not None else ""


def rate_limit_key(ip: str | None) -> str:
    """The unit abuse controls count per: an IPv4 address, or the /64 an IPv6 address belongs to.

    "" for anything that is not an address, so callers can skip counting it.
    """
    address = parse_ip(ip)
    if address is None:
        return ""
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    network = ipaddress.IPv6Network((int(address), IPV6_SUBSCRIBER_PREFIX), strict=False)
    return str(network)


def is_in_networks(ip: str | None, networks) -> bool:
    """True when `ip` lies in one of `networks` (CIDR strings)."""
    address = parse_ip(ip)
    if address is None:
        return False
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except (TypeError, ValueError):
            logger.warning("Ignoring %r: not a network", network)
    return False


# --- GeoIP ----------------------------------------------------------------------


def geoip_path() -> str:
    """The GeoLite2/GeoIP2 City file in use: GEOIP_PATH, or the packaged copy."""
    if settings.GEOIP_PATH:
        return str(settings.GEOIP_PATH)
    return _packaged_geoip_path()


@functools.cache
def _packaged_geoip_path() -> str:
    import _maxminddb_geolite2

    return str(Path(_maxminddb_geolite2.__file__).parent / "GeoLite2-City.mmdb")


_reported_missing: set[str] = set()


@functools.lru_cache(maxsize=4)
def _open_reader(path: str, _version: tuple[int, int]):
    import geoip2.database

    try:
        return geoip2.database.Reader(path)
    except (OSError, ValueError):
        logger.warning("GeoIP database %s could not be opened; locations are unknown", path, exc_info=True)
        return None


def geoip_reader():
    """The shared geoip2 Reader, or None when the database cannot be opened.

    Cached per (path, modification time, size): a file replaced in place by a
    refresh opens a new reader on the next lookup.
    """
    path = geoip_path()
    try:
        stat = os.stat(path)
    except OSError:
        if path not in _reported_missing:  # once per process, not once per lookup
            _reported_missing.add(path)
            logger.warning("GeoIP database %s is missing; locations are unknown (manage.py geoip_refresh)", path)
        return None
    return _open_reader(path, (stat.st_mtime_ns, stat.st_size))


def geoip_city(ip: str | None):
    """The GeoIP City record of a public address, or None (private, unknown, malformed, no database)."""
    address = parse_ip(ip)
    if address is None or not address.is_global:
        return None
    reader = geoip_reader()
    if reader is None:
        return None
    try:
        return reader.city(str(address))
    except Exception:  # noqa: BLE001 - an address missing from the file is simply unknown
        return None


@functools.lru_cache(maxsize=4)
def _open_raw_reader(path: str, _version: tuple[int, int]):
    import maxminddb

    try:
        return maxminddb.open_database(path)
    except (OSError, ValueError):
        logger.warning("GeoIP database %s could not be opened; locations are unknown", path, exc_info=True)
        return None


def geoip_file_version() -> tuple[str, tuple[int, int]] | None:
    """(path, (modification time, size)) of the GeoIP file in use, or None when it is missing."""
    path = geoip_path()
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return path, (stat.st_mtime_ns, stat.st_size)


def geoip_record(ip: str | None, *, version: tuple[str, tuple[int, int]] | None = None) -> dict | None:
    """The raw GeoIP record (a dict) of a public address, or None, like geoip_city().

    For the hot paths: geoip2's City object copies every name in every
    language into Python objects, several times the cost of the lookup.
    `version`: what geoip_file_version() just returned, if the caller has it.
    """
    address = parse_ip(ip)
    if address is None or not address.is_global:
        return None
    version = version or geoip_file_version()
    if version is None:
        return None
    reader = _open_raw_reader(*version)
    if reader is None:
        return None
    try:
        return reader.get(str(address))
    except ValueError:
        return None


def country_for_ip(ip: str | None) -> str:
    """ISO 3166-1 alpha-2 country of `ip`, or "" when unknown."""
    found = geoip_city(ip)
    if found is None:
        return ""
    return (found.country.iso_code or "")[:2].upper()


def geoip_build_date() -> dt.datetime | None:
    """When the GeoIP database in use was built (from its own metadata), or None without a database."""
    reader = geoip_reader()
    if reader is None:
        return None
    return dt.datetime.fromtimestamp(reader.metadata().build_epoch, tz=dt.UTC)
