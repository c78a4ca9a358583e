"""Serving a kit file: conditional requests, single byte ranges, X-Accel-Redirect or a storage URL.

Django's FileResponse always sends the whole file. Download managers and
mobile browsers resume interrupted downloads with `Range: bytes=...`, and
caches revalidate with `If-None-Match`/`If-Modified-Since`, so a request is
first *evaluated* (`evaluate`: which status, which bytes, RFC 9110 sections
13.2.2 and 14) and then *answered* (`respond`). The view counts a download from
the evaluation alone, whichever of the three ways the bytes then leave.

Several ranges in one request (multipart/byteranges) are rare for downloads;
for them we send the whole file with 200, which RFC 9110 allows (a server may
ignore Range). HEAD is answered as a GET without Range would be, without a body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from actionkits.models import KitTranslation
from actionkits.validators import CONTENT_TYPES
from heforshe.lib.downloads import harden
from heforshe.lib.storage import accel_redirect_uri, has_local_path, signed_url

CHUNK = 64 * 1024
# Byte positions are at most 15 digits (a petabyte). A longer number is still
# valid syntax, and simply larger than any kit file: it is read as "past the
# end" without ever being converted, since int() refuses more than 4300 digits
# and would be slow long before that.
MAX_DIGITS = 15
PAST_ANY_END = 10**MAX_DIGITS
# One range-spec (RFC 9110 section 14.1.1): ASCII digits only (\d also matches other scripts' digits).
RANGE_SPEC = re.compile(r"(?:([0-9]+)-([0-9]*))|(?:-([0-9]+))")


class Unsatisfiable(Exception):
    pass


def _position(digits: str) -> int:
    return PAST_ANY_END if len(digits) > MAX_DIGITS else int(digits)


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, inclusive, for one range; None to send everything.

    None when the header is not valid syntax, names another unit or asks for
    several ranges (all of which the server may ignore). Raises Unsatisfiable
    for one valid range that lies wholly past the end of the file.
    """
    unit, equals, range_set = header.strip(" \t").partition("=")
    if not equals or unit.lower() != "bytes":
        return None
    # A list may hold empty elements, with optional whitespace around the commas.
    specs = [spec.strip(" \t") for spec in range_set.split(",")]
    specs = [spec for spec in specs if spec]
    if len(specs) != 1:
        return None
    match = RANGE_SPEC.fullmatch(specs[0])
    if not match:
        return None
    first_s, last_s, suffix_s = match.groups()
    if suffix_s is not None:
        suffix = _position(suffix_s)
        if suffix == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    first = _position(first_s)
    last = _position(last_s) if last_s else None
    if last is not None and last < first:
        return None  # not valid syntax (RFC 9110 section 14.1.1): ignore the header
    if first >= size:
        raise Unsatisfiable
    return first, size - 1 if last is None else min(last, size - 1)


def etag_for(translation: KitTranslation) -> str:
    """A strong validator: every new file, text or restore makes a new version, so new bytes never share it."""
    return f'"kit-{translation.pk}-v{translation.version}-{translation.file_size}"'


def last_modified_for(translation: KitTranslation) -> int:
    """Seconds since the epoch; a translation row is only saved when it becomes a new version."""
    return int(translation.updated_at.timestamp())


@dataclass(frozen=True)
class Delivery:
    """What a request for the file gets: the status and, for 206, the bytes."""

    status: int  # 200, 206, 304, 412 or 416
    byte_range: tuple[int, int] | None = None
    head: bool = False

    @property
    def starts_a_download(self) -> bool:
        """True when file bytes from byte 0 are sent: a full GET or a range starting at 0."""
        if self.head:
            return False
        return self.status == 200 or (self.status == 206 and self.byte_range is not None and self.byte_range[0] == 0)


