"""Serving a kit file: single byte ranges, X-Accel-Redirect, or a storage URL.

Django's FileResponse always sends the whole file. Download managers and
mobile browsers resume interrupted downloads with `Range: bytes=...`, so the
direct path answers one range with 206 and an unsatisfiable one with 416.
Several ranges in one request (multipart/byteranges) are rare for downloads;
for them we send the whole file with 200, which RFC 9110 allows.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, StreamingHttpResponse

from actionkits.models import KitTranslation
from actionkits.validators import CONTENT_TYPES
from heforshe.lib.storage import accel_redirect_uri, has_local_path, signed_url

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive, for one range; None to send everything.

    Raises Unsatisfiable when the range lies wholly past the end of the file.
    """
    match = RANGE_RE.match(header.replace(" ", ""))
    if not match:
        return None  # no range, several ranges, or another unit: ignore it
    first_s, last_s = match.groups()
    if not first_s and not last_s:
        return None
    if not first_s:
        suffix = int(last_s)
        if suffix == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    first = int(first_s)
    if last_s and int(last_s) < first:
        return None  # syntactically invalid: ignore
    if first >= size:
        raise Unsatisfiable
    last = int(last_s) if last_s else size - 1
    return first, min(last, size - 1)


def etag_for(translation: KitTranslation) -> str:
    return f'"kit-{translation.pk}-v{translation.version}-{translation.file_size}"'


def download_filename(translation: KitTranslation) -> str:
    return f"heforshe-{translation.kit.slug}-{translation.language}-v{translation.version}.{translation.file_format}"


def _disposition(filename: str) -> str:
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


def _file_iterator(fileobj, start: int, length: int):
    try:
        fileobj.seek(start)
        remaining = length
        while remaining > 0:
            chunk = fileobj.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        fileobj.close()


def serve(request, translation: KitTranslation) -> HttpResponse:
    """The response that delivers `translation.file` to the client."""
    content_type = CONTENT_TYPES.get(translation.file_format, "application/octet-stream")
    filename = download_filename(translation)
    storage, name = translation.file.storage, translation.file.name

    accel = accel_redirect_uri(storage, name, prefix=settings.ACTIONKITS_X_ACCEL_REDIRECT_PREFIX)
    if accel:
        # The reverse proxy serves the file from an `internal` location (from
        # disk, or fetched from the bucket), ranges included.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel
        response["Content-Disposition"] = _disposition(filename)
        response["Cache-Control"] = "private, no-store"
        return response

    if not has_local_path(storage, name):
        # Object storage without a proxy: the bucket serves the bytes (and ranges)
        # itself through a short-lived signed URL; we only count and redirect.
        response = HttpResponseRedirect(signed_url(storage, name))
        response["Cache-Control"] = "private, no-store"
        return response

    size = translation.file.size
    etag = etag_for(translation)
    range_header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag:
        range_header = ""  # the client's partial copy is of another version: send it all
    try:
        byte_range = parse_range(range_header, size) if range_header else None
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response

    fileobj = translation.file.storage.open(translation.file.name, "rb")
    if byte_range is None:
        response = FileResponse(fileobj, content_type=content_type, as_attachment=True, filename=filename)
    else:
        first, last = byte_range
        length = last - first + 1
        response = StreamingHttpResponse(_file_iterator(fileobj, first, length), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
        response["Content-Disposition"] = _disposition(filename)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=0"
    return response


def is_first_request_of_download(request) -> bool:
    """Count a download once: not for HEAD, nor for a resumed range past byte 0."""
    if request.method == "HEAD":
        return False
    range_header = request.headers.get("Range", "").replace(" ", "")
    return not range_header or range_header.startswith("bytes=0-")
