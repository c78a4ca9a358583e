"""The site's URLs plus two views that fail, for the error-report tests."""

from __future__ import annotations

from django.urls import path

from heforshe.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def fails_here(request):
    raise RuntimeError("the first kind of failure")


def fails_there(request):
    raise LookupError("another kind of failure")


urlpatterns = [path("fails/here/", fails_here), path("fails/there/", fails_there), *urlpatterns]
