"""Abuse controls on the sign-up path: rate limits in Redis, honeypot, minimum fill time."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)

FORM_STARTED_SALT = "pledges.form-started"


class RateLimited(Exception):
    """Too many sign-ups from one network address in a window."""


_client_holder: dict = {}


def _redis_client():
    """One Redis client per process (thread-safe, pooled); None when the cache is not Redis.

    Django builds a new client object on every cache call, and redis-py's
    constructor alone costs about as much CPU as the round trip.
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]  # `cache` is a proxy: isinstance() needs the backend itself
    if not isinstance(backend, RedisCache):
        return None
    location = settings.CACHES["default"]["LOCATION"]
    client = _client_holder.get(location)
    if client is None:
        client = _client_holder[location] = backend._cache.get_client(write=True)
    return client


def count_hits(windows: list[tuple[str, int]]) -> list[int]:
    """Add one hit to each fixed-window counter (key, window seconds); return the new counts.

    On Redis this is one pipelined round trip (INCR + EXPIRE per window): the
    sign-up path's only cache work. Elsewhere (local memory) the cache API.
    """
    now = int(time.time())
    keyed = [(cache.make_key(f"{key}:{now // window}"), window) for key, window in windows]
    client = _redis_client()
    if client is not None:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        pipe = client.pipeline(transaction=False)
        for key, window in keyed:
            pipe.incr(key)
            pipe.expire(key, window + 5)
        try:
            replies = pipe.execute()
        except (RedisConnectionError, RedisTimeoutError):
            # Redis is down: sign-ups must still be accepted (they are stored in PostgreSQL and
            # their tasks swept later), so count nothing until it returns rather than refuse everyone.
            logger.warning("rate-limit counters unavailable (Redis down); not limiting", exc_info=True)
            return [0] * len(keyed)
        return [int(n) for n in replies[0::2]]
    counts = []
    for key, window in windows:
        full = f"{key}:{now // window}"
        cache.add(full, 0, timeout=window + 5)
        try:
            counts.append(cache.incr(full))
        except ValueError:  # expired between add and incr
            cache.set(full, 1, timeout=window + 5)
            counts.append(1)
    return counts


def check_rate_limits(*, ip_hash: str) -> None:
    """Count this attempt per IP hash in each configured window; raise RateLimited when one overflows.

    Limits are per address, so a campus behind one NAT gets a generous
    sustained limit (settings.PLEDGE_RATE_LIMITS).
    """
    if not ip_hash:
        return
    limits = settings.PLEDGE_RATE_LIMITS
    counts = count_hits([(f"pledges:rl:{name}:{ip_hash}", window) for name, _limit, window in limits])
    for (name, limit, _window), count in zip(limits, counts, strict=True):
        if count > limit:
            raise RateLimited(name)


class FixedWindowThrottle(ScopedRateThrottle):
    """DRF's scoped throttle rates, counted in one pipelined Redis round trip instead of a request log."""

    def allow_request(self, request, view) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        ident = self.get_ident(request)
        [count] = count_hits([(f"throttle:{self.scope}:{ident}", self.duration)])
        return count <= self.num_requests

    def get_ident(self, request) -> str:
        # DRF trusts every X-Forwarded-For hop unless NUM_PROXIES is set; use the site's own rule.
        from pledges.identity import client_ip, ip_hash

        return ip_hash(client_ip(request))

    def wait(self) -> float:
        return float(self.duration - int(time.time()) % self.duration)


def form_started_token() -> str:
    return signing.dumps(time.time(), salt=FORM_STARTED_SALT)


def filled_too_fast(token: str) -> bool:
    """True when the form came back sooner than a person can fill it (or the token is missing or forged)."""
    try:
        started = float(signing.loads(token, salt=FORM_STARTED_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < settings.PLEDGE_MIN_FILL_SECONDS
