"""The pledge API takes exactly the documented types, and hostile bodies get a JSON 4xx, never a 500."""

from __future__ import annotations

import json

import pytest

from pledges.models import Pledge

pytestmark = pytest.mark.django_db

URL = "/api/v1/pledges/"


def _post(client, body: str | dict, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent": "true"}, "consent", "Must be true or false (a JSON boolean)."),
        ({"consent": 1}, "consent", "Must be true or false (a JSON boolean)."),
        ({"newsletter": "yes"}, "newsletter", "Must be true or false (a JSON boolean)."),
        ({"first_name": 5}, "first_name", "Must be a string."),
        ({"first_name": ["Amani"]}, "first_name", "Must be a string."),
        ({"email": 7}, "email", "Must be a string."),
        ({"country": 404}, "country", "Must be a string."),
        ({"city": True}, "city", "Must be a string."),
        ({"language": 1}, "language", "Must be a string."),
        ({"age_range": 25}, "age_range", "Must be a string."),
        ({"lat": "1.5", "lng": 36.8}, "lat", "Must be a number."),
        ({"lat": True, "lng": 36.8}, "lat", "Must be a number."),
    ],
)
def test_only_the_documented_types_are_accepted(client, api_payload, change, field, message):
    response = _post(client, {**api_payload, **change})
    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert not Pledge.objects.exists()


def test_type_errors_are_translated(client, api_payload):
    response = _post(client, {**api_payload, "consent": "true"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["errors"] == {"consent": ["Doit valoir true ou false (un booléen JSON)."]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "ke"}, "country"),
        ({"first_name": "   "}, "first_name"),
        ({"first_name": "\u3000\ufeff"}, "first_name"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "Am\x00ani"}, "first_name"),
        ({"city": "Nai\x00robi"}, "city"),
        ({"email": " amani@example.org"}, "email"),
        ({"consent": False}, "consent"),
        ({"website": "x"}, "website"),
    ],
)
def test_what_the_schema_refuses_the_server_refuses(client, api_payload, change, field):
    response = _post(client, {**api_payload, **change})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_lone_surrogate_is_refused_not_a_server_error(client, api_payload):
    body = json.dumps(api_payload)[:-1] + ', "city": "\\ud800"}'
    response = _post(client, body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"city": ["Contains characters that are not valid text."]}


@pytest.mark.parametrize("number", ["1e400", "-1e400", "9" * 400])
def test_numbers_beyond_a_float_are_refused(client, api_payload, number):
    body = json.dumps({**api_payload, "lng": 36.8})[:-1] + f', "lat": {number}}}'
    response = _post(client, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lat"]


def test_a_body_nested_5000_levels_deep_is_a_400(client):
    response = _post(client, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The JSON is nested too deeply: at most 16 levels.", "errors": {}}


def test_deep_nesting_inside_a_field_is_a_400(client, api_payload):
    body = json.dumps(api_payload)[:-1] + ', "city": ' + "{" * 3000 + "}" * 3000 + "}"
    assert _post(client, body).status_code == 400


def test_brackets_inside_strings_do_not_count_as_nesting(client, api_payload):
    response = _post(client, {**api_payload, "city": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})
    assert response.status_code == 202


def test_a_10_mb_body_is_a_json_413(client, api_payload):
    body = json.dumps({**api_payload, "city": "x" * (10 * 1024 * 1024)})
    response = _post(client, body)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is too large: at most 65536 bytes.", "errors": {}}


def test_a_body_just_over_the_api_limit_is_a_413(client, api_payload, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = _post(client, {**api_payload, "city": "x" * 1000})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    ['{"first_name": NaN}', '{"lat": Infinity}', "{not json", '{"a": 1}}', "\ufeff{}", "null", "[]", '"x"', "1"],
)
def test_malformed_or_odd_json_is_a_json_400(client, body):
    response = _post(client, body)
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_a_body_that_is_not_utf8_is_a_400(client):
    response = client.post(URL, b'{"first_name": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The body is not valid JSON: it must be UTF-8 text."


def test_a_valid_pledge_is_still_accepted_and_trimmed(client, api_payload):
    response = _post(client, {**api_payload, "first_name": "  Amani ", "city": " Nairobi ", "lat": -1, "lng": 36})
    assert response.status_code == 202
    pledge = Pledge.objects.get()
    assert (pledge.first_name, pledge.city, pledge.lat10, pledge.lng10) == ("Amani", "Nairobi", -10, 360)
