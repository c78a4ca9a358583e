from django.urls import path

from pledges import views

app_name = "pledges"

urlpatterns = [
    path("pledge/", views.pledge, name="pledge"),
    path("map/", views.commitments_map, name="map"),
]
