from __future__ import annotations

import uuid

from django.core.cache import cache

from heforshe.celery import app
from heforshe.tasks import echo
from tests.conftest import wait_for


def test_celery_only_speaks_json():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert "heforshe-heartbeat" in app.conf.beat_schedule


def test_a_task_runs_on_a_real_worker_through_redis(live_worker):
    key = f"echo:{uuid.uuid4().hex}"
    echo.delay(value="hello from the worker", cache_key=key)
    assert wait_for(lambda: cache.get(key), timeout=30) == "hello from the worker"
