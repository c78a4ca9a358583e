"""A corpus of hostile and broken files sent to every upload point.

Each bad file must get a clear refusal (a 4xx answer or a form error, never a
500), leave nothing in storage or the database, leave the story, report or kit
as it was, and a good file sent afterwards must still be accepted. Limits that
are gigabytes in production are lowered through settings (or declared in a
header only), so no test allocates more than a few tens of megabytes.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile

from actionkits.models import KitTranslation, KitVersion
from heforshe.roles import KIT_EDITORS, PARTNERSHIPS
from partners.models import Partner, ReportEvidence
from stories.models import MediaFile, UploadSession
from tests.actionkits.factories import make_kit, pdf_bytes
from tests.factories import staff_user
from tests.partners.factories import commitment, draft_report, partner_admin, university
from tests.stories.factories import StoryFactory, jpeg_bytes, png_bomb_bytes, png_bytes, upload
from tests.stories.factories import partner_member as story_partner_member

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PHP = b"<?php system($_GET['c']); ?>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)


def pe_bytes() -> bytes:
    """The start of a Windows PE executable: the MZ stub and the PE header at e_lfanew."""
    dos = bytearray(b"MZ" + b"\x90\x00" + b"\x00" * 0x3C)
    dos[0x3C:0x40] = struct.pack("<I", 0x80)
    return bytes(dos).ljust(0x80, b"\x00") + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 512


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 512


def small_zip(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


@functools.cache
def docx_zip_bomb(unpacked_mb: int = 64) -> bytes:
    """A structurally valid DOCX whose document part inflates ~1000:1 (64 MB from ~64 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(unpacked_mb):
                member.write(block)
    return out.getvalue()


@functools.cache
def corpus() -> dict[str, tuple[str, bytes]]:
    """Every bad file, by a name that says what it is: (file name sent, content)."""
    jpeg = jpeg_bytes(400, 300)
    return {
        "gif-header-then-html": ("photo.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + HTML),
        "jpeg-header-then-html": ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + HTML),
        "jpeg-header-then-php-and-zip": ("photo.jpg", b"\xff\xd8\xff\xe0" + PHP + small_zip("shell.php", PHP)),
        "windows-exe-named-jpg": ("photo.jpg", pe_bytes()),
        "windows-exe-named-pdf": ("report.pdf", pe_bytes()),
        "elf-named-jpg": ("photo.jpg", elf_bytes()),
        "elf-named-pdf": ("report.pdf", elf_bytes()),
        "png-decompression-bomb": ("photo.png", png_bomb_bytes()),
        "truncated-jpeg": ("photo.jpg", jpeg[:160]),
        "zero-bytes": ("photo.jpg", b""),
        "svg-with-script": ("photo.svg", SVG),
        "zip-bomb-named-docx": ("kit.docx", docx_zip_bomb()),
        "html-named-pdf": ("report.pdf", b"<!-- %PDF-1.7 -->\n" + HTML),
        "double-extension-html": ("photo.jpg.html", HTML),
        "double-extension-exe": ("report.pdf.exe", pe_bytes()),
        "php-named-jpg": ("photo.php.jpg", PHP),
    }


BAD = sorted(corpus())  # built once (cached) at collection


def stored_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


# --- stories: the form upload and the tus resumable upload --------------------------------


@pytest.fixture
def story_setup(client):
    user, partner = story_partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    return client, story


def story_snapshot(story) -> tuple:
    story.refresh_from_db()
    return (story.state, story.title, story.quote, story.cover_id, story.updated_at)


@pytest.mark.parametrize("bad", BAD)
def test_the_story_upload_form_refuses_each_bad_file_and_still_takes_a_good_one(
    story_setup, bad, django_capture_on_commit_callbacks
):
    client, story = story_setup
    name, content = corpus()[bad]
    before = story_snapshot(story)
    files_before = stored_files(Path(settings.MEDIA_ROOT))
    url = f"/en/stories/submit/{story.pk}/media/"
    response = client.post(url, {"file": upload(name, content)})
    # The form again, answered 400, with the reason on the file field.
    assert response.status_code == 400, response.status_code
    assert '<ul class="errorlist" id="id_file_error">' in response.content.decode()
    assert not MediaFile.objects.filter(story=story).exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == files_before
    assert story_snapshot(story) == before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload("good.jpg", jpeg_bytes(500, 400))})
    assert response.status_code == 302
    media = MediaFile.objects.get(story=story)
    assert media.kind == "photo" and media.status == "ready"


