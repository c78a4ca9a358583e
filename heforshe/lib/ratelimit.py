"""Fixed-window rate limits counted in Redis, and the DRF throttles built on them.

A limit is (key, how many, window seconds). Counting a hit against several
limits is one pipelined round trip (INCR + EXPIRE per window). When Redis is
down nothing is limited (fail open): what the limits protect is stored in
PostgreSQL, and refusing everyone would be worse than a short unguarded spell.
Each answer says how many seconds remain until the exceeded window resets,
which callers send as `Retry-After`.

Keys never hold a raw network address: `address_key()` is a keyed hash of
the address's rate-limit unit (its IPv6 /64).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from heforshe.lib.net import client_ip, rate_limit_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    key: str
    limit: int
    window: int  # seconds


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Seconds until the longest exceeded window resets (0 when allowed): the Retry-After value.
    retry_after: int
    exceeded: tuple[str, ...] = ()


class RateLimitExceeded(Exception):
    """A rate limit was hit; `retry_after` is the number of seconds until it resets."""

    def __init__(self, name: str = "", retry_after: int = 0) -> None:
        super().__init__(name)
        self.name = name
        self.retry_after = retry_after


def address_key(ip: str | None) -> str:
    """A keyed hash of the address's rate-limit unit, "" for no address."""
    unit = rate_limit_key(ip)
    if not unit:
        return ""
    key = getattr(settings, "IP_HASH_KEY", settings.SECRET_KEY)
    return hmac.new(key.encode(), f"rl:{unit}".encode(), hashlib.sha256).hexdigest()[:32]


def seconds_until_reset(window: int, now: float | None = None) -> int:
    """Seconds left in the current fixed window of `window` seconds (at least 1)."""
    now = time.time() if now is None else now
    return max(1, window - int(now) % window)


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


def _window_key(key: str, window: int, now: int) -> str:
    return f"rl:{key}:{window}:{now // window}"


def count_hits(windows: Sequence[tuple[str, int]], *, increment: bool = True) -> list[int]:
    """Add one hit (or, with increment=False, none) to each (key, window seconds); return the counts.

    Redis: one pipelined round trip; Redis down: zeros. Other caches (local
    memory in development) go through the cache API.
    """
    now = int(time.time())
    client = _redis_client()
    if client is not None:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        keyed = [(cache.make_key(_window_key(key, window, now)), window) for key, window in windows]
        pipe = client.pipeline(transaction=False)
        for key, window in keyed:
            if increment:
                pipe.incr(key)
                pipe.expire(key, window + 5)
            else:
                pipe.get(key)
        try:
            replies = pipe.execute()
        except (RedisConnectionError, RedisTimeoutError):
            logger.warning("rate-limit counters unavailable (Redis down); not limiting", exc_info=True)
            return [0] * len(keyed)
        return [int(n or 0) for n in (replies[0::2] if increment else replies)]
    counts = []
    for key, window in windows:
        full = _window_key(key, window, now)
        if not increment:
            counts.append(int(cache.get(full) or 0))
            continue
        cache.add(full, 0, timeout=window + 5)
        try:
            counts.append(cache.incr(full))
        except ValueError:  # expired between add and incr
            cache.set(full, 1, timeout=window + 5)
            counts.append(1)
    return counts


def _verdict(limits: Sequence[Limit], counts: list[int], *, over) -> Verdict:
    now = time.time()
    exceeded = [limit for limit, count in zip(limits, counts, strict=True) if over(count, limit.limit)]
    if not exceeded:
        return Verdict(allowed=True, retry_after=0)
    return Verdict(
        allowed=False,
        retry_after=max(seconds_until_reset(limit.window, now) for limit in exceeded),
        exceeded=tuple(limit.key for limit in exceeded),
    )


def hit(limits: Sequence[Limit]) -> Verdict:
    """Count one attempt against every limit; refused when any now holds more than it allows."""
    limits = [limit for limit in limits if limit.key]
    if not limits:
        return Verdict(allowed=True, retry_after=0)
    counts = count_hits([(limit.key, limit.window) for limit in limits])
    return _verdict(limits, counts, over=lambda count, allowed: count > allowed)


def peek(limits: Sequence[Limit]) -> Verdict:
    """Whether one more attempt would be refused, counting nothing (for limits on failures only)."""
    limits = [limit for limit in limits if limit.key]
    if not limits:
        return Verdict(allowed=True, retry_after=0)
    counts = count_hits([(limit.key, limit.window) for limit in limits], increment=False)
    return _verdict(limits, counts, over=lambda count, allowed: count >= allowed)


# --- DRF throttles ----------------------------------------------------------------


class FixedWindowRateThrottle(SimpleRateThrottle):
    """DRF rates counted in one pipelined Redis round trip, keyed on the client's rate-limit unit.

    DRF's own throttles keep a list of timestamps per client and trust
    X-Forwarded-For by NUM_PROXIES alone, keying each IPv6 address apart.
    """

    _retry_after: int = 0

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        verdict = hit([Limit(self.key, self.num_requests, self.duration)])
        self._retry_after = verdict.retry_after
        return verdict.allowed

    def get_ident(self, request) -> str:
        return address_key(client_ip(request)) or "unknown"

    def wait(self) -> float:
        return float(self._retry_after or self.duration)


class ScopedThrottle(ScopedRateThrottle, FixedWindowRateThrottle):
    """Per-view scope (`throttle_scope`), per client."""


class AnonThrottle(AnonRateThrottle, FixedWindowRateThrottle):
    """Anonymous clients, per client address."""


class UserThrottle(UserRateThrottle, FixedWindowRateThrottle):
    """Signed-in users per account, anonymous ones per client address."""


def retry_later(response, seconds: int):
    """Set `Retry-After` on a refused answer (no-op for 0); returns the response."""
    if seconds > 0:
        response["Retry-After"] = str(int(seconds))
    return response
