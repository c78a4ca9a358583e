"""The public API endpoints run on a lean middleware stack; every other path keeps the full one."""

from __future__ import annotations

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from heforshe.wsgi import application
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


def _call(method: str, path: str, body: bytes = b"", **headers) -> tuple[int, dict, bytes]:
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(
        {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "testserver",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "203.0.113.5",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            **headers,
        }
    )
    seen: dict = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(response_headers)

    # As Django's test client does: the test's database connection (and transaction) stays open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        content = b"".join(application(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], content


def test_a_sign_up_through_the_wsgi_application_takes_the_lean_stack():
    api_payload = {"first_name": "Amani", "email": "amani@example.org", "country": "KE", "consent": True}
    status, headers, content = _call(
        "POST", "/api/v1/pledges/", json.dumps(api_payload).encode(),
        CONTENT_TYPE="application/json", HTTP_ACCEPT_LANGUAGE="fr",
    )  # fmt: skip
    assert status == 202
    assert json.loads(content)["detail"].startswith("Merci")
    assert headers["Content-Language"] == "fr"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in headers
    assert "X-Frame-Options" not in headers and "Set-Cookie" not in headers
    assert Pledge.objects.get().email == api_payload["email"]


def test_stats_take_the_lean_stack_and_pages_keep_the_full_one():
    status, headers, content = _call("GET", "/api/v1/pledges/stats/")
    assert status == 200
    assert json.loads(content)["total"] == 0
    assert "X-Frame-Options" not in headers
    status, headers, _content = _call("GET", "/en/")
    assert status == 200
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers


def test_the_lean_stack_takes_the_language_cookie_before_accept_language():
    status, headers, content = _call(
        "GET", "/api/v1/pledges/stats/", HTTP_COOKIE="django_language=es", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert status == 200
    assert headers["Content-Language"] == "es"
    assert "Accept-Language" in headers["Vary"]
