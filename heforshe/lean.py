"""A lean middleware stack for the public, anonymous API endpoints of a launch-day wave.

The sign-up POST, the stats and the map act for no session and no user
(`authentication_classes = []`, CSRF-exempt) and answer JSON, so sessions,
authentication, CSRF, messages, static files, frame and content-security
policies and allauth do nothing for them but cost time on every request.
These exact paths go through a second Django handler that keeps only what
they use: the security headers and HTTPS redirect, the language from
Accept-Language, and the Permissions-Policy header. Every other path gets
the full stack.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

LEAN_PATHS = frozenset({"/api/v1/pledges/", "/api/v1/pledges/stats/", "/api/v1/pledges/map/"})
LEAN_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "heforshe.middleware.PermissionsPolicyMiddleware",
)


class LeanWSGIHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        # Built once, while the WSGI module is imported (one thread): the full list is put back at once.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = [path for path in full if path in LEAN_MIDDLEWARE]
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full


def dispatching_application(full: WSGIHandler, lean: WSGIHandler):
    def application(environ, start_response):
        handler = lean if environ.get("PATH_INFO") in LEAN_PATHS else full
        return handler(environ, start_response)

    return application
