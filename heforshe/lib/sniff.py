"""What a file really is, from its content: never from its name or the browser's content type.

`sniff(file)` (or `sniff_head(first_bytes)` when only the start is at hand, as in a resumable
upload) names the type from the magic bytes and, for ZIP containers, from the parts inside
(DOCX and PPTX are ZIP archives told apart by their main part). It says what a file claims to
be; `verify_pdf` and `verify_image` then check that the whole file is that, with a real parser:
a file that starts with `%PDF-` and goes on as an HTML page is not a PDF.

Every app that takes an upload uses these; each decides which types it accepts and how large.
"""

from __future__ import annotations

import threading
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext_lazy as _

PHOTO = "photo"
VIDEO = "video"
DOCUMENT = "document"
ARCHIVE = "archive"

# Enough for every signature below (the ISO-BMFF brand sits at bytes 8-12).
HEAD_BYTES = 64


@dataclass(frozen=True)
class Sniffed:
    kind: str  # PHOTO, VIDEO, DOCUMENT or ARCHIVE
    mime: str
    extension: str  # canonical, without the dot: what a stored copy is named with


JPEG = Sniffed(PHOTO, "image/jpeg", "jpg")
PNG = Sniffed(PHOTO, "image/png", "png")
WEBP = Sniffed(PHOTO, "image/webp", "webp")
HEIC = Sniffed(PHOTO, "image/heic", "heic")
WEBM = Sniffed(VIDEO, "video/webm", "webm")
MOV = Sniffed(VIDEO, "video/quicktime", "mov")
MP4 = Sniffed(VIDEO, "video/mp4", "mp4")
PDF = Sniffed(DOCUMENT, "application/pdf", "pdf")
DOCX = Sniffed(DOCUMENT, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
PPTX = Sniffed(DOCUMENT, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ZIP = Sniffed(ARCHIVE, "application/zip", "zip")

ALL = (JPEG, PNG, WEBP, HEIC, WEBM, MOV, MP4, PDF, DOCX, PPTX, ZIP)
BY_EXTENSION = {t.extension: t for t in ALL}
BY_MIME = {t.mime: t for t in ALL}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV"}
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_OFFICE_MAIN_PARTS = ((DOCX, "word/document.xml"), (PPTX, "ppt/presentation.xml"))


def sniff_head(head: bytes) -> Sniffed | None:
    """The type from the first bytes alone, or None. A ZIP container is reported as ZIP."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return HEIC
        if brand == b"qt  ":
            return MOV
        if brand in _MP4_BRANDS:
            return MP4
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_ZIP_MAGICS):
        return ZIP
    return None


def zip_members(fileobj: IO[bytes]) -> list[zipfile.ZipInfo] | None:
    """The entries of a ZIP's central directory (nothing is inflated), or None if it is not one."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        fileobj.seek(0)


def sniff(fileobj: IO[bytes]) -> Sniffed | None:
    """The type of a seekable file from its content, or None; the file is left at position 0.

    A ZIP with `[Content_Types].xml` and a Word or PowerPoint main part is DOCX or PPTX; a ZIP
    whose directory cannot be read is nothing we know.
    """
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    found = sniff_head(head)
    if found is not ZIP:
        return found
    members = zip_members(fileobj)
    if members is None:
        return None
    names = {info.filename for info in members}
    if "[Content_Types].xml" in names:
        for office_type, main_part in _OFFICE_MAIN_PARTS:
            if main_part in names:
                return office_type
    return ZIP


class FileCheckError(Exception):
    """The whole file is not what its first bytes claim; `code` says why in a word."""

    CORRUPT = "corrupt"
    ENCRYPTED = "encrypted"
    EMPTY = "empty"
    TOO_MANY_PIXELS = "too_many_pixels"

    def __init__(self, code: str, detail: str = "", *, kind: str = DOCUMENT, limit: int = 0) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.kind = kind
        self.limit = limit

    @property
    def message(self) -> str:
        """What to tell the person who sent the file, translated."""
        if self.kind == PHOTO:
            if self.code == self.TOO_MANY_PIXELS:
                return _("This image is too large to open: it has more than %(limit)s megapixels.") % {
                    "limit": self.limit // 1_000_000
                }
            return _("This image is damaged or incomplete and cannot be read.")
        return _(
            "This PDF cannot be read (it is damaged, password-protected or not a PDF); save it again and upload it."
        )


def _read_all(fileobj: IO[bytes]) -> bytes:
    fileobj.seek(0)
    try:
        return fileobj.read()
    finally:
        fileobj.seek(0)


# PDFium is not thread-safe and gunicorn runs threads: one document at a time per process.
_PDFIUM_LOCK = threading.Lock()


def verify_pdf(fileobj: IO[bytes]) -> int:
    """Parse the whole document with PDFium and return its number of pages.

    Raises FileCheckError when PDFium cannot load it (not a PDF past its first line, a broken
    cross-reference it cannot rebuild), when it is password-protected, or when it has no page.
    """
    import pypdfium2 as pdfium

    data = _read_all(fileobj)
    if not data.startswith(b"%PDF-"):
        raise FileCheckError(FileCheckError.CORRUPT, "no PDF header")
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            code = FileCheckError.ENCRYPTED if "password" in str(exc).lower() else FileCheckError.CORRUPT
            raise FileCheckError(code, str(exc)) from exc
        try:
            pages = len(document)
            if pages < 1:
                raise FileCheckError(FileCheckError.EMPTY, "no pages")
            # Loading the first page parses its objects and content, not only the page tree.
            document[0].close()
        except pdfium.PdfiumError as exc:
            raise FileCheckError(FileCheckError.CORRUPT, str(exc)) from exc
        finally:
            document.close()
    return pages


def verify_image(fileobj: IO[bytes], *, max_pixels: int = 50_000_000) -> tuple[int, int]:
    """Decode a still image to its last byte and return (width, height).

    The pixel count is checked from the header before anything is decoded, so a decompression
    bomb costs nothing. JPEGs are decoded at reduced scale (every byte is still read), which
    keeps memory small for large photos.
    """
    from PIL import Image

    fileobj.seek(0)
    try:
        with Image.open(fileobj) as im:
            width, height = im.size
            if width * height > max_pixels:
                raise FileCheckError(FileCheckError.TOO_MANY_PIXELS, f"{width}x{height}", kind=PHOTO, limit=max_pixels)
            if im.format == "JPEG":
                im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            im.load()
    except Image.DecompressionBombError as exc:
        raise FileCheckError(FileCheckError.TOO_MANY_PIXELS, str(exc), kind=PHOTO, limit=max_pixels) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise FileCheckError(FileCheckError.CORRUPT, str(exc), kind=PHOTO) from exc
    finally:
        fileobj.seek(0)
    return width, height
