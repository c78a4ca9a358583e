from django.urls import path

from actionkits import views

app_name = "actionkits"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/translations/", views.translations_overview, name="translations"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/download/", views.download, name="download"),
]
