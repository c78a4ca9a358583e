"""Tasks only the tests use. A live worker imports this module (`celery worker --include tests.tasks`)."""

from __future__ import annotations

import builtins

from celery import shared_task
from django.core.cache import cache

from heforshe.lib.tasks import RETRY_ON_TRANSIENT


@shared_task(name="tests.echo", queue="default")
def echo(*, value: str, cache_key: str) -> str:
    """Writes `value` under `cache_key`: proves a real worker consumes the queue."""
    cache.set(cache_key, value, timeout=300)
    return value


@shared_task(name="tests.fail_then_succeed", queue="default", **RETRY_ON_TRANSIENT)
def fail_then_succeed(*, key: str, error: str, failures: int) -> int:
    """Raises `error` (a builtin exception name) the first `failures` times, counting attempts in the cache."""
    cache.add(key, 0, timeout=300)
    attempt = cache.incr(key)
    if attempt <= failures:
        raise getattr(builtins, error)(f"attempt {attempt}")
    return attempt
