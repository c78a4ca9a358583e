"""The one way the site sends an email of its own (allauth's account emails go through its adapter).

`send_templated(template="pledges/email/confirm", ...)` renders, in the recipient's language:

- `<template>_subject.txt`: one line, rendered without HTML escaping (a subject is not HTML: a story
  called "Boys & <men>" must arrive as typed, not as "Boys &amp; &lt;men&gt;");
- `<template>.txt`: the plain-text body, also rendered without HTML escaping;
- `<template>.html`, if it exists: an HTML alternative, rendered with Django's normal escaping.

Every message carries `Content-Language`, a `Message-ID` on the site's own domain (not the worker's
host name, which leaks infrastructure and fails DKIM/spam heuristics) and `Auto-Submitted`
(RFC 3834) so that vacation responders stay quiet; bulk mail (reminders, newsletters) is also
marked `Precedence: bulk`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation

# Microsoft Exchange's equivalent of Auto-Submitted: no out-of-office or auto-replies to our mail.
_SUPPRESS_AUTO_REPLIES = "OOF, AutoReply"


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
    attachments: list[tuple[str, bytes | str, str]] | None = None,
) -> int:
    """Render `template` in `language` and send it to `to`; return the number of messages sent (0 or 1).

    `attachments` are (file name, content, MIME type), such as an event's `.ics`.

    Mail-server errors are raised to the caller, whose task decides whether to retry.
    """
    if isinstance(to, str):
        raise TypeError("`to` must be a list of addresses")
    language = email_language(language)
    subject, text, html = render_templated(template=template, language=language, context=context)
    all_headers = {**site_headers(language=language, bulk=bulk), **(headers or {})}
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, list(to), headers=all_headers, reply_to=reply_to
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments or ():
        message.attach(name, content, mimetype)
    return message.send()
