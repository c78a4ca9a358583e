"""Serving a file someone uploaded: as an inert download, never as a page of the site.

Whatever the uploader named it or claimed it was, the response:

- carries the type sniffed from the stored bytes (`application/octet-stream` when we know none),
  with `X-Content-Type-Options: nosniff` so the browser does not guess another;
- is an attachment named `<safe stem>.<true extension>`: the uploader's `report.html` is
  offered as `report.pdf` when it is a PDF, with an ASCII `filename` and an RFC 6266 / RFC 8187
  `filename*` for names in other scripts;
- has a CSP sandbox, so a file opened in the browser anyway runs no script on our origin;
- is not kept by shared caches.

Kit downloads (byte ranges, X-Accel-Redirect) build their own response and can use
`content_disposition` and `safe_filename` from here.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath
from urllib.parse import quote

from django.http import FileResponse
from django.utils.text import slugify

from heforshe.lib import sniff

OCTET_STREAM = "application/octet-stream"
MAX_STEM = 80


def safe_stem(name: str, *, default: str = "file") -> str:
    """A file-name stem of letters, digits and hyphens from any name (extensions and paths dropped)."""
    stem = PurePath(str(name).replace("\\", "/")).name
    # Every suffix goes, not only the last: "report.pdf.html" must not keep ".pdf" in its stem.
    stem = stem.split(".", 1)[0] if not stem.startswith(".") else ""
    return slugify(stem, allow_unicode=True)[:MAX_STEM].strip("-_") or default


def safe_filename(name: str, extension: str, *, default: str = "file") -> str:
    """`<safe stem>.<extension>`: the extension is the true one, given by the caller."""
    return f"{safe_stem(name, default=default)}.{extension or 'bin'}"


def _ascii_fallback(filename: str) -> str:
    stem, _, ext = filename.rpartition(".")
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = slugify(ascii_stem) or "file"
    return f"{ascii_stem}.{ext}" if ext else ascii_stem


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An RFC 6266 Content-Disposition: an ASCII `filename` and, when needed, a UTF-8 `filename*`."""
    kind = "inline" if inline else "attachment"
    fallback = _ascii_fallback(filename)
    if fallback == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def harden(response, *, filename: str, content_type: str, private: bool = True):
    """Set the headers every user-upload download carries (also for responses built elsewhere)."""
    response["Content-Type"] = content_type
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=3600"
    return response


def serve_upload(fieldfile, *, name: str, default_stem: str = "file", private: bool = True) -> FileResponse:
    """Stream a stored upload (a FieldFile) as an attachment named after `name`, typed by its content.

    `name` is where the stem comes from (usually the uploader's original name); the extension and
    the content type come only from the bytes.
    """
    fileobj = fieldfile.storage.open(fieldfile.name, "rb")
    found = sniff.sniff(fileobj)
    content_type = found.mime if found else OCTET_STREAM
    filename = safe_filename(name, found.extension if found else "bin", default=default_stem)
    response = FileResponse(fileobj, content_type=content_type)
    return harden(response, filename=filename, content_type=content_type, private=private)
