from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from heforshe.lib.mail import site_headers


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
