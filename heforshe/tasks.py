from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="heforshe.tasks.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """Records that a worker ran recently; /healthz reports the age."""
    now = timezone.now().isoformat()
    cache.set("worker:heartbeat", now, timeout=None)
    return now


@shared_task(name="heforshe.tasks.echo")
def echo(*, value: str, cache_key: str) -> str:
    """Writes `value` under `cache_key`: used to prove a real worker consumes the queue."""
    cache.set(cache_key, value, timeout=300)
    return value
