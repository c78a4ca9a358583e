from __future__ import annotations

from django.urls import path

from partners.api import views

urlpatterns = [
    path("partners/", views.PartnerListView.as_view(), name="api-partners"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="api-partner"),
]
