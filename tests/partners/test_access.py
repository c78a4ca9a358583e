"""A partner user sees only their own organisation; staff pages need the Partnerships role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heforshe.roles import CURATORS, KIT_EDITORS
from partners.services import report_add_evidence
from tests.actionkits.factories import pdf_bytes
from tests.factories import UserFactory, staff_user
from tests.partners.factories import commitment, draft_report, partner_admin, partner_member, university

pytestmark = pytest.mark.django_db

PDF = pdf_bytes()


@pytest.fixture
def two_partners():
    a, b = university(name="Alpha University"), university(name="Beta University")
    admin_a, admin_b = partner_admin(a), partner_admin(b)
    c_b = commitment(b)
    report_b = draft_report(b, actor=admin_b)
    evidence_b = report_add_evidence(
        report_id=report_b.pk, actor=admin_b, upload=SimpleUploadedFile("b.pdf", PDF, "application/pdf")
    )
    return a, b, admin_a, admin_b, c_b, report_b, evidence_b


def test_a_partner_admin_cannot_reach_another_partners_report_commitment_or_evidence(client, two_partners):
    a, b, admin_a, admin_b, c_b, report_b, evidence_b = two_partners
    client.force_login(admin_a)
    assert client.get(f"/en/partners/dashboard/reports/{report_b.pk}/").status_code == 404
    assert client.post(f"/en/partners/dashboard/reports/{report_b.pk}/", {"narrative": "x"}).status_code == 404
    assert client.get(f"/en/partners/dashboard/commitments/{c_b.pk}/").status_code == 404
    assert client.get(f"/en/partners/evidence/{evidence_b.pk}/").status_code == 404
    assert (
        client.post(f"/en/partners/dashboard/reports/{report_b.pk}/evidence/{evidence_b.pk}/remove/").status_code == 404
    )
    report_b.refresh_from_db()
    assert report_b.narrative == "" and report_b.evidence.count() == 1
    # Their own dashboard shows only their organisation.
    html = client.get("/en/partners/dashboard/").content.decode()
    assert "Alpha University" in html and "Beta University" not in html


def test_the_owner_can_download_its_evidence_as_an_attachment(client, two_partners):
    *_, admin_b, _c, _r, evidence_b = two_partners
    client.force_login(admin_b)
    response = client.get(f"/en/partners/evidence/{evidence_b.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_members_read_but_only_partner_admins_write(client):
    partner = university()
    member = partner_member(partner)
    report = draft_report(partner)
    client.force_login(member)
    assert client.get("/en/partners/dashboard/").status_code == 200
    assert client.get(f"/en/partners/dashboard/reports/{report.pk}/").status_code == 200
    assert client.post(f"/en/partners/dashboard/reports/{report.pk}/", {"narrative": "x"}).status_code == 403
    assert client.post("/en/partners/dashboard/target/", {"signup_target": "5"}).status_code == 403
    assert client.post("/en/partners/dashboard/framework/", {"actions": ["uni-1"]}).status_code == 403
    assert (
        client.post(
            "/en/partners/dashboard/invite/", {"email": "x@example.org", "role": "admin", "language": "en"}
        ).status_code
        == 403
    )
    assert client.post("/en/partners/dashboard/reports/new/", {"period": "2026-Q1"}).status_code == 403
    partner.refresh_from_db()
    assert partner.signup_target == 0 and partner.commitments.count() == 0


def test_the_dashboard_needs_a_partner(client):
    assert client.get("/en/partners/dashboard/").status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get("/en/partners/dashboard/").status_code == 403


@pytest.mark.parametrize("url", ["/en/partners/staff/", "/en/partners/staff/export.csv"])
def test_staff_pages_are_for_partnerships_only(client, url, partnerships_user):
    client.force_login(partner_admin())
    assert client.get(url).status_code == 403
    for group in (CURATORS, KIT_EDITORS):
        client.force_login(staff_user(group))
        assert client.get(url).status_code == 403
    client.force_login(partnerships_user)
    assert client.get(url).status_code == 200


def test_a_partner_admin_cannot_review_reports(client):
    admin = partner_admin()
    report = draft_report(admin.partner_memberships.get().partner)
    client.force_login(admin)
    assert client.get(f"/en/partners/staff/reports/{report.pk}/").status_code == 403
    assert client.post(f"/en/partners/staff/reports/{report.pk}/", {"decision": "approve"}).status_code == 403


def test_partnerships_cannot_edit_or_delete_reports_in_the_admin(client, partnerships_user):
    report = draft_report(university())
    client.force_login(partnerships_user)
    assert client.get("/admin/partners/progressreport/").status_code == 200
    assert client.post(f"/admin/partners/progressreport/{report.pk}/delete/", {"post": "yes"}).status_code == 403
    # The report's history has no admin page of its own (it is shown read-only on the report).
    assert client.get("/admin/partners/reportevent/").status_code == 404
    assert not partnerships_user.has_perm("partners.delete_progressreport")
    assert not partnerships_user.has_perm("partners.change_reportevent")
    assert partnerships_user.has_perm("partners.review_progressreport")


def test_partnerships_staff_are_sent_from_the_dashboard_to_the_overview(client, partnerships_user):
    client.force_login(partnerships_user)
    response = client.get("/en/partners/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/en/partners/staff/"
