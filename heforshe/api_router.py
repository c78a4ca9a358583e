"""Every API endpoint lives under /api/v1/; each app owns its `api/urls.py`."""

from django.urls import include, path

urlpatterns = [
    path("", include("pledges.api.urls")),
    path("", include("stories.api.urls")),
    path("", include("commitments.api.urls")),
    path("", include("partners.api.urls")),
    path("", include("actionkits.api.urls")),
    path("", include("solutions.api.urls")),
    path("", include("events.api.urls")),
]
