"""The one mail helper: headers, language, unescaped subjects, HTML alternatives."""

from __future__ import annotations

import pytest
from django.core import mail

from heforshe.lib.mail import send_templated


@pytest.fixture
def email_templates(tmp_path, settings):
    """A template directory of our own, so each behaviour is tested on a template made for it."""
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "hello_subject.txt").write_text(
        '{% load i18n %}\n  {% translate "Hello," %} {{ title }}\n\n', encoding="utf-8"
    )
    (folder / "hello.txt").write_text("{% load i18n %}{% translate 'Hello,' %} {{ title }}\n", encoding="utf-8")
    (folder / "rich_subject.txt").write_text("Rich {{ title }}", encoding="utf-8")
    (folder / "rich.txt").write_text("Text {{ title }}", encoding="utf-8")
    (folder / "rich.html").write_text("<p>Html {{ title }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path), *settings.TEMPLATES[0]["DIRS"]]}]
    return folder


def _send(**kwargs):
    defaults = {"to": ["amani@example.org"], "template": "emails/hello", "language": "en", "context": {"title": "t"}}
    return send_templated(**{**defaults, **kwargs})


def test_it_sends_one_message_and_returns_the_count(email_templates):
    assert _send() == 1
    assert [m.to for m in mail.outbox] == [["amani@example.org"]]


def test_the_subject_is_one_line_and_not_html_escaped(email_templates):
    _send(context={"title": 'Boys & <men> "for" equality'})
    assert mail.outbox[0].subject == 'Hello, Boys & <men> "for" equality'


def test_the_text_body_is_not_html_escaped(email_templates):
    _send(context={"title": "Fish & <chips>"})
    assert mail.outbox[0].body == "Hello, Fish & <chips>\n"


def test_it_is_rendered_and_labelled_in_the_recipients_language(email_templates):
    _send(language="fr")
    message = mail.outbox[0]
    assert message.subject == "Bonjour, t"
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.message()["Content-Language"] == "fr"


def test_an_unknown_language_falls_back_to_the_default_and_says_so(email_templates):
    _send(language="xx")
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"
    assert mail.outbox[0].subject == "Hello, t"


def test_the_message_id_is_on_the_sites_domain(email_templates, settings):
    settings.SITE_URL = "https://www.heforshe.example:8443"
    _send()
    message_id = mail.outbox[0].message()["Message-ID"]
    assert message_id.startswith("<") and message_id.endswith("@www.heforshe.example>")


def test_a_transactional_mail_is_auto_generated_and_not_bulk(email_templates):
    _send()
    headers = mail.outbox[0].message()
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["Precedence"] is None


def test_a_bulk_mail_says_precedence_bulk_and_carries_one_click_unsubscribe(email_templates):
    _send(bulk=True, list_unsubscribe="https://heforshe.example/u/t/")
    headers = mail.outbox[0].message()
    assert headers["Precedence"] == "bulk"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["List-Unsubscribe"] == "<https://heforshe.example/u/t/>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_bulk_mail_without_an_unsubscribe_link_is_refused(email_templates):
    with pytest.raises(ValueError, match="list_unsubscribe"):
        _send(bulk=True)
    assert mail.outbox == []


def test_a_text_only_template_gets_its_text_as_html_on_the_sites_layout(email_templates):
    _send(context={"title": "<b> & https://heforshe.example/x/"})
    message = mail.outbox[0]
    assert message.message().get_content_type() == "multipart/alternative"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en" dir="ltr">' in html
    assert "&lt;b&gt; &amp;" in html
    assert '<a href="https://heforshe.example/x/"' in html


def test_an_html_template_makes_the_message_multipart_with_escaped_html(email_templates):
    _send(template="emails/rich", context={"title": "<b>&"})
    message = mail.outbox[0]
    assert message.body == "Text <b>&"
    assert [(a.content, a.mimetype) for a in message.alternatives] == [("<p>Html &lt;b&gt;&amp;</p>", "text/html")]
    assert message.message().get_content_type() == "multipart/alternative"


def test_reply_to_and_extra_headers_are_kept(email_templates):
    _send(reply_to=["team@heforshe.example"], headers={"X-Entity": "report-7"})
    message = mail.outbox[0].message()
    assert message["Reply-To"] == "team@heforshe.example"
    assert message["X-Entity"] == "report-7"


def test_a_single_address_string_is_refused(email_templates):
    with pytest.raises(TypeError):
        _send(to="amani@example.org")


@pytest.mark.django_db
def test_allauth_account_emails_carry_the_sites_headers(client, settings):
    settings.SITE_URL = "https://www.heforshe.example"
    client.post("/fr/accounts/password/reset/", {"email": "nobody@example.org"})
    # allauth mails unknown addresses too ("no account"), through the adapter.
    assert len(mail.outbox) == 1
    message = mail.outbox[0].message()
    assert message["Content-Language"] == "fr"
    assert message["Message-ID"].endswith("@www.heforshe.example>")
    assert message["Auto-Submitted"] == "auto-generated"
