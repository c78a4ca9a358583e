from __future__ import annotations

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header, which Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response


OWN_GUARD = "own"


def body_limit(max_bytes: int | str):
    """Let one view accept a request body up to `max_bytes` (see RequestBodyLimitMiddleware).

    `OWN_GUARD` is for a view that checks the length itself, before anything reads the body,
    so that it can answer in its own words (the story form's "this video is too large").
    """

    def decorate(view):
        view.max_request_body = max_bytes
        return view

    return decorate


class RequestBodyLimitMiddleware:
    """Refuse a body larger than its view accepts, from Content-Length, before anything reads it.

    Without it, CsrfViewMiddleware parses any POST (and streams any multipart
    file to a temporary file) before it answers 403, so an anonymous client
    could fill the disk through any URL. Views that take large uploads declare
    their own limit with `@body_limit(...)`; the admin gets the staff limit
    (kit files); everything else the site-wide one. Placed before
    CsrfViewMiddleware, whose process_view is what would read the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads nothing of a body whose length it cannot parse
        limit = getattr(view_func, "max_request_body", None)
        if limit == OWN_GUARD:
            return None
        if limit is None:
            staff = request.path_info.startswith("/admin/")
            limit = settings.REQUEST_BODY_MAX_BYTES_STAFF if staff else settings.REQUEST_BODY_MAX_BYTES
        if length <= limit:
            return None
        return too_large(request, limit)


def too_large(request, limit: int):
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext

    from heforshe.api_errors import error_body

    if request.path_info.startswith("/api/"):
        detail = gettext("The request body is too large: at most %(limit)d bytes.") % {"limit": limit}
        response = JsonResponse(error_body(detail), status=413)
    else:
        response = render(request, "413.html", {"limit_mb": max(1, limit // (1024 * 1024))}, status=413)
    # The body was not read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


class ApiLocaleMiddleware:
    """LocaleMiddleware for the lean API paths (heforshe.lean), which lie outside i18n_patterns.

    The same language (cookie, then Accept-Language, then LANGUAGE_CODE) and
    the same headers (Vary: Accept-Language, Content-Language) as Django's
    LocaleMiddleware gives a path without a language prefix, without its
    three look-ups of a language in the path and of the URLconf's patterns
    per request: a fifth of what a cached stats answer costs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = language = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response
