"""The one way the site sends an email of its own (allauth's account emails go through its adapter).

`send_templated(template="pledges/email/confirm", ...)` renders, in the recipient's language:

- `<template>_subject.txt`: one line, rendered without HTML escaping (a subject is not HTML: a story
  called "Boys & <men>" must arrive as typed, not as "Boys &amp; &lt;men&gt;");
- `<template>.txt`: the plain-text body, also rendered without HTML escaping;
- `<template>.html`, if it exists: an HTML alternative, rendered with Django's normal escaping.

Every message carries `Content-Language`, a `Message-ID` on the site's own domain (not the worker's
host name, which leaks infrastructure and fails DKIM/spam heuristics) and `Auto-Submitted`
(RFC 3834) so that vacation responders stay quiet; bulk mail (reminders, newsletters) is also
marked `Precedence: bulk`. A message with `list_unsubscribe` (newsletters, digests) also carries
`List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058) and shows the
link in its footer.

Suppression: an app that keeps a list of addresses that must not be mailed (hard bounces,
complaints) registers it with `register_suppression(check=..., record=...)`; callers ask
`is_suppressed(email)` before sending, and a mail server's permanent refusal of a recipient
(a 5xx answer to RCPT TO) is recorded through it, so the next attempt stops.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

# Microsoft Exchange's equivalent of Auto-Submitted: no out-of-office or auto-replies to our mail.
_SUPPRESS_AUTO_REPLIES = "OOF, AutoReply"


_suppression: dict[str, Callable] = {}


def register_suppression(*, check: Callable[[str], bool], record: Callable[[str, str], None]) -> None:
    """`check(email)` says whether an address is suppressed; `record(email, reason)` suppresses one."""
    _suppression["check"] = check
    _suppression["record"] = record


def is_suppressed(email: str) -> bool:
    check = _suppression.get("check")
    return bool(email and check and check(email))


def record_refusal(error: smtplib.SMTPRecipientsRefused) -> list[str]:
    """Suppress the recipients a mail server refused permanently (5xx); return them."""
    refused = [addr for addr, (code, _msg) in error.recipients.items() if 500 <= int(code) < 600]
    record = _suppression.get("record")
    if record:
        for addr in refused:
            code, msg = error.recipients[addr]
            record(addr, f"smtp {code}: {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"[:300])
    return refused


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058: one-click unsubscribe by a POST to `url`, no cookies or form needed."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def site_domain() -> str:
    """The domain of SITE_URL (the public site), used for Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def email_language(language: str | None) -> str:
    """The supported language closest to `language`, or the site's default."""
    try:
        return translation.get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _render_text(name: str, context: dict) -> str:
    """Render a plain-text template with autoescaping off, whatever the template itself says."""
    template = get_template(name)
    # The backend wrapper always autoescapes; its inner Template takes a Context we control.
    return template.template.render(Context(context, autoescape=False))


def site_headers(*, language: str, bulk: bool = False) -> dict[str, str]:
    """The headers every email of the site carries (also used by the allauth adapter)."""
    headers = {
        "Message-ID": make_msgid(domain=site_domain()),
        "Content-Language": email_language(language),
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": _SUPPRESS_AUTO_REPLIES,
    }
    if bulk:
        headers["Precedence"] = "bulk"
    return headers


def render_templated(*, template: str, language: str, context: dict) -> tuple[str, str, str | None]:
    """Return (subject, text body, html body or None) rendered in `language`."""
    with translation.override(email_language(language)):
        context = {"site_url": settings.SITE_URL, "LANGUAGE_CODE": translation.get_language(), **context}
        # One line: a newline in a header is refused by Django, and folded whitespace reads badly.
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        text = _render_text(f"{template}.txt", context)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html = None
        else:
            html = html_template.render(context)
    return subject, text, html


def send_templated(
    *,
    to: list[str],
    template: str,
    language: str,
    context: dict,
    bulk: bool = False,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    list_unsubscribe: str | None = None,
) -> int:
    """Render `template` in `language` and send it to `to`; return the number of messages sent (0 or 1).

    Mail-server errors are raised to the caller, whose task decides whether to retry; a permanent
    refusal of the recipient is recorded as a suppression first.
    """
    if isinstance(to, str):
        raise TypeError("`to` must be a list of addresses")
    message = build_templated(
        to=to,
        template=template,
        language=language,
        context=context,
        bulk=bulk,
        headers=headers,
        list_unsubscribe=list_unsubscribe,
    )
    if reply_to:
        message.reply_to = list(reply_to)
    try:
        return message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        record_refusal(exc)
        raise


def build_templated(
    *,
    to: list[str],
    template: str,
    language: str,
    context: dict,
    bulk: bool = False,
    headers: dict[str, str] | None = None,
    list_unsubscribe: str | None = None,
) -> EmailMultiAlternatives:
    """The message `send_templated` would send, unsent: for a batch sent over one open connection."""
    if isinstance(to, str):
        raise TypeError("`to` must be a list of addresses")
    if list_unsubscribe:
        context = {"unsubscribe_url": list_unsubscribe, **context}
        headers = {**unsubscribe_headers(list_unsubscribe), **(headers or {})}
    language = email_language(language)
    subject, text, html = render_templated(template=template, language=language, context=context)
    all_headers = {**site_headers(language=language, bulk=bulk), **(headers or {})}
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(to), headers=all_headers)
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message
