from __future__ import annotations

from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.index, name="index"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/target/", views.set_target, name="set_target"),
    path("dashboard/framework/", views.adopt_framework, name="adopt_framework"),
    path("dashboard/commitments/new/", views.commitment_edit, name="commitment_new"),
    path("dashboard/commitments/<int:pk>/", views.commitment_edit, name="commitment_edit"),
    path("dashboard/reports/new/", views.report_new, name="report_new"),
    path("dashboard/reports/<int:pk>/", views.report, name="report"),
    path("dashboard/reports/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "dashboard/reports/<int:pk>/evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"
    ),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("dashboard/invite/", views.invite, name="invite"),
    path("dashboard/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("dashboard/qr.svg", views.qr_download, name="qr_download"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("staff/", views.staff_overview, name="staff_overview"),
    path("staff/export.csv", views.staff_export, name="staff_export"),
    path("staff/reports/<int:pk>/", views.staff_report, name="staff_report"),
    path("<slug:slug>/", views.detail, name="detail"),
]
