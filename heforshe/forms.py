"""Forms of the site shell: the Django admin's sign-in."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from heforshe.lib.ratelimit import RateLimitExceeded, allauth_retry_after


class AdminLoginForm(AdminAuthenticationForm):
    """The admin sign-in, counted against allauth's failed-login limits (ACCOUNT_RATE_LIMITS "login_failed").

    One budget per account and per client network for both sign-in pages: a
    guess at /admin/login/ costs the same as one at /accounts/login/. A
    successful sign-in gives its attempt back.
    """

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            adapter = get_adapter(self.request)
            try:
                self.user_cache = adapter.authenticate(self.request, username=username, password=password)
            except ValidationError as exc:
                if exc.code != "too_many_login_attempts":
                    raise
                key = adapter._get_login_attempts_cache_key(self.request, username=username)
                raise RateLimitExceeded(
                    "login_failed", retry_after=allauth_retry_after(self.request, action="login_failed", key=key)
                ) from exc
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
