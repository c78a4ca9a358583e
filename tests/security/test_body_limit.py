"""A request body larger than its view accepts is refused from Content-Length, before it is read."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

THIRTY_MB = str(30 * 1024 * 1024)
BODY = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n'


def _post(client: Client, path: str, length: str = THIRTY_MB, **extra):
    return client.generic(
        "POST", path, BODY, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=length, **extra
    )


def test_an_anonymous_oversized_post_to_a_page_gets_413_unread():
    client = Client(enforce_csrf_checks=True)
    response = _post(client, "/en/pledge/")
    assert response.status_code == 413


def test_the_413_page_is_the_sites_own_and_translated():
    response = _post(Client(enforce_csrf_checks=True), "/fr/pledge/")
    assert "Veuillez envoyer un fichier plus petit" in response.content.decode()


def test_the_413_answer_closes_the_connection():
    response = _post(Client(enforce_csrf_checks=True), "/en/pledge/")
    assert response["Connection"] == "close"


def test_an_oversized_api_body_gets_the_apis_json_error():
    response = _post(Client(), "/api/v1/pledges/")
    assert (response.status_code, sorted(response.json())) == (413, ["detail", "errors"])


def test_a_body_within_the_limit_reaches_the_csrf_check():
    response = _post(Client(enforce_csrf_checks=True), "/en/pledge/", length=str(len(BODY)))
    assert response.status_code == 403


def test_the_admin_takes_a_kit_sized_body(settings):
    length = str(settings.ACTIONKITS_MAX_FILE_SIZE)
    response = _post(Client(enforce_csrf_checks=True), "/admin/login/", length=length)
    assert response.status_code != 413


def test_the_admin_refuses_a_body_above_the_staff_limit(settings):
    length = str(settings.REQUEST_BODY_MAX_BYTES_STAFF + 1)
    response = _post(Client(enforce_csrf_checks=True), "/admin/login/", length=length)
    assert response.status_code == 413
