"""Security headers on pages and the API, HSTS and secure cookies in production, CSRF on every form.

The production checks run Django in a subprocess with DEBUG=false and the
production variables (settings are read once at import), over requests marked
secure as they are behind the TLS-terminating proxy.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client

from pledges.abuse import form_started_token
from pledges.models import Pledge
from stories.models import Story
from tests.conftest import ROOT, requires_services
from tests.conftest import test_database_url as database_url_for
from tests.factories import UserFactory
from tests.stories.factories import CallFactory, StoryFactory
from tests.stories.factories import partner_member as story_partner_member

PAGES = ["/en/", "/en/pledge/", "/ar/pledge/", "/en/map/", "/en/stories/", "/en/partners/", "/en/action-kits/"]
PAGES += ["/en/accounts/login/", "/en/accounts/signup/"]
API = [
    "/api/v1/pledges/stats/",
    "/api/v1/pledges/map/",
    "/api/v1/stories/",
    "/api/v1/partners/",
    "/api/v1/action-kits/",
]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_common_headers(response) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "payment=()", "usb=()"):
        assert feature in policy
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    script = csp["script-src"]
    # Scripts: our own files, and inline only with the request's nonce; never 'unsafe-inline' or eval.
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "*" not in script
    assert all(s == "'self'" or s.startswith("'nonce-") for s in script), script


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_sends_the_security_headers_and_no_inline_script_without_the_nonce(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_common_headers(response)
    html = response.content.decode()
    nonce = next(
        (s[7:-1] for s in csp_directives(response["Content-Security-Policy"])["script-src"] if "nonce" in s), ""
    )
    for tag in re.findall(r"<script\b[^>]*>", html):
        if 'type="application/json"' in tag:
            continue  # data for a script (json_script), never executed
        assert "src=" in tag or (nonce and f'nonce="{nonce}"' in tag), (
            f"inline script without the nonce on {path}: {tag}"
        )
    assert not re.search(r"\son(click|load|error|submit|change)=", html), f"inline event handler on {path}"
    assert "javascript:" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", API)
def test_every_api_endpoint_sends_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_common_headers(response)
    expected = "application/geo+json" if path.endswith("/map/") else "application/json"
    assert response["Content-Type"] == expected


# --- production: HSTS, HTTPS redirect, secure cookies ---------------------------------------

PRODUCTION_SCRIPT = r"""
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "heforshe.settings"
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
from django.contrib.auth import get_user_model

