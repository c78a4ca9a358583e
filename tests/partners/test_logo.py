"""Partner logos: a byte limit, a pixel limit and a content check, before anything is stored."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import validate_image_file_extension
from PIL import Image

from partners.forms import PartnerAdminForm
from partners.models import Partner
from tests.factories import UserFactory
from tests.stories.factories import jpeg_bytes, png_bomb_bytes, png_bytes

pytestmark = pytest.mark.django_db

DATA = {"name": "Logo University", "slug": "logo-university", "sector": "university", "referral_code": "logo2345"}
DATA |= {"signup_target": 0, "is_active": "on"}


def _errors(upload) -> list[str]:
    form = PartnerAdminForm(data=DATA, files={"logo": upload})
    assert not form.is_valid()
    return form.errors["logo"]


def test_a_logo_over_the_byte_limit_is_refused(settings):
    settings.PARTNERS_LOGO_MAX_BYTES = 10 * 1024
    big = png_bytes(400, 400) + b"\x00" * 20 * 1024
    assert _errors(SimpleUploadedFile("logo.png", big)) == [
        f"The logo is too large ({-(-len(big) // 1024)} KB); the limit is 10 KB."
    ]


class _Unreadable(UploadedFile):
    """An upload whose bytes must not be needed to refuse it."""

    def __init__(self, size: int):
        super().__init__(io.BytesIO(b""), name="huge.png", content_type="image/png", size=size)

    def read(self, *args, **kwargs):
        raise AssertionError("the oversized logo was read")


def test_the_byte_limit_is_checked_before_the_file_is_read(settings):
    settings.PARTNERS_LOGO_MAX_BYTES = 1024 * 1024
    assert _errors(_Unreadable(50 * 1024 * 1024)) == ["The logo is too large (51200 KB); the limit is 1024 KB."]


def test_a_logo_over_the_pixel_limit_is_refused(settings):
    settings.PARTNERS_LOGO_MAX_SIDE = 300
    assert _errors(SimpleUploadedFile("logo.png", png_bytes(301, 40))) == [
        "The logo is 301 × 40 pixels; the limit is 300 pixels on its longest side."
    ]


def test_a_decompression_bomb_is_refused_without_being_decoded():
    assert _errors(SimpleUploadedFile("logo.png", png_bomb_bytes())) == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]


def test_a_gif_is_refused_by_its_content():
    buf = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buf, "GIF")
    assert _errors(SimpleUploadedFile("logo.png", buf.getvalue(), content_type="image/png")) == [
        "A logo must be a PNG or JPEG image."
    ]


def test_a_png_named_jpeg_is_stored_under_its_true_extension():
    form = PartnerAdminForm(data=DATA, files={"logo": SimpleUploadedFile("logo.jpeg", png_bytes(96, 96), "image/jpeg")})
    assert form.is_valid(), form.errors
    partner = form.save()
    assert partner.logo.name.startswith("partners/logos/logo") and partner.logo.name.endswith(".png")


def test_a_png_named_html_is_refused():
    with pytest.raises(ValidationError) as django_says:
        validate_image_file_extension(SimpleUploadedFile("logo.html", b""))
    assert _errors(SimpleUploadedFile("logo.html", png_bytes(96, 96), "text/html")) == django_says.value.messages


def test_a_jpeg_logo_is_accepted():
    form = PartnerAdminForm(data=DATA, files={"logo": SimpleUploadedFile("photo.jpeg", jpeg_bytes(200, 100))})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["logo"].name == "logo.jpg"


def test_the_partner_admin_uses_the_checked_logo_field(client, settings):
    settings.PARTNERS_LOGO_MAX_SIDE = 100
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    management = {
        f"{prefix}-{key}": value
        for prefix in ("memberships", "commitments")
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
    response = client.post(
        "/admin/partners/partner/add/",
        {**DATA, **management, "logo": SimpleUploadedFile("logo.png", png_bytes(400, 400))},
    )
    assert response.status_code == 200
    assert "The logo is 400 × 400 pixels; the limit is 100 pixels on its longest side." in response.text
    assert not Partner.objects.exists()
