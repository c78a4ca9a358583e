from __future__ import annotations

import json

import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def test_healthz_names_redis_when_it_is_down_and_recovers(stack):
    status, body = stack.web.get("/healthz")
    assert status == 200, body

    stack.redis.stop()
    status, body = stack.web.get("/healthz")
    report = json.loads(body)
    assert status == 503
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["cache"]["ok"] is False
    assert report["checks"]["broker"]["ok"] is False
    assert (
        "ConnectionError" in report["checks"]["cache"]["detail"] or "Connection" in report["checks"]["cache"]["detail"]
    )

    stack.redis.start()
    assert wait_for(lambda: stack.web.get("/healthz")[0] == 200, timeout=30)
