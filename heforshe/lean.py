"""A lean middleware stack for the public, anonymous API endpoints of a launch-day wave.

The sign-up POST, the stats and the map act for no session and no user
(`authentication_classes = []`, CSRF-exempt) and answer JSON, so sessions,
authentication, CSRF, messages, static files, frame and content-security
policies and allauth do nothing for them but cost time on every request.
These exact paths go through a second Django handler that keeps only what
they use: the security headers and HTTPS redirect, the language from
Accept-Language (heforshe.middleware.ApiLocaleMiddleware: none of these
paths has a language prefix), and the Permissions-Policy header. Every other path gets
the full stack.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver

LEAN_PATHS = frozenset({"/api/v1/pledges/", "/api/v1/pledges/stats/", "/api/v1/pledges/map/"})
LEAN_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "heforshe.middleware.PermissionsPolicyMiddleware",
)
# The same job, done for paths outside i18n_patterns alone (what every lean path is).
LEAN_SUBSTITUTES = {"django.middleware.locale.LocaleMiddleware": "heforshe.middleware.ApiLocaleMiddleware"}


class LeanWSGIHandler(WSGIHandler):
    # (resolver, path) -> its ResolverMatch: a lean path is one fixed URL without arguments, so its
    # match never changes for a given URLconf; walking the site's nested patterns costs 15 us a request.
    _matches: dict = {}

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):  # set by a middleware: not on the lean stack, but honoured as Django does
            return super().resolve_request(request)
        key = (get_resolver(), request.path_info)
        match = self._matches.get(key)
        if match is None:
            match = super().resolve_request(request)
            if len(self._matches) > 64:  # URLconfs swapped by tests
                self._matches.clear()
            self._matches[key] = match
        request.resolver_match = match
        return match

    def load_middleware(self, is_async=False):
        # Built once, while the WSGI module is imported (one thread): the full list is put back at once.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = [LEAN_SUBSTITUTES.get(path, path) for path in full if path in LEAN_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def dispatching_application(full: WSGIHandler, lean: WSGIHandler):
    def application(environ, start_response):
        handler = lean if environ.get("PATH_INFO") in LEAN_PATHS else full
        return handler(environ, start_response)

    return application