def test_the_story_form_refuses_a_photo_over_25_mb_by_its_size(story_setup):
    client, story = story_setup
    # A JPEG header and 26 MB of padding: refused on the size the sniffed type allows.
    big = jpeg_bytes(64, 64) + b"\x00" * (26 * 1024 * 1024)
    response = client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("huge.jpg", big)})
    # 413: the upload handler stops reading at the photo limit, before the rest of the body.
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not MediaFile.objects.exists()


def test_a_jpeg_cut_after_its_header_is_stored_but_fails_processing_with_a_reason(
    story_setup, django_capture_on_commit_callbacks
):
    """The header check passes (the size is readable), so the decoder is what finds the damage:
    the file is marked failed with a reason a curator can read and nothing is rendered from it."""
    client, story = story_setup
    jpeg = jpeg_bytes(800, 600)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("cut.jpg", jpeg[:4000])})
    assert response.status_code == 302  # accepted on its header
    media = MediaFile.objects.get(story=story)
    assert media.status == "failed" and media.failure == "corrupt"
    assert not media.renditions.exists()
    story.refresh_from_db()
    assert story.cover_id is None


TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def tus_send(client, story, name: str, content: bytes):
    meta = "filename " + base64.b64encode(name.encode()).decode()
    created = client.post(
        f"/en/stories/submit/{story.pk}/uploads/",
        HTTP_UPLOAD_LENGTH=str(len(content)),
        HTTP_UPLOAD_METADATA=meta,
        **TUS,
    )
    if created.status_code != 201:
        return created
    location = created["Location"].removeprefix("http://testserver")
    return client.patch(
        location, data=content, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0", **TUS
    )


@pytest.mark.parametrize("bad", BAD)
def test_the_resumable_upload_refuses_each_bad_file_and_still_takes_a_good_one(
    story_setup, bad, django_capture_on_commit_callbacks
):
    client, story = story_setup
    name, content = corpus()[bad]
    before = story_snapshot(story)
    files_before = stored_files(Path(settings.MEDIA_ROOT))
    response = tus_send(client, story, name, content)
    # An empty file is a malformed upload (400); any other bad file is not a media type we take (415).
    assert response.status_code == (400 if bad == "zero-bytes" else 415), (response.status_code, response.content[:300])
    assert response.content.decode().strip()  # a reason, not an empty refusal
    assert not MediaFile.objects.filter(story=story).exists()
    assert not UploadSession.objects.filter(story=story).exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == files_before
    assert not any(Path(settings.TUS_UPLOAD_DIR).glob("*.part"))
    assert story_snapshot(story) == before

    with django_capture_on_commit_callbacks(execute=True):
        response = tus_send(client, story, "good.png", png_bytes(300, 200))
    assert response.status_code == 204
    assert MediaFile.objects.get(story=story).status == "ready"


def test_the_resumable_upload_refuses_a_declared_3_gb_video_before_any_byte(story_setup):
    client, story = story_setup
    response = client.post(f"/en/stories/submit/{story.pk}/uploads/", HTTP_UPLOAD_LENGTH=str(3 * 1024**3), **TUS)
    assert response.status_code == 413
    assert "2 GB" in response.content.decode()
    assert not UploadSession.objects.exists()


def test_the_resumable_upload_refuses_bytes_past_the_declared_length(story_setup):
    client, story = story_setup
    created = client.post(f"/en/stories/submit/{story.pk}/uploads/", HTTP_UPLOAD_LENGTH="1000", **TUS)
    location = created["Location"].removeprefix("http://testserver")
    response = client.patch(
        location,
        data=b"\xff\xd8\xff" + os.urandom(5000),
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        **TUS,
    )
    assert response.status_code == 413
    head = client.head(location, **TUS)
    assert head["Upload-Offset"] == "0"
    assert not MediaFile.objects.exists()


# --- partners: progress-report evidence ------------------------------------------------

# Evidence is parsed to its last byte (PDFium for PDFs, Pillow for PNG and JPEG): a right magic
# followed by something else is refused like any other bad file. A file that really is a valid
# image or PDF and also carries a payload is kept, and only ever served as an inert download.


@pytest.fixture
def report_setup(client):
    partner = university()
    admin = partner_admin(partner)
    c = commitment(partner)
    report = draft_report(partner, actor=admin)
    client.force_login(admin)
    client.post(
        f"/en/partners/dashboard/reports/{report.pk}/", {"narrative": "Our first quarter", f"value_{c.pk}": "7"}
    )
    report.refresh_from_db()
    assert report.narrative == "Our first quarter"
    return client, report


