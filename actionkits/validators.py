"""Upload validation by content, not by the name or the browser's content type.

A kit file must be what its name says: the extension picks the expected
format and the content, as heforshe.lib.sniff reads it, must agree; a PDF
must also parse as a whole document.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from actionkits.models import FileFormat
from heforshe.lib import sniff

# The served content type of each kit format, from the one sniffer's table.
CONTENT_TYPES = {fmt: sniff.BY_EXTENSION[fmt.value].mime for fmt in FileFormat}


def max_file_size() -> int:
    return int(getattr(settings, "ACTIONKITS_MAX_FILE_SIZE", 50 * 1024 * 1024))


def _format_from_name(name: str) -> FileFormat:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in FileFormat.values:
        raise ValidationError(
            _("Kit files must be PDF, DOCX, PPTX or ZIP; “%(name)s” is not."),
            code="extension",
            params={"name": PurePath(name).name},
        )
    return FileFormat(suffix)


# Office files and ZIPs of posters unpack to a few times their size; a ZIP bomb to
# a thousand times. Unpacked sizes come from the central directory: nothing is inflated.
MAX_UNPACKED_RATIO = 20


def _unpacked_size(fileobj: IO[bytes]) -> int:
    members = sniff.zip_members(fileobj)
    return sum(info.file_size for info in members) if members else 0


def detect_format(fileobj: IO[bytes]) -> FileFormat | None:
    """The format the content really has, or None when it is none of ours."""
    sniffed = sniff.sniff(fileobj)
    if sniffed is None or sniffed.extension not in FileFormat.values:
        return None
    return FileFormat(sniffed.extension)


def validate_kit_file(uploaded) -> tuple[FileFormat, int]:
    """Check an uploaded kit file; return its format and size in bytes."""
    expected = _format_from_name(uploaded.name)
    size = uploaded.size
    limit = max_file_size()
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; kit files may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    actual = detect_format(uploaded)
    if actual in (FileFormat.DOCX, FileFormat.PPTX, FileFormat.ZIP):
        unpacked = _unpacked_size(uploaded)
        if unpacked > MAX_UNPACKED_RATIO * limit:
            raise ValidationError(
                _("The file is %(size)s; kit files may be at most %(limit)s."),
                code="too_large",
                params={"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
            )
    # Any Office file is also a ZIP archive, so a .zip holding one is honest.
    is_zip_family = expected == FileFormat.ZIP and actual in (FileFormat.DOCX, FileFormat.PPTX)
    if actual != expected and not is_zip_family:
        raise ValidationError(
            _("The file is named as %(expected)s but its content is %(actual)s."),
            code="mismatch",
            params={"expected": expected.label, "actual": actual.label if actual else _("not a kit format")},
        )
    if actual == FileFormat.PDF:
        try:
            sniff.verify_pdf(uploaded)
        except sniff.FileCheckError as exc:
            raise ValidationError(exc.message, code="bad_pdf") from exc
    return expected, size
