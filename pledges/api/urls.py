from django.urls import path

from pledges.api import views

urlpatterns = [
    path("pledges/", views.PledgeCreateView.as_view(), name="api-pledges-create"),
    path("pledges/stats/", views.StatsView.as_view(), name="api-pledges-stats"),
    path("pledges/map/", views.MapView.as_view(), name="api-pledges-map"),
]
