"""Upload validation by content, not by the name or the browser's content type.

A kit file must be what its name says: the extension picks the expected
format and the first bytes (and, for Office files, the ZIP members) must
agree. DOCX and PPTX are ZIP archives; what tells them apart from each other
and from a plain ZIP is the main part each must contain.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from actionkits.models import FileFormat

PDF_MAGIC = b"%PDF-"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OFFICE_MAIN_PART = {
    FileFormat.DOCX: "word/document.xml",
    FileFormat.PPTX: "ppt/presentation.xml",
}
CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileFormat.ZIP: "application/zip",
}


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


def _zip_members(fileobj: IO[bytes]) -> set[str] | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _unpacked_size(fileobj: IO[bytes]) -> int:
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0
    finally:
        fileobj.seek(0)


def detect_format(fileobj: IO[bytes]) -> FileFormat | None:
    """The format the content really has, or None when it is none of ours."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(PDF_MAGIC):
        return FileFormat.PDF
    if not head.startswith(ZIP_MAGICS):
        return None
    members = _zip_members(fileobj)
    fileobj.seek(0)
    if members is None:
        return None
    if "[Content_Types].xml" in members:
        for fmt, main_part in OFFICE_MAIN_PART.items():
            if main_part in members:
                return fmt
    return FileFormat.ZIP


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
    return expected, size
