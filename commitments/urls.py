from __future__ import annotations

from django.urls import path

from commitments import views

app_name = "commitments"

# Under /<lang>/partners/, before the partners app's own patterns.
urlpatterns = [
    path("dashboard/commitments/", views.dashboard, name="dashboard"),
    path("dashboard/commitments/page/", views.page_edit, name="page_edit"),
    path("dashboard/commitments/domains/", views.domain_add, name="domain_add"),
    path("dashboard/commitments/domains/<int:pk>/remove/", views.domain_remove, name="domain_remove"),
    path("dashboard/commitments/sites/", views.origin_add, name="origin_add"),
    path("dashboard/commitments/sites/<int:pk>/remove/", views.origin_remove, name="origin_remove"),
    path("dashboard/commitments/tokens/", views.token_create, name="token_create"),
    path("dashboard/commitments/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("dashboard/commitments/organisations/", views.child_invite, name="child_invite"),
    path("staff/commitments/", views.staff, name="staff"),
    path("staff/commitments/domains/<int:pk>/", views.staff_domain_review, name="staff_domain_review"),
    path("staff/commitments/sites/<int:pk>/", views.staff_origin_review, name="staff_origin_review"),
    path("<slug:slug>/join/", views.join, name="join"),
]

# Without a language prefix: /embed/<slug>/<widget>/?lang=fr&host=<the framing site>
embed_urlpatterns = [
    path("<slug:slug>/stats.json", views.embed_stats, name="embed_stats"),
    path("<slug:slug>/cells.json", views.embed_cells, name="embed_cells"),
    path("<slug:slug>/signup/send/", views.embed_signup_submit, name="embed_signup_submit"),
    path("<slug:slug>/<str:widget>/", views.embed_widget, name="embed_widget"),
]
