"""`make run HOST=... PORT=...` moves every generated link with it; SITE_URL still wins when set.

Settings are read once at start-up, so each case runs Django in a child
process with the environment `make run` gives it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, uses_postgres
from tests.conftest import test_database_url as database_url_of

# The child signs a man up, confirms him and collects every link the site generated for him.
LINKS_SCRIPT = r"""
import json, re
from urllib.parse import unquote, urlsplit
import django
django.setup()
from django.core import mail
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from pledges.abuse import form_started_token
from partners.models import Partner
from partners.selectors import referral_url

client = Client()
home = client.get("/en/").content.decode()
alternates = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', home)
client.post("/en/pledge/", {"first_name": "Amani", "email": "amani.port@example.org", "country": "KE",
                            "consent": "on", "started": form_started_token()})
email_links = re.findall(r"https?://\S+", mail.outbox[0].body)
confirm = next(link for link in email_links if "/pledge/confirm/" in link)
me = client.post(urlsplit(confirm).path, follow=True).content.decode()  # lands on /me/?welcome
share = re.search(r"facebook\.com/sharer/sharer\.php\?u=([^\"&]+)", me).group(1)
print(json.dumps({
    "site_url": __import__("django.conf", fromlist=["settings"]).settings.SITE_URL,
    "alternates": alternates,
    "email": email_links,
    "share": unquote(share),
    "referral": referral_url(partner=Partner(referral_code="PORTTEST")),
}))
"""


def run_django(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_URL", "HOST", "PORT", "DEBUG", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "heforshe.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SITE_URL_OF = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"


def test_site_url_follows_port_and_host_when_not_set():
    result = run_django(SITE_URL_OF, {"HOST": "192.0.2.7", "PORT": "8200"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://192.0.2.7:8200"


def test_a_wildcard_bind_address_links_to_the_loopback():
    result = run_django(SITE_URL_OF, {"HOST": "0.0.0.0", "PORT": "8200"})  # noqa: S104 - a value, not a bind
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8200"


def test_site_url_wins_over_host_and_port():
    result = run_django(SITE_URL_OF, {"HOST": "127.0.0.1", "PORT": "8200", "SITE_URL": "https://heforshe.example.org/"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://heforshe.example.org"


def test_make_run_hands_host_and_port_to_django():
    result = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0", "PORT=8200"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "HOST=0.0.0.0 PORT=8200 .venv/bin/python manage.py runserver 0.0.0.0:8200" in lines
    assert "HOST=0.0.0.0 PORT=8200 .venv/bin/python manage.py seed_demo" in lines


@pytest.mark.skipif(not uses_postgres(), reason="the child process needs the test database on PostgreSQL")
def test_every_generated_link_follows_the_port(transactional_db):
    from django.db import connection

    env = {
        "HOST": "127.0.0.1",
        "PORT": "8200",
        "DEBUG": "true",
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "PLEDGE_MIN_FILL_SECONDS": "0",
    }
    result = run_django(LINKS_SCRIPT, env)
    assert result.returncode == 0, result.stderr
    links = json.loads(result.stdout.strip().splitlines()[-1])
    assert links["site_url"] == "http://127.0.0.1:8200"
    assert len(links["alternates"]) == 6
    assert all(link.startswith("http://127.0.0.1:8200/") for link in links["alternates"]), links["alternates"]
    assert links["email"], "the confirmation email carries no link"
    assert all(link.startswith("http://127.0.0.1:8200/") for link in links["email"]), links["email"]
    # The shared link carries the pledger's signed referral (his own share link).
    assert links["share"].startswith("http://127.0.0.1:8200/en/pledge/?ref=")
    assert links["referral"] == "http://127.0.0.1:8200/en/pledge/?partner=PORTTEST"


def test_favicon_ico_redirects_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"].endswith("favicon.svg")) == (301, True)
