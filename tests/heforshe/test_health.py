from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEALTHZ_SCRIPT = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='heforshe.settings'; django.setup(); "
    "from django.test import Client; r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
)


def healthz_in_subprocess(**env) -> tuple[int, dict]:
    result = subprocess.run(
        [sys.executable, "-c", HEALTHZ_SCRIPT],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


@pytest.mark.django_db
def test_healthz_reports_every_part_and_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_when_the_database_is_unreachable():
    # Port 9 (discard) has no PostgreSQL: the connection really fails.
    status, body = healthz_in_subprocess(DATABASE_URL="postgres://postgres@127.0.0.1:9/heforshe")
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["detail"]


def test_healthz_answers_503_when_redis_is_unreachable():
    status, body = healthz_in_subprocess(REDIS_URL="redis://127.0.0.1:9/0")
    assert status == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False