@pytest.mark.parametrize("bad", BAD)
def test_report_evidence_refuses_each_bad_file_and_still_takes_a_good_one(report_setup, bad, settings):
    settings.PARTNERS_EVIDENCE_MAX_BYTES = 1024 * 1024  # the zip bomb (64 KB packed) is below it
    client, report = report_setup
    name, content = corpus()[bad]
    files_before = stored_files(Path(settings.MEDIA_ROOT))
    url = f"/en/partners/dashboard/reports/{report.pk}/evidence/"
    response = client.post(url, {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})
    assert response.status_code == 400, response.status_code
    assert '<ul class="errorlist" id="id_file_error">' in response.content.decode()
    assert not ReportEvidence.objects.filter(report=report).exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == files_before
    report.refresh_from_db()
    assert report.status == "draft" and report.narrative == "Our first quarter"
    assert report.values.get().value == 7

    response = client.post(url, {"file": SimpleUploadedFile("good.pdf", pdf_bytes(), content_type="application/pdf")})
    assert response.status_code == 302
    assert report.evidence.count() == 1


def evidence_polyglots() -> dict[str, bytes]:
    """Files that parse to their last byte as what they claim, and carry a payload besides."""
    return {
        "jpeg-then-html-and-php": jpeg_bytes(200, 150) + HTML + PHP,
        "png-then-html": png_bytes(40, 40) + HTML,
        "pdf-then-html": pdf_bytes() + HTML,
    }


