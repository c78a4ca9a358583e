"""Abuse controls on the sign-up path: rate limits (heforshe.lib.ratelimit), minimum fill time."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing

from heforshe.lib.ratelimit import Limit, RateLimitExceeded, address_key, hit

FORM_STARTED_SALT = "pledges.form-started"


class RateLimited(RateLimitExceeded):
    """Too many sign-ups from one network (an IPv4 address or an IPv6 /64) in a window."""


def check_rate_limits(*, ip: str) -> None:
    """Count this attempt per client network in each configured window; raise RateLimited when one overflows.

    Limits are per address, so a campus behind one NAT gets a generous
    sustained limit (settings.PLEDGE_RATE_LIMITS).
    """
    verdict = hit(signup_limits(ip=ip))
    if not verdict.allowed:
        raise RateLimited(verdict.exceeded[0], retry_after=verdict.retry_after)


def signup_limits(*, ip: str) -> list[Limit]:
    """The per-network sign-up limits of `ip` (none without an address), for `hit()` alone or with others."""
    key = address_key(ip)
    if not key:
        return []
    return [Limit(f"pledges:{name}:{key}", limit, window) for name, limit, window in settings.PLEDGE_RATE_LIMITS]


def form_started_token() -> str:
    return signing.dumps(time.time(), salt=FORM_STARTED_SALT)


def filled_too_fast(token: str) -> bool:
    """True when the form came back sooner than a person can fill it (or the token is missing or forged)."""
    try:
        started = float(signing.loads(token, salt=FORM_STARTED_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return True
    return time.time() - started < settings.PLEDGE_MIN_FILL_SECONDS
