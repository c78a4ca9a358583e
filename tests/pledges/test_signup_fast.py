"""The sign-up API's lean path: same answers as the DRF path, each attempt counted once against every limit."""

from __future__ import annotations

import pytest

from heforshe.lib.ratelimit import address_key, count_hits
from pledges.abuse import signup_limits
from pledges.models import Pledge

pytestmark = pytest.mark.django_db

IP = "127.0.0.1"  # the test client's REMOTE_ADDR


def _counts() -> list[int]:
    limits = [(f"throttle_public_write_{address_key(IP)}", 60)] + [
        (lim.key, lim.window) for lim in signup_limits(ip=IP)
    ]
    return count_hits(limits, increment=False)


def _post(client, payload, **extra):
    return client.post("/api/v1/pledges/", payload, content_type="application/json", **extra)


def test_a_plain_sign_up_is_counted_once_against_the_throttle_and_each_network_limit(client, api_payload):
    assert _post(client, api_payload).status_code == 202
    assert _counts() == [1, 1, 1]
    assert Pledge.objects.get().source == Pledge.Source.API


def test_a_sign_up_refused_after_counting_is_not_counted_twice(client, api_payload):
    response = _post(client, {**api_payload, "email": "man@mailinator.com"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["email"]
    assert _counts() == [1, 1, 1]


def test_the_lean_and_the_full_path_answer_alike(client, api_payload):
    plain = _post(client, api_payload, HTTP_ACCEPT_LANGUAGE="fr")
    with_city = _post(
        client, {**api_payload, "email": "other@example.org", "city": "Nairobi"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    again = _post(client, api_payload, HTTP_ACCEPT_LANGUAGE="fr")  # a known email: the same answer
    assert plain.status_code == with_city.status_code == again.status_code == 202
    assert plain.content == with_city.content == again.content
    assert plain["Content-Type"] == with_city["Content-Type"] == "application/json"
    assert plain.json()["detail"].startswith("Merci")
    assert Pledge.objects.count() == 2


@pytest.mark.parametrize(
    "change",
    [{"consent": False}, {"first_name": "   "}, {"email": "not-an-email"}, {"country": "ZZ"}, {"language": "xx"}],
)
def test_anything_not_plain_gets_the_serializers_400(client, api_payload, change):
    response = _post(client, {**api_payload, **change})
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Pledge.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_survives_a_kept_alive_database_connection_that_died(client, api_payload):
    from django.db import connection

    from tests.conftest import uses_postgres

    if not uses_postgres():
        pytest.skip("needs PostgreSQL to terminate a backend")
    connection.ensure_connection()
    with connection.cursor() as cursor:  # as a restart of the database would, from outside
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    import psycopg2

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    killer = psycopg2.connect(**params)
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()
    assert _post(client, api_payload).status_code == 202
    assert Pledge.objects.filter(email=api_payload["email"]).count() == 1
