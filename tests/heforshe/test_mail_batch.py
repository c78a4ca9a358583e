"""Batches of templated mail over one SMTP session, checked on a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from heforshe.lib.mail import TemplateBatch, mail_connection, placeholder, send_templated


def _part(message, subtype: str) -> str:
    """One part of a received site email (text and HTML)."""
    return message.get_body(preferencelist=(subtype,)).get_content()


def _confirm_batch(language: str) -> TemplateBatch:
    return TemplateBatch(
        template="pledges/email/confirm",
        language=language,
        context={
            "pledge": {"first_name": placeholder("name")},
            "confirm_url": placeholder("confirm"),
            "privacy_url": placeholder("privacy"),
        },
    )


HEADERS = ["From", "To", "Subject", "Content-Language", "Auto-Submitted", "X-Auto-Response-Suppress", "MIME-Version"]


def test_a_batch_message_reads_exactly_like_the_one_send_templated_makes(smtp_inbox):
    values = {"name": "Zoë & <Ali>", "confirm": "https://x.example/c/1/", "privacy": "https://x.example/p/1/"}
    with mail_connection() as connection:
        _confirm_batch("ru").send(to=["zoe@example.org"], values=values, connection=connection)
    send_templated(
        to=["zoe@example.org"],
        template="pledges/email/confirm",
        language="ru",
        context={
            "pledge": {"first_name": values["name"]},
            "confirm_url": values["confirm"],
            "privacy_url": values["privacy"],
        },
    )
    (rcpt_batch, batch), (rcpt_single, single) = smtp_inbox.messages
    assert rcpt_batch == rcpt_single == ["zoe@example.org"]
    assert [batch[h] for h in HEADERS] == [single[h] for h in HEADERS]
    assert _part(batch, "plain") == _part(single, "plain")
    assert _part(batch, "html") == _part(single, "html")
    assert "Zoë & <Ali>" in _part(batch, "plain")
    assert batch["Message-ID"] != single["Message-ID"]
    assert batch["Message-ID"].split("@")[1] == single["Message-ID"].split("@")[1]


def test_each_recipient_gets_their_own_values_over_one_session(smtp_inbox):
    batch = _confirm_batch("fr")
    with mail_connection() as connection:
        for n in range(3):
            values = {
                "name": f"Man {n}",
                "confirm": f"https://x.example/c/{n}/",
                "privacy": f"https://x.example/p/{n}/",
            }
            assert batch.send(to=[f"man{n}@example.org"], values=values, connection=connection) == 1
    assert len(smtp_inbox.sessions) == 1
    for n, (rcpt, message) in enumerate(smtp_inbox.messages):
        assert rcpt == [f"man{n}@example.org"]
        body = _part(message, "plain")
        assert f"Man {n}" in body and f"https://x.example/c/{n}/" in body and f"https://x.example/p/{n}/" in body
        assert f"Man {n + 1}" not in body
        assert message["Content-Language"] == "fr"
        assert message["Subject"] == "Confirmez votre engagement HeForShe"
