from __future__ import annotations

import math

from django.contrib import admin
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heforshe.health import health_report, may_see_details
from heforshe.home import home_context, home_version
from heforshe.lib.pagecache import cache_page_for_anonymous
from heforshe.lib.ratelimit import RateLimitExceeded, allauth_retry_after, retry_later


@require_GET
@cache_page_for_anonymous(version=home_version, timeout=60)
def home(request):
    return render(request, "home.html", home_context())


@require_GET
def favicon(request):
    """The icon at its hashed static URL (resolved per request: the manifest exists only after collectstatic)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report(detailed=may_see_details(request))
    return JsonResponse(report, status=200 if healthy else 503)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason: str = ""):
    # CSRF_FAILURE_VIEW: Django's own page is English-only and speaks of tokens; ours says what to do.
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def too_many_requests(request, exception=None, retry_after: int | None = None):
    """The translated 429 page with Retry-After; allauth's limits come here too (urls.handler429)."""
    if retry_after is None:
        retry_after = allauth_retry_after(request)
    response = render(request, "429.html", {"retry_after_minutes": math.ceil(retry_after / 60)}, status=429)
    return retry_later(response, retry_after)


def admin_login(request, extra_context=None):
    """The admin's own sign-in view, with failed attempts limited per account and per client network."""
    try:
        return admin.site.login(request, extra_context)
    except RateLimitExceeded as exc:
        return too_many_requests(request, retry_after=exc.retry_after)


def server_error(request):
    # Rendered without context processors' database work: the database may be why we are here.
    return render(request, "500.html", status=500)