@pytest.mark.parametrize(
    ("polyglot", "content_type", "extension"),
    [
        ("jpeg-then-html-and-php", "image/jpeg", "jpg"),
        ("png-then-html", "image/png", "png"),
        ("pdf-then-html", "application/pdf", "pdf"),
    ],
)
def test_a_valid_evidence_file_with_a_payload_is_only_ever_served_as_an_inert_download(
    report_setup, polyglot, content_type, extension
):
    client, report = report_setup
    response = client.post(
        f"/en/partners/dashboard/reports/{report.pk}/evidence/",
        {"file": SimpleUploadedFile("report.html", evidence_polyglots()[polyglot], content_type="text/html")},
    )
    assert response.status_code == 302
    evidence = report.evidence.get()
    # Stored under a random name with the true extension, never the sender's name.
    assert evidence.file.name.endswith(f".{extension}") and "report" not in evidence.file.name
    download = client.get(f"/en/partners/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"] == f'attachment; filename="report.{extension}"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_evidence_over_the_size_limit_is_refused(report_setup, settings):
    settings.PARTNERS_EVIDENCE_MAX_BYTES = 64 * 1024
    client, report = report_setup
    big = pdf_bytes() + b"%" + b"0" * (128 * 1024)
    response = client.post(
        f"/en/partners/dashboard/reports/{report.pk}/evidence/",
        {"file": SimpleUploadedFile("big.pdf", big, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not report.evidence.exists()


# --- action kits: files uploaded by a Kit editor through the admin -----------------------


@pytest.fixture
def kit_setup(client, settings):
    settings.ACTIONKITS_MAX_FILE_SIZE = 2 * 1024 * 1024
    kit = make_kit(slug="bad-upload-kit")
    english = kit.translations.get(language="en")
    client.force_login(staff_user(KIT_EDITORS))
    return client, kit, english


def kit_post(client, kit, *, name: str, content: bytes, language: str = "fr"):
    return client.post(
        "/admin/actionkits/kittranslation/add/",
        {
            "kit": kit.pk,
            "language": language,
            "title": "Kit FR",
            "summary": "Résumé",
            "body": "<p>Corps</p>",
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
            "change_notes": "Première édition",
            "matches_english": "on",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )


@pytest.mark.parametrize("bad", BAD)
def test_the_kit_admin_refuses_each_bad_file_and_still_takes_a_good_one(kit_setup, bad):
    client, kit, english = kit_setup
    name, content = corpus()[bad]
    before = (english.version, english.file.name, english.file_size, KitVersion.objects.count())
    files_before = stored_files(Path(settings.MEDIA_ROOT))
    response = kit_post(client, kit, name=name, content=content)
    assert response.status_code == 200, response.status_code  # the admin form again, with the error
    html = response.content.decode()
    assert "errorlist" in html
    assert not KitTranslation.objects.filter(kit=kit, language="fr").exists()
    assert stored_files(Path(settings.MEDIA_ROOT)) == files_before
    english.refresh_from_db()
    assert (english.version, english.file.name, english.file_size, KitVersion.objects.count()) == before

    response = kit_post(client, kit, name="kit-fr.pdf", content=pdf_bytes("fr"))
    assert response.status_code == 302
    assert kit.translations.get(language="fr").file_format == "pdf"


def test_the_kit_admin_refuses_a_file_over_the_size_limit(kit_setup):
    client, kit, _english = kit_setup
    big = pdf_bytes() + b"%" + b"0" * (3 * 1024 * 1024)
    response = kit_post(client, kit, name="big.pdf", content=big)
    assert response.status_code == 200
    assert "kit files may be at most" in response.content.decode()
    assert not KitTranslation.objects.filter(language="fr").exists()


# --- partners: logos, uploaded by Partnerships staff in the admin -----------------------


def admin_post_data(response) -> dict:
    """The admin change form as the browser would send it back unchanged (fields and inlines)."""
    data: dict = {}

    def add(form, prefix_fields=True):
        for name in form.fields:
            key = form.add_prefix(name) if prefix_fields else name
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile) or value == "":
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form, prefix_fields=False)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[formset.management_form.add_prefix(name)] = str(value)
        for form in formset.initial_forms:
            add(form)
    return data


@pytest.fixture
def logo_setup(client):
    partner = university(name="Logo University")
    client.force_login(staff_user(PARTNERSHIPS))
    url = f"/admin/partners/partner/{partner.pk}/change/"
    return client, partner, url


@pytest.mark.parametrize("bad", BAD)
def test_the_partner_logo_refuses_each_bad_file_and_still_takes_a_good_one(logo_setup, bad):
    client, partner, url = logo_setup
    name, content = corpus()[bad]
    data = admin_post_data(client.get(url))
    files_before = stored_files(Path(settings.MEDIA_ROOT))
    response = client.post(url, {**data, "logo": SimpleUploadedFile(name, content, content_type="image/png")})
    assert response.status_code == 200, response.status_code
    assert "errorlist" in response.content.decode()
    partner.refresh_from_db()
    assert not partner.logo and partner.name == "Logo University"
    assert stored_files(Path(settings.MEDIA_ROOT)) == files_before

    response = client.post(url, {**data, "logo": SimpleUploadedFile("logo.png", png_bytes(96, 96), "image/png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Partner.objects.get(pk=partner.pk).logo.name.startswith("partners/logos/")


# --- request bodies over DATA_UPLOAD_MAX_MEMORY_SIZE -----------------------------------


def test_a_huge_json_body_to_the_pledge_api_is_refused_without_a_server_error(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = b'{"first_name": "' + b"A" * (256 * 1024) + b'", "email": "a@example.org"}'
    response = client.post("/api/v1/pledges/", data=body, content_type="application/json")
    # Django refuses the body before DRF parses it (its 400 page, not a 500).
    assert response.status_code in (400, 413), response.status_code


def test_a_huge_form_body_to_the_pledge_form_is_refused_without_a_server_error(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response = client.post("/en/pledge/", {"first_name": "A" * (256 * 1024), "email": "a@example.org"})
    assert response.status_code in (400, 413), response.status_code


# --- true polyglots: a valid image that also carries a payload ---------------------------


def test_a_valid_jpeg_carrying_html_and_php_is_only_ever_published_re_encoded(
    story_setup, django_capture_on_commit_callbacks
):
    """The bytes decode as a photo, so the upload is taken; what the public gets is re-encoded from
    the pixels (no payload), and the original keeps a name from the sniffed type only."""
    client, story = story_setup
    polyglot = jpeg_bytes(500, 400) + HTML + PHP + small_zip("shell.php", PHP)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("photo.php.html", polyglot)})
    assert response.status_code == 302
    media = MediaFile.objects.get(story=story)
    assert media.status == "ready"
    assert media.original.name.endswith(".jpg") and ".php" not in media.original.name
    renditions = list(media.renditions.all())
    assert renditions
    for rendition in renditions:
        data = rendition.file.read()
        rendition.file.close()
        assert b"<script" not in data and b"<?php" not in data and b"PK\x03\x04" not in data


def test_a_valid_png_logo_with_a_payload_and_a_double_extension_is_not_stored_as_script(logo_setup):
    client, partner, url = logo_setup
    data = admin_post_data(client.get(url))
    polyglot = png_bytes(96, 96) + PHP
    response = client.post(url, {**data, "logo": SimpleUploadedFile("logo.png.php", polyglot, "image/png")})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    partner.refresh_from_db()
    assert not partner.logo
