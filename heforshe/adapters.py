from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from heforshe.lib.mail import site_headers
from heforshe.lib.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def render_mail(self, template_prefix, email, context, headers=None):
        # allauth renders its own templates; the site's headers (Message-ID domain, Content-Language,
        # Auto-Submitted) come from the one mail helper so account emails look like every other.
        language = translation.get_language() or settings.LANGUAGE_CODE
        return super().render_mail(
            template_prefix, email, context, headers={**site_headers(language=language), **(headers or {})}
        )

    def get_client_ip(self, request) -> str:
        # The site's one rule for the client address: allauth's own raises ImproperlyConfigured (a 500)
        # when X-Forwarded-For has fewer hops than the trusted proxies, and keeps invalid entries.
        # Its rate limits group an IPv6 address into its /64 (ALLAUTH_RATE_LIMIT_IPV6_PREFIX).
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