# Whitenoise's manifest storage needs collectstatic (the image runs it at build time);
# headers and cookies do not depend on it.
storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
out = {"debug": settings.DEBUG}
with override_settings(STORAGES=storages):
    client = Client(HTTP_HOST="heforshe.example.org")
    def cookies(response):
        return {k: {"secure": bool(v["secure"]), "httponly": bool(v["httponly"]), "samesite": v["samesite"]}
                for k, v in response.cookies.items()}
    r = client.get("/en/pledge/", secure=True)
    out["page"] = {"status": r.status_code, "headers": dict(r.headers), "cookies": cookies(r)}
    r = client.get("/api/v1/pledges/stats/", secure=True)
    out["api"] = {"status": r.status_code, "headers": dict(r.headers)}
    r = client.get("/en/pledge/", secure=False)
    out["plain"] = {"status": r.status_code, "location": r.get("Location", "")}
    r = client.get("/healthz", secure=False)
    out["healthz_plain"] = r.status_code
    r = client.post("/i18n/setlang/", {"language": "fr", "next": "/fr/"}, secure=True)
    out["language_status"] = r.status_code
    out["language_cookie"] = cookies(r).get("django_language")
    from allauth.account.models import EmailAddress
    email, password = "prod-check@example.org", "Correct-horse-battery-9"
    user = get_user_model().objects.create_user(username="prod-check", email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    r = client.post("/en/accounts/login/", {"login": email, "password": password}, secure=True)
    out["login_status"] = r.status_code
    out["session_cookie"] = cookies(r).get("sessionid")
print("RESULT " + json.dumps(out))
"""


def run_in_production(database_url: str) -> dict:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SECURE_SSL_REDIRECT"}
    }
    env = {
        **base,
        "DEBUG": "false",
        "SECRET_KEY": "p" * 64 + "-production-secret-for-the-header-test",
        "ALLOWED_HOSTS": "heforshe.example.org",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@requires_services
@pytest.mark.django_db(transaction=True)
def test_production_sends_hsts_redirects_to_https_and_marks_cookies_secure():
    out = run_in_production(database_url_for(connection.settings_dict))
    assert out["debug"] is False
    page, api = out["page"], out["api"]
    assert page["status"] == 200 and api["status"] == 200
    for headers in (page["headers"], api["headers"]):
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "'unsafe-inline'" not in csp_directives(headers["Content-Security-Policy"])["script-src"]
    csrf = page["cookies"]["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    assert out["login_status"] == 302
    session = out["session_cookie"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # Plain HTTP is sent to HTTPS, except the load balancer's health check.
    assert out["plain"]["status"] == 301
    assert out["plain"]["location"] == "https://heforshe.example.org/en/pledge/"
    assert out["healthz_plain"] == 200
    # The language cookie is as protected as the others.
    assert out["language_status"] == 302
    assert out["language_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


# --- CSRF -------------------------------------------------------------------------------


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def token_from(client: Client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"].value


@pytest.fixture
def pledge_settings(settings):
    settings.PLEDGE_MIN_FILL_SECONDS = 0
    settings.PLEDGE_RATE_LIMITS = [("burst", 1000, 60), ("sustained", 10000, 3600)]


def pledge_data() -> dict:
    return {"first_name": "Amani", "email": "amani@example.org", "country": "KE", "consent": "on"}


@pytest.mark.django_db
def test_the_pledge_form_refuses_a_post_without_the_csrf_token_and_takes_one_with_it(pledge_settings):
    client = csrf_client()
    response = client.post("/en/pledge/", {**pledge_data(), "started": form_started_token()})
    assert response.status_code == 403
    assert not Pledge.objects.exists()

    token = token_from(client, "/en/pledge/")
    response = client.post(
        "/en/pledge/", {**pledge_data(), "started": form_started_token(), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
def test_a_forged_cross_site_pledge_with_a_stolen_looking_token_is_refused(pledge_settings):
    client = csrf_client()
    token_from(client, "/en/pledge/")
    response = client.post(
        "/en/pledge/", {**pledge_data(), "started": form_started_token(), "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_story_submission_and_uploads_need_the_csrf_token():
    user, partner = story_partner_member()
    CallFactory()
    client = csrf_client()
    client.force_login(user)
    assert client.post("/en/stories/submit/").status_code == 403
    assert not Story.objects.exists()
    story = StoryFactory(partner=partner, created_by=user)
    response = client.post(f"/en/stories/submit/{story.pk}/people/", {"title": "Forged", "next": "1"})
    assert response.status_code == 403
    response = client.post(
        f"/en/stories/submit/{story.pk}/uploads/", HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="100"
    )
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.title != "Forged"

    token = token_from(client, "/en/stories/submit/")
    assert client.post("/en/stories/submit/", {"csrfmiddlewaretoken": token}).status_code == 302
    # The resumable upload sends the token in a header, as tus-js-client is told to.
    response = client.post(
        f"/en/stories/submit/{story.pk}/uploads/",
        HTTP_TUS_RESUMABLE="1.0.0",
        HTTP_UPLOAD_LENGTH="100",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_sign_in_needs_the_csrf_token():
    UserFactory(email="someone@example.org")
    client = csrf_client()
    response = client.post("/en/accounts/login/", {"login": "someone@example.org", "password": "whatever-it-is"})
    assert response.status_code == 403
    token = token_from(client, "/en/accounts/login/")
    response = client.post(
        "/en/accounts/login/",
        {"login": "someone@example.org", "password": "whatever-it-is", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 200  # the form again, with the wrong-password error: not a CSRF refusal


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_api_endpoint_accepts_a_session_write_without_the_csrf_token(method):
    """A signed-in superuser's browser session can change nothing through the API without the token.

    The one public write, POST /api/v1/pledges/, takes no session at all: it is anonymous by design.
    """
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = csrf_client()
    client.force_login(admin)
    for path in [*API, "/api/v1/stories/x/", "/api/v1/partners/x/"]:
        response = getattr(client, method)(path, data="{}", content_type="application/json")
        assert response.status_code in (403, 405), (method, path, response.status_code)
    response = getattr(client, method)("/api/v1/pledges/", data="{}", content_type="application/json")
    if method == "post":
        assert response.status_code == 400  # validated as an anonymous sign-up; no session used
    else:
        assert response.status_code == 405
