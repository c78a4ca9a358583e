"""The site's URLs plus /bench/bare: the same middleware stack, no work, for bench/pledges.py."""

from django.http import JsonResponse
from django.urls import path

from heforshe.urls import handler400, handler403, handler404, handler500  # noqa: F401
from heforshe.urls import urlpatterns as site_urlpatterns


def bare(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare", bare), *site_urlpatterns]
