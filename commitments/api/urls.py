from __future__ import annotations

from django.urls import path

from commitments.api import views

urlpatterns = [
    path("partners/<slug:slug>/signups/", views.PartnerSignupsView.as_view(), name="api-partner-signups"),
]
