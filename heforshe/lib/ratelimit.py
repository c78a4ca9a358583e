"""Fixed-window rate limits counted in Redis, and the DRF throttles built on them.

A limit is (key, how many, window seconds). Counting a hit against several
limits is one round trip (a script: INCR per window, EXPIRE when new). When Redis is
down nothing is limited (fail open): what the limits protect is stored in
PostgreSQL, and refusing everyone would be worse than a short unguarded spell.
Each answer says how many seconds remain until the exceeded window resets,
which callers send as `Retry-After`.

Keys never hold a raw network address: `address_key()` is a keyed hash of
the address's rate-limit unit (its IPv6 /64).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import math
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
    return _unit_hash(unit, getattr(settings, "IP_HASH_KEY", settings.SECRET_KEY))


@functools.lru_cache(maxsize=4096)
def _unit_hash(unit: str, key: str) -> str:
    # Memoised (a sign-up keys its address twice: the API throttle and the sign-up limits); keyed by the key too.
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


# Counts one hit per key and sets each new window's expiry, in one command: an INCR+EXPIRE
# pipeline costs the web process about twice the CPU of this (one reply to parse, not two per key).
_HIT_SCRIPT = (
    "local out = {} "
    "for i, key in ipairs(KEYS) do "
    "local n = redis.call('INCR', key) "
    "if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end "
    "out[i] = n "
    "end "
    "return out"
)
_HIT_SHA = hashlib.sha1(_HIT_SCRIPT.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA-1


def _redis_hits(client, keyed: list[tuple[str, int]]) -> list[int]:
    """INCR each key (setting its expiry when new) in one round trip on a pooled connection.

    Straight on the connection: redis-py's command layer costs more CPU than
    the round trip. A dead pooled connection (Redis restarted) is dropped and
    the command sent once more on a new one; NOSCRIPT (a restarted Redis
    forgot the script) is answered by sending the script itself.
    """
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import NoScriptError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    args = [len(keyed), *(key for key, _w in keyed), *(window + 5 for _k, window in keyed)]
    pool = client.connection_pool
    for attempt in (1, 2):
        conn = pool.get_connection()
        try:
            conn.send_packed_command(conn.pack_command("EVALSHA", _HIT_SHA, *args), check_health=False)
            try:
                replies = conn.read_response()
            except NoScriptError:
                conn.send_packed_command(conn.pack_command("EVAL", _HIT_SCRIPT, *args), check_health=False)
                replies = conn.read_response()
            return [int(n) for n in replies]
        except (RedisConnectionError, RedisTimeoutError, OSError):
            conn.disconnect()
            if attempt == 2:
                raise RedisConnectionError("Redis unavailable") from None
        finally:
            pool.release(conn)
    raise AssertionError("unreachable")


def count_hits(windows: Sequence[tuple[str, int]], *, increment: bool = True) -> list[int]:
    """Add one hit (or, with increment=False, none) to each (key, window seconds); return the counts.

    Redis: one round trip; Redis down: zeros. Other caches (local
    memory in development) go through the cache API.
    """
    now = int(time.time())
    client = _redis_client()
    if client is not None:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        keyed = [(cache.make_key(_window_key(key, window, now)), window) for key, window in windows]
        try:
            if increment:
                return _redis_hits(client, keyed)
            pipe = client.pipeline(transaction=False)
            for key, _window in keyed:
                pipe.get(key)
            replies = pipe.execute()
        except (RedisConnectionError, RedisTimeoutError):
            logger.warning("rate-limit counters unavailable (Redis down); not limiting", exc_info=True)
            return [0] * len(keyed)
        return [int(n or 0) for n in replies]
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
    """DRF rates counted in one Redis round trip, keyed on the client's rate-limit unit.

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


# --- allauth's limits ------------------------------------------------------------------

# allauth's 429 handler is not told which limit refused: the view it came from says.
# url name -> (ACCOUNT_RATE_LIMITS action, POST field holding its key)
ALLAUTH_ACTIONS = {
    "account_login": ("login", None),
    "account_signup": ("signup", None),
    "account_reset_password": ("reset_password", "email"),
    "account_reset_password_from_key": ("reset_password_from_key", None),
    "account_email": ("manage_email", None),
    "account_change_password": ("change_password", None),
    "account_set_password": ("change_password", None),
    "account_reauthenticate": ("reauthenticate", None),
}


def allauth_retry_after(request, *, action: str | None = None, key: str | None = None) -> int:
    """Seconds until allauth lets this client (and key) try `action` again.

    allauth counts in sliding windows of hit timestamps: the wait is until the
    oldest hit that keeps a full window full drops out. Without the action (or
    for a limit whose key is unknown) the longest configured window is a safe
    upper bound.
    """
    from allauth.account import app_settings as account_settings
    from allauth.core.internal import ratelimit as allauth_ratelimit

    if action is None:
        match = getattr(request, "resolver_match", None)
        action, field = ALLAUTH_ACTIONS.get(getattr(match, "url_name", ""), (None, None))
        if field and key is None and request.method == "POST":
            key = (request.POST.get(field) or "").strip().lower() or None
    config = account_settings.RATE_LIMITS
    actions = [action] if action in config else list(config)
    rates = [rate for name in actions for rate in allauth_ratelimit.parse_rates(config.get(name))]
    now = time.time()
    waits = []
    if action in config:
        for rate in rates:
            if rate.per == "key" and key is None:
                continue
            if rate.per == "user" and not request.user.is_authenticated:
                continue
            cache_key = allauth_ratelimit.get_cache_key(
                request, app="allauth.account", action=action, rate=rate, key=key
            )
            try:
                stored = cache.get(cache_key, [])
            except Exception:  # noqa: BLE001 - cache down: fall back to the longest window below
                stored = []
            history = [hit for hit in stored if hit > now - rate.duration]
            if len(history) >= rate.amount:
                waits.append(history[rate.amount - 1] + rate.duration - now)
    if not waits:
        waits = [rate.duration for rate in rates] or [60]
    return max(1, math.ceil(max(waits)))
