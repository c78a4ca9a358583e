from django.urls import path

from stories import tus, views

app_name = "stories"

urlpatterns = [
    path("", views.index, name="index"),
    path("feed/", views.feed, name="feed"),
    path("submit/", views.submit, name="submit"),
    path("submit/<int:pk>/", views.mine, name="mine"),
    path("submit/<int:pk>/media.json", views.media_states, name="media_states"),
    path("submit/<int:pk>/state/", views.transition, name="transition"),
    path("submit/<int:pk>/consent/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("submit/<int:pk>/media/<int:media_id>/delete/", views.media_delete, name="media_delete"),
    path("submit/<int:pk>/media/<int:media_id>/file/<str:label>", views.media_file, name="media_file"),
    path("submit/<int:pk>/uploads/", tus.create, name="tus_create"),
    path("submit/<int:pk>/uploads/<uuid:upload_id>", tus.upload, name="tus_upload"),
    path("submit/<int:pk>/<slug:step>/", views.edit, name="edit"),
    path("<slug:slug>/", views.detail, name="detail"),
]
