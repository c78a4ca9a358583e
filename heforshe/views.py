from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from heforshe.health import health_report, may_see_details
from heforshe.home import home_context, home_version
from heforshe.lib.pagecache import cache_page_for_anonymous


@require_GET
@cache_page_for_anonymous(version=home_version, timeout=60)
def home(request):
    return render(request, "home.html", home_context())


@never_cache
@require_GET
def healthz(request):
    healthy, report = health_report(detailed=may_see_details(request))
    return JsonResponse(report, status=200 if healthy else 503)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors' database work: the database may be why we are here.
    return render(request, "500.html", status=500)