def _if_range_passes(if_range: str, *, etag: str, last_modified: int) -> bool:
    """RFC 9110 section 13.1.5: a strong match of the entity tag, or exactly the Last-Modified date."""
    if_range = if_range.strip(" \t")
    if if_range.startswith(("W/", '"')):
        return if_range == etag  # a weak tag never matches; ours is strong
    return parse_http_date_safe(if_range) == last_modified


def evaluate(request, translation: KitTranslation) -> Delivery:
    """The answer to this GET or HEAD: preconditions first, then Range (RFC 9110 section 13.2.2)."""
    etag = etag_for(translation)
    last_modified = last_modified_for(translation)
    # If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, in the RFC's order.
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified)
    head = request.method == "HEAD"
    if conditional is not None:
        return Delivery(status=conditional.status_code, head=head)
    range_header = request.headers.get("Range")
    if head or not range_header:
        return Delivery(status=200, head=head)  # Range means nothing for HEAD (RFC 9110 section 14.2)
    if_range = request.headers.get("If-Range")
    if if_range is not None and not _if_range_passes(if_range, etag=etag, last_modified=last_modified):
        return Delivery(status=200)  # the client's partial copy is of another version: send it all
    try:
        byte_range = parse_range(range_header, translation.file_size)
    except Unsatisfiable:
        return Delivery(status=416)
    if byte_range is None:
        return Delivery(status=200)
    return Delivery(status=206, byte_range=byte_range)


def download_filename(translation: KitTranslation) -> str:
    return f"heforshe-{translation.kit.slug}-{translation.language}-v{translation.version}.{translation.file_format}"


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


def _validators(response: HttpResponse, translation: KitTranslation) -> HttpResponse:
    response["ETag"] = etag_for(translation)
    response["Last-Modified"] = http_date(last_modified_for(translation))
    # Kept by the client only, and revalidated every time (a restricted kit must not be
    # served from a cache to someone else): what makes If-None-Match worth sending.
    response["Cache-Control"] = "private, no-cache"
    return response


def _as_upload(response: HttpResponse, translation: KitTranslation) -> HttpResponse:
    """The headers of every user-upload download (heforshe.lib.downloads), named for the kit."""
    content_type = CONTENT_TYPES.get(translation.file_format, "application/octet-stream")
    return harden(response, filename=download_filename(translation), content_type=content_type)


def respond(request, translation: KitTranslation, delivery: Delivery) -> HttpResponse:
    """The response that delivers `translation.file` (or says why not) as `delivery` decided."""
    size = translation.file_size
    if delivery.status == 304:
        return _validators(HttpResponseNotModified(), translation)
    if delivery.status == 412:
        return HttpResponse(status=412)
    if delivery.status == 416:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response

    if delivery.head:
        # The headers a GET would get, without touching the file.
        response = _as_upload(HttpResponse(), translation)
        response["Content-Length"] = str(size)
        response["Accept-Ranges"] = "bytes"
        return _validators(response, translation)

    storage, name = translation.file.storage, translation.file.name
    accel = accel_redirect_uri(storage, name, prefix=settings.ACTIONKITS_X_ACCEL_REDIRECT_PREFIX)
    if accel:
        # The reverse proxy serves the file from an `internal` location (from
        # disk, or fetched from the bucket), ranges included.
        response = _as_upload(HttpResponse(), translation)
        response["X-Accel-Redirect"] = accel
        return response

    if not has_local_path(storage, name):
        # Object storage without a proxy: the bucket serves the bytes (and ranges)
        # itself through a short-lived signed URL; we only count and redirect.
        response = HttpResponseRedirect(signed_url(storage, name))
        response["Cache-Control"] = "private, no-store"
        return response

    fileobj = translation.file.storage.open(translation.file.name, "rb")
    if delivery.byte_range is None:
        response = FileResponse(fileobj)
    else:
        first, last = delivery.byte_range
        length = last - first + 1
        response = StreamingHttpResponse(_file_iterator(fileobj, first, length), status=206)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    return _validators(_as_upload(response, translation), translation)
