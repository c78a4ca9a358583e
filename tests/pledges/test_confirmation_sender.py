"""The confirmation sender: the pending rows are its queue, batches go over one SMTP session (real aiosmtpd)."""

from __future__ import annotations

import re

import pytest
from django.test.signals import template_rendered

from pledges import tokens
from pledges.models import Pledge
from pledges.services import pledges_send_confirmations
from tests.pledges.factories import PledgeFactory

pytestmark = pytest.mark.django_db


def _text(message) -> str:
    """The plain-text part of a received message (every site email is text + HTML)."""
    return message.get_body(preferencelist=("plain",)).get_content()


def _token(message) -> str:
    return re.search(r"/pledge/confirm/([^/\s]+)/", _text(message)).group(1)


def test_a_sign_up_publishes_no_task_its_row_waits_for_the_sender(client, api_payload, smtp_inbox):
    from heforshe.celery import app

    app.conf.task_always_eager = False  # as in production: a broker, a beat; nothing may run inline
    try:
        response = client.post("/api/v1/pledges/", api_payload, content_type="application/json")
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 202
    pledge = Pledge.objects.get()
    assert pledge.confirmation_sent_at is None
    assert smtp_inbox.messages == []
    assert pledges_send_confirmations() == 1
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_at is not None
    assert tokens.read(tokens.CONFIRM, _token(smtp_inbox.messages[0][1])) == pledge.pk


def test_a_batch_renders_each_language_once_and_uses_one_smtp_session(smtp_inbox):
    pledges = [PledgeFactory(language=lang) for lang in ["en", "fr", "fr", "es", "en", "fr"]]
    rendered: list[str] = []

    def count(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(count)
    try:
        assert pledges_send_confirmations() == 6
    finally:
        template_rendered.disconnect(count)
    assert rendered.count("pledges/email/confirm.txt") == 3
    assert len(smtp_inbox.sessions) == 1
    by_recipient = {rcpt[0]: message for rcpt, message in smtp_inbox.messages}
    for pledge in pledges:
        message = by_recipient[pledge.email]
        assert message["Content-Language"] == pledge.language
        assert f"/{pledge.language}/pledge/confirm/" in _text(message)
        assert tokens.read(tokens.CONFIRM, _token(message)) == pledge.pk
    assert not Pledge.objects.filter(confirmation_sent_at__isnull=True).exists()
    assert pledges_send_confirmations() == 0  # sent once, not again


def test_a_refused_address_stays_unsent_and_the_others_go(smtp_inbox):
    refused, fine = PledgeFactory(email="nobody@example.org"), PledgeFactory()
    smtp_inbox.refuse.add("nobody@example.org")
    assert pledges_send_confirmations() == 1
    assert [rcpt for rcpt, _m in smtp_inbox.messages] == [[fine.email]]
    assert Pledge.objects.get(pk=refused.pk).confirmation_sent_at is None
    assert Pledge.objects.get(pk=fine.pk).confirmation_sent_at is not None
    assert pledges_send_confirmations() == 0  # not offered again at once


def test_with_the_mail_server_down_nothing_is_marked_sent(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    pledge = PledgeFactory()
    with pytest.raises(OSError):
        pledges_send_confirmations()
    assert Pledge.objects.get(pk=pledge.pk).confirmation_sent_at is None
