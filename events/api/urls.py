from django.urls import include, path

from events.api import views

patterns = (
    [
        path("events/", views.UpcomingEventListApi.as_view(), name="upcoming"),
        path("events/past/", views.PastEventListApi.as_view(), name="past"),
        path("events/<slug:slug>/", views.EventDetailApi.as_view(), name="detail"),
    ],
    "events-api",
)

urlpatterns = [path("", include(patterns))]
