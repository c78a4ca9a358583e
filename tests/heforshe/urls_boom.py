"""The site's URLs plus one view that fails, to see the 500 page as production serves it."""

from django.urls import path

from heforshe.urls import handler400, handler403, handler404, handler500  # noqa: F401 - the site's handlers
from heforshe.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
