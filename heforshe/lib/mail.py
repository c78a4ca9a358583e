"""The one way the site sends an email of its own (allauth's account emails go through its adapter).

`send_templated(template="pledges/email/confirm", ...)` renders, in the recipient's language:

- `<template>_subject.txt`: one line, rendered without HTML escaping (a subject is not HTML: a story
  called "Boys & <men>" must arrive as typed, not as "Boys &amp; &lt;men&gt;");
- `<template>.txt`: the plain-text body, also rendered without HTML escaping;
- `<template>.html`, if it exists: an HTML alternative, rendered with Django's normal escaping.

Every message carries `Content-Language`, a `Message-ID` on the site's own domain (not the worker's
host name, which leaks infrastructure and fails DKIM/spam heuristics) and `Auto-Submitted`
(RFC 3834) so that vacation responders stay quiet; bulk mail (reminders, newsletters) is also
marked `Precedence: bulk`. A message with `list_unsubscribe` (newsletters) also carries
`List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058) and shows the
link in its footer.

Suppression: an app that keeps a list of addresses that must not be mailed (hard bounces,
complaints) registers it with `register_suppression(check=..., record=...)`; callers ask
`is_suppressed(email)` before sending, and a mail server's permanent refusal of a recipient
(a 5xx answer to RCPT TO) is recorded through it, so the next attempt stops.
"""

from __future__ import annotations

import base64
import re
import secrets
import smtplib
from collections.abc import Callable
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection, make_msgid
from django.template import Context, TemplateDoesNotExist
from django.template.defaultfilters import linebreaksbr
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

# Microsoft Exchange's equivalent of Auto-Submitted: no out-of-office or auto-replies to our mail.
_SUPPRESS_AUTO_REPLIES = "OOF, AutoReply"


_suppression: dict[str, Callable] = {}


def register_suppression(
    *,
    check: Callable[[str], bool],
    record: Callable[[str, str], None],
    check_many: Callable[[list[str]], set[str]] | None = None,
) -> None:
    """`check(email)` says whether an address is suppressed; `record(email, reason)` suppresses one;
    `check_many(emails)` returns the suppressed ones among many (one query for a batch)."""
    _suppression["check"] = check
    _suppression["record"] = record
    if check_many is not None:
        _suppression["check_many"] = check_many


def suppressed_among(emails: list[str]) -> set[str]:
    """The addresses of `emails` (as given) that are suppressed."""
    check_many = _suppression.get("check_many")
    if check_many is not None:
        return check_many(emails)
    return {e for e in emails if is_suppressed(e)}


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


# Two kinds of email, decided per message type:
# - transactional (the default): a message about something the reader did or is responsible for (his
#   pledge, his story, his registration, his organisation's report, his staff queue). Auto-Submitted,
#   no Precedence, no List-Unsubscribe: it is not a list he can leave.
# - bulk (`bulk=True`): a message he gets because he is on a list (newsletters). It must carry
#   `list_unsubscribe`: List-Unsubscribe, List-Unsubscribe-Post (RFC 8058), Precedence: bulk and the
#   link in both parts' footers. A bulk message without it is refused here, not sent.
BULK_NEEDS_UNSUBSCRIBE = "bulk email needs list_unsubscribe (RFC 8058); otherwise send it as transactional"


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


def text_as_html(text: str) -> str:
    """A plain-text body as HTML paragraphs (escaped, links made clickable), for the site's layout."""
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "\n".join(
        f'<p style="margin:0 0 16px;">{linebreaksbr(urlize(p, autoescape=True), autoescape=False)}</p>'
        for p in paragraphs
    )


def html_from_text(*, subject: str, text: str, context: dict) -> str:
    """The branded HTML twin of a message that has only a text template (the current language's)."""
    return get_template("emails/from_text.html").render(
        {
            "site_url": settings.SITE_URL,
            **context,
            "email_subject": subject,
            "email_text_html": mark_safe(text_as_html(text)),  # noqa: S308 - escaped by text_as_html
        }
    )


def render_templated(*, template: str, language: str, context: dict) -> tuple[str, str, str]:
    """Return (subject, text body, html body) rendered in `language`.

    A message with no `<template>.html` gets its text, as paragraphs, in the same branded layout:
    every email of the site is text and HTML.
    """
    with translation.override(email_language(language)):
        context = {"site_url": settings.SITE_URL, "LANGUAGE_CODE": translation.get_language(), **context}
        # One line: a newline in a header is refused by Django, and folded whitespace reads badly.
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        text = _render_text(f"{template}.txt", context)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html = html_from_text(subject=subject, text=text, context=context)
        else:
            html = html_template.render(context)
    return subject, text, html


