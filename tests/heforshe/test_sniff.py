"""The one file-type sniffer and the whole-file checks behind it."""

from __future__ import annotations

import io
import zipfile

import pytest

from heforshe.lib import sniff
from tests.actionkits.factories import docx_bytes, pdf_bytes, pptx_bytes, zip_bytes
from tests.stories.factories import jpeg_bytes, png_bomb_bytes, png_bytes

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def of(data: bytes) -> sniff.Sniffed | None:
    return sniff.sniff(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (jpeg_bytes(10, 10), sniff.JPEG),
        (png_bytes(10, 10), sniff.PNG),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 20, sniff.WEBP),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20, sniff.HEIC),
        (b"\x00\x00\x00\x18ftypqt  " + b"\x00" * 20, sniff.MOV),
        (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 20, sniff.MP4),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 20, sniff.WEBM),
        (pdf_bytes(), sniff.PDF),
        (docx_bytes(), sniff.DOCX),
        (pptx_bytes(), sniff.PPTX),
        (zip_bytes(), sniff.ZIP),
    ],
)
def test_it_names_each_known_type_from_the_content(data, expected):
    assert of(data) == expected


def test_the_result_carries_kind_mime_and_canonical_extension():
    assert of(jpeg_bytes(10, 10)) == sniff.Sniffed(kind="photo", mime="image/jpeg", extension="jpg")
    assert of(pdf_bytes()) == sniff.Sniffed(kind="document", mime="application/pdf", extension="pdf")


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + b"\x00" * 60,  # a Windows executable
        b"\x7fELF" + b"\x00" * 60,
        HTML,
        b"<!-- %PDF-1.7 -->\n" + HTML,
        b"GIF89a\x01\x00\x01\x00" + HTML,
        b"\x00\x00\x00\x18ftypzzzz" + b"\x00" * 20,
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_it_names_nothing_for_content_it_does_not_know(data):
    assert of(data) is None


def test_a_zip_with_content_types_but_no_office_part_is_a_plain_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert of(out.getvalue()) == sniff.ZIP


def test_sniffing_leaves_the_file_at_its_start():
    fileobj = io.BytesIO(docx_bytes())
    fileobj.seek(10)
    sniff.sniff(fileobj)
    assert fileobj.tell() == 0


def test_the_head_alone_is_enough_for_magic_types():
    assert sniff.sniff_head(png_bytes(4, 4)[: sniff.HEAD_BYTES]) == sniff.PNG
    assert sniff.sniff_head(docx_bytes()[: sniff.HEAD_BYTES]) == sniff.ZIP  # the parts are not in the head


def test_a_real_pdf_verifies_with_its_page_count():
    assert sniff.verify_pdf(io.BytesIO(pdf_bytes())) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n" + HTML, "corrupt"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n<html><body onload=alert(1)>" + b"x" * 1000, "corrupt"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "corrupt"),
        (pdf_bytes()[:200], "corrupt"),
        (HTML, "corrupt"),
    ],
)
def test_a_file_that_only_starts_like_a_pdf_is_refused(data, code):
    with pytest.raises(sniff.FileCheckError) as caught:
        sniff.verify_pdf(io.BytesIO(data))
    assert caught.value.code == code


def test_a_password_protected_pdf_is_refused_as_encrypted():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "locked")
    with pytest.raises(sniff.FileCheckError) as caught:
        sniff.verify_pdf(io.BytesIO(bytes(pdf.output())))
    assert caught.value.code == "encrypted"


def test_a_real_image_verifies_with_its_size():
    assert sniff.verify_image(io.BytesIO(jpeg_bytes(640, 480))) == (640, 480)
    assert sniff.verify_image(io.BytesIO(png_bytes(32, 16))) == (32, 16)


def test_a_truncated_jpeg_is_refused_as_corrupt():
    with pytest.raises(sniff.FileCheckError) as caught:
        sniff.verify_image(io.BytesIO(jpeg_bytes(800, 600)[:4000]))
    assert caught.value.code == "corrupt"


def test_a_jpeg_header_followed_by_html_is_refused_as_corrupt():
    with pytest.raises(sniff.FileCheckError) as caught:
        sniff.verify_image(io.BytesIO(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01" + HTML))
    assert caught.value.code == "corrupt"


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(sniff.FileCheckError) as caught:
        sniff.verify_image(io.BytesIO(png_bomb_bytes()))
    assert caught.value.code == "too_many_pixels"
