"""With DEBUG=false every error page is the site's own, in the visitor's language."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def test_the_404_page_is_the_sites_own_in_french(client):
    response = client.get("/fr/cette-page-n-existe-pas/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page introuvable</h1>" in body
    assert '<html lang="fr"' in body


def test_the_403_page_is_the_sites_own_in_russian(client):
    client.force_login(UserFactory())
    response = client.get("/ru/action-kits/staff/translations/")
    assert response.status_code == 403
    assert "<h1>Доступ запрещён</h1>" in response.content.decode()


def test_a_csrf_failure_shows_the_sites_page_in_spanish():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/es/pledge/", {"first_name": "Amani", "email": "amani@example.org"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>El formulario ha caducado</h1>" in body
    assert "CSRF verification failed" not in body


def test_a_csrf_failure_outside_the_language_prefix_follows_the_browser_language():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "fr"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in body
    assert "<h1>انتهت صلاحية النموذج</h1>" in body


def test_a_request_for_another_host_gets_the_sites_400_in_chinese(client):
    response = client.get("/zh-hans/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "<h1>请求无效</h1>" in response.content.decode()


@pytest.mark.urls("tests.heforshe.urls_boom")
def test_a_crash_gets_the_sites_500_in_the_browser_language():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Un problème est survenu</h1>" in body
    assert '<html lang="fr"' in body
