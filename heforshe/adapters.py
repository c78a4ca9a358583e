from __future__ import annotations

import hashlib
import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from heforshe.lib.mail import html_from_text, site_headers
from heforshe.lib.net import client_ip

logger = logging.getLogger(__name__)

# Mails anyone can make the site send to any address by typing it into a form (password reset for an
# account or for an unknown address, "you already have an account" on sign-up): at most one per
# address per ACCOUNT_RESET_EMAIL_INTERVAL, whichever form asked and whether or not the account exists.
ONE_PER_INTERVAL = frozenset(
    {
        "account/email/password_reset_key",
        "account/email/password_reset_code",
        "account/email/unknown_account",
        "account/email/account_already_exists",
    }
)


def first_mail_in_interval(email: str) -> bool:
    """True (and the interval starts) when no such mail went to `email` within the interval."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    try:
        return bool(cache.add(f"account:address-mail:{digest}", 1, timeout=settings.ACCOUNT_RESET_EMAIL_INTERVAL))
    except Exception:  # noqa: BLE001 - cache down: the request-level limits still hold, so send
        logger.warning("address mail interval unavailable (cache down); sending", exc_info=True)
        return True


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def render_mail(self, template_prefix, email, context, headers=None):
        # allauth renders its own templates; the site's headers (Message-ID domain, Content-Language,
        # Auto-Submitted) come from the one mail helper so account emails look like every other.
        language = translation.get_language() or settings.LANGUAGE_CODE
        # The HTML twins (templates/account/email/*.html) share the site's email layout, which links home.
        context = {"site_url": settings.SITE_URL, **context}
        message = super().render_mail(
            template_prefix, email, context, headers={**site_headers(language=language), **(headers or {})}
        )
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            # allauth's emails without an HTML twin of ours: their text on the same branded layout.
            message.attach_alternative(
                html_from_text(subject=message.subject, text=message.body, context=context), "text/html"
            )
        return message

    def get_client_ip(self, request) -> str:
        # The site's one rule for the client address: allauth's own raises ImproperlyConfigured (a 500)
        # when X-Forwarded-For has fewer hops than the trusted proxies, and keeps invalid entries.
        # Its rate limits group an IPv6 address into its /64 (ALLAUTH_RATE_LIMIT_IPV6_PREFIX).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if template_prefix in ONE_PER_INTERVAL and not first_mail_in_interval(email):
            # The page answers as if it were sent: whether an address has an account stays unknown.
            logger.info("Not sending %s again within the interval", template_prefix)
            return
        super().send_mail(template_prefix, email, context)
