from django.urls import path

from actionkits import views

app_name = "actionkits"

urlpatterns = [
    path("", views.index, name="index"),
]
