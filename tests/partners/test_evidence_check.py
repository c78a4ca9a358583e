"""Evidence is checked to its last byte, and downloaded under a safe name with its true extension."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.actionkits.factories import pdf_bytes
from tests.partners.factories import draft_report, partner_admin, university

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def report_client(client):
    partner = university()
    admin = partner_admin(partner)
    client.force_login(admin)
    return client, draft_report(partner, actor=admin)


def test_a_pdf_header_followed_by_html_is_refused_with_a_reason(report_client):
    client, report = report_client
    response = client.post(
        f"/en/partners/dashboard/reports/{report.pk}/evidence/",
        {"file": SimpleUploadedFile("report.pdf", b"%PDF-1.7\n" + HTML, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "This PDF cannot be read" in response.content.decode()
    assert not report.evidence.exists()


def test_the_refusal_is_translated(report_client):
    client, report = report_client
    response = client.post(
        f"/fr/partners/dashboard/reports/{report.pk}/evidence/",
        {"file": SimpleUploadedFile("rapport.pdf", b"%PDF-1.7\n" + HTML, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "Ce PDF est illisible" in response.content.decode()


def test_a_pdf_sent_as_report_html_is_downloaded_as_report_pdf(report_client):
    client, report = report_client
    client.post(
        f"/en/partners/dashboard/reports/{report.pk}/evidence/",
        {"file": SimpleUploadedFile("report.html", pdf_bytes(), content_type="text/html")},
    )
    evidence = report.evidence.get()
    assert evidence.file.name.endswith(".pdf")
    response = client.get(f"/en/partners/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