def _message(*, to, subject, text, html, language, bulk, reply_to, headers, connection) -> EmailMultiAlternatives:
    if isinstance(to, str):
        raise TypeError("`to` must be a list of addresses")
    all_headers = {**site_headers(language=language, bulk=bulk), **(headers or {})}
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, list(to), headers=all_headers, reply_to=reply_to,
        connection=connection,
    )  # fmt: skip
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def send_templated(
    *,
    to: list[str],
    template: str,
    language: str,
    context: dict,
    bulk: bool = False,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    connection=None,
    list_unsubscribe: str | None = None,
    attachments: list[tuple[str, bytes | str, str]] | None = None,
) -> int:
    """Render `template` in `language` and send it to `to`; return the number of messages sent (0 or 1).

    `connection` (from `mail_connection()`) sends over an SMTP session the caller already holds open.
    Mail-server errors are raised to the caller, whose task decides whether to retry; a permanent
    refusal of the recipient is recorded as a suppression first.
    `attachments` are (file name, content, MIME type), such as an event's `.ics`.
    """
    message = build_templated(
        to=to, template=template, language=language, context=context, bulk=bulk, reply_to=reply_to,
        headers=headers, connection=connection, list_unsubscribe=list_unsubscribe, attachments=attachments,
    )  # fmt: skip
    try:
        return message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        record_refusal(exc)
        raise


def send_once(key: str, **kwargs) -> int:
    """`send_templated` unless a message was already sent under `key` (a retried task's earlier try).

    The key is written in the same transaction as the send: a send that fails leaves no key, so
    the retry sends; a concurrent try waits on the key's row and then sends nothing. Only a worker
    dying between the mail server's answer and the commit can repeat a message, never lose one.
    """
    from django.db import IntegrityError, transaction

    from heforshe.models import SentMail

    with transaction.atomic():
        try:
            with transaction.atomic():
                SentMail.objects.create(key=key[:200])
        except IntegrityError:
            return 0
        return send_templated(**kwargs)


def build_templated(
    *,
    to: list[str],
    template: str,
    language: str,
    context: dict,
    bulk: bool = False,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    connection=None,
    list_unsubscribe: str | None = None,
    attachments: list[tuple[str, bytes | str, str]] | None = None,
) -> EmailMultiAlternatives:
    """The message `send_templated` would send, unsent: for a batch sent over one open connection."""
    if bulk and not list_unsubscribe:
        raise ValueError(BULK_NEEDS_UNSUBSCRIBE)
    if list_unsubscribe:
        context = {"unsubscribe_url": list_unsubscribe, **context}
        headers = {**unsubscribe_headers(list_unsubscribe), **(headers or {})}
    language = email_language(language)
    subject, text, html = render_templated(template=template, language=language, context=context)
    message = _message(
        to=to, subject=subject, text=text, html=html, language=language, bulk=bulk, reply_to=reply_to,
        headers=headers, connection=connection,
    )  # fmt: skip
    for name, content, mimetype in attachments or ():
        message.attach(name, content, mimetype)
    return message


# --- batches: one rendering per language, one SMTP session -----------------------------


def placeholder(name: str) -> str:
    """A stand-in for a per-recipient value in a batch's context; `TemplateBatch.send` fills it in.

    Only for values a template prints as they are (no filter that would change them).
    """
    return f"\x1e{name}\x1e"


def mail_connection():
    """One connection to the mail server, opened on entry and closed on exit (`with mail_connection() as c:`)."""
    return get_connection()


