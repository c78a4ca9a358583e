"""Partners themselves: the sign-up target and the logo."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_image_file_extension
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from heforshe.lib import sniff
from partners.models import Partner


@transaction.atomic
def partner_set_signup_target(*, partner: Partner, target: int) -> Partner:
    """Set the number of men the partner aims to enlist.

    The framework's sign-up commitment (e.g. the universities' "men and boys on
    campus sign up") is the same promise: it takes this target unless the
    partner already gave it one of its own.
    """
    from partners.frameworks import SIGNUP_ACTIONS

    if target < 0:
        raise ValidationError({"signup_target": _("The target cannot be negative.")})
    partner.signup_target = target
    partner.save(update_fields=["signup_target", "updated_at"])
    partner.commitments.filter(framework_code__in=SIGNUP_ACTIONS, target_value=None).update(target_value=target)
    return partner


LOGO_TYPES = (sniff.PNG, sniff.JPEG)


def logo_check_size(upload: UploadedFile) -> None:
    """Refuse a logo over the byte limit from its declared size, before any of it is read."""
    limit = settings.PARTNERS_LOGO_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The logo is too large (%(size)s KB); the limit is %(limit)s KB."),
            params={"size": -(-upload.size // 1024), "limit": limit // 1024},
            code="too_large",
        )


def logo_validate(upload: UploadedFile) -> UploadedFile:
    """Check a logo before it is stored; return it renamed to `logo.<its true extension>`.

    In order of cost: the declared size (nothing read yet), the first bytes
    (PNG or JPEG, whatever the name or the browser say), then the image
    header for its dimensions (Pillow reads no pixels for that, so a
    decompression bomb is refused before it is decoded). The stored name
    comes from the content, never from the uploader: `logo.jpeg` holding a
    PNG is stored as `logo.png`. A name that does not even claim to be an
    image (`logo.png.php`, `logo.html`) is refused: no honest upload has one.
    """
    logo_check_size(upload)
    validate_image_file_extension(upload)
    found = sniff.sniff(upload)
    if found not in LOGO_TYPES:
        raise ValidationError(_("A logo must be a PNG or JPEG image."), code="bad_type")
    side = settings.PARTNERS_LOGO_MAX_SIDE
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if max(width, height) <= side:
                image.verify()  # the whole structure, still without decoding pixels
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("This logo file is damaged or not really an image."), code="bad_image") from exc
    finally:
        upload.seek(0)
    if max(width, height) > side:
        raise ValidationError(
            _("The logo is %(width)s × %(height)s pixels; the limit is %(side)s pixels on its longest side."),
            params={"width": width, "height": height, "side": side},
            code="too_many_pixels",
        )
    upload.name = f"logo.{found.extension}"
    return upload
