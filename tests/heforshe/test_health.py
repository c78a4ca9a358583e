from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEALTHZ_SCRIPT = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='heforshe.settings'; django.setup(); "
    "from django.test import Client; r = Client(REMOTE_ADDR=os.environ.get('HEALTHZ_FROM', '127.0.0.1'))"
    ".get('/healthz'); print(r.status_code); print(r.content.decode())"
)
PUBLIC = "203.0.113.5"


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
    assert set(body) == {"status", "checks", "geoip"}
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_answers_503_when_the_database_is_unreachable():
    # Port 9 (discard) has no PostgreSQL: the connection really fails.
    status, body = healthz_in_subprocess(DATABASE_URL="postgres://postgres@127.0.0.1:9/heforshe")
    assert status == 503
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] is False
    assert "OperationalError" in body["checks"]["database"]["detail"]


def test_healthz_answers_503_when_redis_is_unreachable():
    status, body = healthz_in_subprocess(REDIS_URL="redis://127.0.0.1:9/0")
    assert status == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False


def test_healthz_answers_the_public_503_and_down_without_naming_what_failed():
    status, body = healthz_in_subprocess(REDIS_URL="redis://127.0.0.1:9/0", HEALTHZ_FROM=PUBLIC)
    assert status == 503
    assert body == {"status": "down"}


@pytest.mark.django_db
def test_healthz_tells_the_public_up_and_nothing_else(client):
    response = client.get("/healthz", REMOTE_ADDR=PUBLIC)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_a_forged_forwarded_for_cannot_claim_the_internal_network(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy (10.0.0.1, private) appended the real client after what the client wrote.
    response = client.get("/healthz", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"127.0.0.1, {PUBLIC}")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_without_a_trusted_proxy_forwarded_for_is_not_read_at_all(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/healthz", REMOTE_ADDR=PUBLIC, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_an_internal_client_behind_the_proxy_sees_the_details(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.168.4.4")
    assert set(response.json()) == {"status", "checks", "geoip"}


@pytest.mark.django_db
def test_the_detail_networks_come_from_settings(client, settings):
    settings.HEALTH_DETAIL_NETWORKS = ["203.0.113.0/24"]
    assert set(client.get("/healthz", REMOTE_ADDR=PUBLIC).json()) == {"status", "checks", "geoip"}
    assert client.get("/healthz", REMOTE_ADDR="127.0.0.1").json() == {"status": "ok"}


@pytest.mark.django_db
def test_staff_see_the_details_from_anywhere(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    body = client.get("/healthz", REMOTE_ADDR=PUBLIC).json()
    assert set(body["checks"]) == {"database", "cache", "broker"}


@pytest.mark.django_db
def test_a_signed_in_non_staff_user_gets_up_or_down_only(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=False))
    assert client.get("/healthz", REMOTE_ADDR=PUBLIC).json() == {"status": "ok"}


@pytest.mark.django_db
def test_the_details_give_the_geoip_database_build_date_and_age(client, settings):
    import datetime as dt

    settings.GEOIP_PATH = ""
    geoip = client.get("/healthz").json()["geoip"]
    assert geoip["build_date"] == "2018-07-03"  # the file maxminddb-geolite2==2018.703 ships
    built = dt.datetime(2018, 7, 3, 21, 26, 56, tzinfo=dt.UTC)
    assert geoip["age_days"] == (dt.datetime.now(tz=dt.UTC) - built).days
