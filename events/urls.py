from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("past/", views.past, name="past"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.edit, name="new"),
    path("manage/<slug:slug>/", views.edit, name="edit"),
    path("manage/<slug:slug>/cancel/", views.cancel, name="cancel"),
    path("manage/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path("feeds/partner/<slug:slug>.ics", views.partner_feed, name="partner_feed"),
    path("feeds/country/<str:code>.ics", views.country_feed, name="country_feed"),
    path("registration/<str:token>/", views.registration, name="registration"),
    path("registration/<str:token>/confirm/", views.confirm, name="confirm"),
    path("registration/<str:token>/event.ics", views.registration_ics, name="registration_ics"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/event.ics", views.event_ics_view, name="ics"),
]
