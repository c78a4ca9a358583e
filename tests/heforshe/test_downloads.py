"""Serving a user upload: a safe name with its true extension, typed by content, inert."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile

from heforshe.lib.downloads import content_disposition, safe_filename, serve_upload
from stories.models import MediaFile
from tests.actionkits.factories import pdf_bytes
from tests.stories.factories import jpeg_bytes

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "extension", "expected"),
    [
        ("report.html", "pdf", "report.pdf"),
        ("Quarterly Report 2025.pdf.html", "pdf", "quarterly-report-2025.pdf"),
        ("../../etc/passwd", "bin", "passwd.bin"),
        ("C:\\Users\\amani\\photo.php.jpg", "jpg", "photo.jpg"),
        (".htaccess", "bin", "file.bin"),
        ("", "png", "file.png"),
        ("Rapport d’activité", "pdf", "rapport-dactivité.pdf"),
        ("报告", "pdf", "报告.pdf"),
    ],
)
def test_the_name_keeps_a_safe_stem_and_takes_the_true_extension(name, extension, expected):
    assert safe_filename(name, extension) == expected


def test_an_ascii_name_needs_no_extended_parameter():
    assert content_disposition("report.pdf") == 'attachment; filename="report.pdf"'


def test_a_non_ascii_name_gets_an_ascii_fallback_and_an_rfc_6266_filename_star():
    assert content_disposition("rapport-dactivité.pdf") == (
        "attachment; filename=\"rapport-dactivite.pdf\"; filename*=UTF-8''rapport-dactivit%C3%A9.pdf"
    )
    assert (
        content_disposition("报告.pdf") == "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"
    )


def _stored(content: bytes, name: str = "uploads/x.html") -> FieldFile:
    stored = default_storage.save(name, ContentFile(content))
    return FieldFile(None, MediaFile._meta.get_field("original"), stored)


def test_a_pdf_uploaded_as_report_html_is_served_as_a_pdf_attachment():
    pdf = pdf_bytes()
    response = serve_upload(_stored(pdf), name="report.html")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf


def test_content_of_no_known_type_is_served_as_octet_stream_named_bin():
    response = serve_upload(_stored(HTML), name="page.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.bin"'


def test_the_caller_chooses_the_stem_when_the_name_gives_none():
    response = serve_upload(_stored(jpeg_bytes(8, 8)), name="", default_stem="evidence-7")
    assert response["Content-Disposition"] == 'attachment; filename="evidence-7.jpg"'
    assert response["Content-Type"] == "image/jpeg"
