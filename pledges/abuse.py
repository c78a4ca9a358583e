"""Abuse controls on the sign-up path: rate limits in Redis, honeypot, minimum fill time."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

FORM_STARTED_SALT = "pledges.form-started"


class RateLimited(Exception):
    """Too many sign-ups from one network address in a window."""


def check_rate_limits(*, ip_hash: str) -> None:
    """Count this attempt in each window; raise RateLimited when one overflows.

    Fixed windows keyed by IP hash: two Redis round trips per window, no
    database work. Limits are per address, so a campus behind one NAT gets a
    generous sustained limit (settings.PLEDGE_RATE_LIMITS).
    """
    if not ip_hash:
        return
    now = int(time.time())
    for name, limit, window in settings.PLEDGE_RATE_LIMITS:
        key = f"pledges:rl:{name}:{ip_hash}:{now // window}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
        if count > limit:
            raise RateLimited(name)


def form_started_token() -> str:
    return signing.dumps(time.time(), salt=FORM_STARTED_SALT)


def filled_too_fast(token: str) -> bool:
    """True when the form came back sooner than a person can fill it (or the token is missing or forged)."""
    try:
        started = float(signing.loads(token, salt=FORM_STARTED_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < settings.PLEDGE_MIN_FILL_SECONDS