class TemplateBatch:
    """A template rendered once in one language, sent to many recipients with their own values.

        batch = TemplateBatch(template="pledges/email/confirm", language="fr",
                              context={"pledge": {"first_name": placeholder("name")}, "url": placeholder("url")})
        with mail_connection() as connection:
            for man in men:
                batch.send(to=[man.email], values={"name": man.first_name, "url": ...}, connection=connection)

    Rendering a template costs far more than replacing a few strings in its
    output, so a batch of a thousand confirmations renders each language once.
    In the HTML alternative the values are HTML-escaped, as a template would.
    """

    def __init__(self, *, template: str, language: str, context: dict, bulk: bool = False) -> None:
        if bulk:
            raise ValueError(BULK_NEEDS_UNSUBSCRIBE)  # a batch has no per-recipient unsubscribe link
        self.language = email_language(language)
        self.bulk = bulk
        self.subject, self.text, self.html = render_templated(
            template=template, language=self.language, context=context
        )
        self._subjects: dict[str, str] = {}
        self._envelope_from: str | None = None
        # The headers that are the same in every message of the batch, already encoded.
        fixed = {
            "From": _encoded_address(settings.DEFAULT_FROM_EMAIL),
            **{k: v for k, v in site_headers(language=self.language, bulk=bulk).items() if k != "Message-ID"},
            "MIME-Version": "1.0",
        }
        if self.html is None:
            fixed |= {"Content-Type": 'text/plain; charset="utf-8"', "Content-Transfer-Encoding": "base64"}
        else:
            # "_" is not in base64's alphabet, so the boundary never occurs inside a part.
            self._boundary = f"hfs_{secrets.token_hex(12)}"
            fixed["Content-Type"] = f'multipart/alternative; boundary="{self._boundary}"'
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())

    @staticmethod
    def _fill(rendered: str, values: dict[str, str]) -> str:
        for name, value in values.items():
            rendered = rendered.replace(placeholder(name), value)
        return rendered

    def send(self, *, to: list[str], values: dict[str, str], connection) -> int:
        """Send one message over `connection`; mail-server errors are raised to the caller."""
        # A header cannot hold a line break; a subject value is flattened as render_templated does.
        subject = " ".join(self._fill(self.subject, values).split())
        smtp = getattr(connection, "connection", None)
        html = self._fill(self.html, {k: escape(v) for k, v in values.items()}) if self.html is not None else None
        if isinstance(smtp, smtplib.SMTP) and all(_plain_address(a) for a in to):
            return self._send_raw(
                connection, smtp, to=to, subject=subject, text=self._fill(self.text, values), html=html
            )
        return _message(
            to=to, subject=subject, text=self._fill(self.text, values), html=html, language=self.language,
            bulk=self.bulk, reply_to=None, headers=None, connection=connection,
        ).send()  # fmt: skip

    def _send_raw(self, backend, smtp: smtplib.SMTP, *, to: list[str], subject: str, text: str, html) -> int:
        """Hand the message (text, and HTML when the template has it) straight to the open SMTP session.

        The same headers and body as `send_templated`'s message (a parser reads
        them alike), assembled from the batch's pre-encoded parts: Python's
        email package spends over a millisecond parsing and folding the
        headers of each message, several times the rest of the work.
        """
        if self._envelope_from is None:
            self._envelope_from = backend.prep_address(settings.DEFAULT_FROM_EMAIL)
        encoded_subject = self._subjects.get(subject)
        if encoded_subject is None:
            encoded_subject = self._subjects[subject] = Header(
                subject, "us-ascii" if subject.isascii() else "utf-8", header_name="Subject"
            ).encode(linesep="\r\n")
        body = _base64_part(text)
        if html is not None:
            b = self._boundary
            body = (
                f'--{b}\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
                f'{body}--{b}\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n'
                f"\r\n{_base64_part(html)}--{b}--\r\n"
            )
        message = (
            f"{self._fixed}To: {', '.join(to)}\r\nSubject: {encoded_subject}\r\n"
            f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}\r\n"
            f"Message-ID: {make_msgid(domain=site_domain())}\r\n\r\n{body}"
        )
        smtp.sendmail(self._envelope_from, list(to), message.encode("ascii"))
        return 1


def _base64_part(content: str) -> str:
    """A part's content in base64 lines; lines end in CRLF inside it too, as the email package writes them."""
    crlf = content.replace("\r\n", "\n").replace("\n", "\r\n")
    return base64.encodebytes(crlf.encode("utf-8")).decode("ascii").replace("\n", "\r\n")


def _plain_address(address: str) -> bool:
    """An ASCII addr-spec with nothing to encode or check further (anything else takes the general path)."""
    return address.isascii() and address.count("@") == 1 and not any(c in address for c in ' \t\r\n<>"(),;:[]\\')


def _encoded_address(address: str) -> str:
    name, addr = parseaddr(address)
    if not name:
        return addr
    if name.isascii():
        return formataddr((name, addr))
    return formataddr((Header(name, "utf-8").encode(), addr))
