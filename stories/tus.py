"""Server side of the tus 1.0.0 resumable upload protocol (core + creation + expiration + termination).

https://tus.io/protocols/resumable-upload. The browser (tus-js-client,
vendored) creates an upload with POST, sends PATCH chunks at the offset the
server reports, and after a dropped connection asks HEAD for the offset and
continues from there. Each PATCH body is received into a file of its own and
appended to the upload's temporary file in TUS_UPLOAD_DIR (a directory every
web process shares) only under the upload row's lock (`services.upload_append`);
when the last byte arrives the file is sniffed and handed to `media_add`, which
puts it in storage and queues processing.

Discovery (OPTIONS) is open to anyone, as the protocol says. Everything else
needs the partner user's session; PATCH, POST and DELETE go through Django's
CSRF check (the client sends the X-CSRFToken header). Every answer, refusals
included, carries `Tus-Resumable`, and `X-HTTP-Method-Override` is honoured for
clients behind proxies that only pass GET and POST.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from heforshe.lib.media import VIDEO_MAX_BYTES
from heforshe.middleware import body_limit
from stories import selectors, services
from stories.models import UploadSession

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,expiration,termination"
READ_BLOCK = 256 * 1024
# An upload nobody continued for this long is removed (see uploads_expire).
UPLOAD_EXPIRES_AFTER = timedelta(days=1)
# A StoryError's code decides the status of the refusal; anything else is not media (415).
# A full story is 403, not 429: waiting does not help (a file must be removed), and 429 tells
# clients to retry later.
_STATUS_BY_CODE = {"limit": 403, "too_large": 413}


def upload_dir() -> Path:
    # Shared by every web process (a volume in each web container): the next chunk may reach another one.
    path = Path(settings.TUS_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def part_path(session: UploadSession) -> Path:
    return upload_dir() / f"{session.pk}.part"


def _response(status: int, text: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _options() -> HttpResponse:
    return _response(204, Tus_Version=TUS_VERSION, Tus_Extension=TUS_EXTENSIONS, Tus_Max_Size=str(VIDEO_MAX_BYTES))


def _expires(session: UploadSession) -> str:
    return http_date((session.updated_at + UPLOAD_EXPIRES_AFTER).timestamp())


def _is_expired(session: UploadSession) -> bool:
    return session.updated_at < timezone.now() - UPLOAD_EXPIRES_AFTER


def _refusal(exc: services.StoryError, default: int = 415) -> HttpResponse:
    codes = {getattr(error, "code", None) for error in exc.error_list}
    status = next((_STATUS_BY_CODE[code] for code in codes if code in _STATUS_BY_CODE), default)
    return _response(status, " ".join(exc.messages))


def tus_endpoint(*methods: str) -> Callable:
    """Protocol checks shared by the endpoints, in the order the protocol needs them.

    The view is exempt from the CSRF middleware and checked by `csrf_protect`
    inside, so that a refused token still answers with `Tus-Resumable`.
    """

    def decorator(view: Callable) -> Callable:
        protected = csrf_protect(view)

        # A chunk may be the whole video: the site-wide body limit is not for this endpoint.
        @body_limit(VIDEO_MAX_BYTES + 1024 * 1024)
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            override = request.headers.get("X-HTTP-Method-Override", "").strip().upper()
            if override and request.method == "POST":
                # tus 1.0: "The request MUST be interpreted as if the value of this header was the request method."
                request.method = override
            if request.method == "OPTIONS":
                return _options()
            if request.method not in methods:
                return _response(405, Allow=", ".join(("OPTIONS", *methods)))
            if not request.user.is_authenticated:
                # Not a redirect to the sign-in page: an upload client cannot follow one.
                return _response(403, _("Sign in to upload files."))
            if request.headers.get("Tus-Resumable") != TUS_VERSION:
                return _response(412, Tus_Version=TUS_VERSION)
            response = protected(request, *args, **kwargs)
            response["Tus-Resumable"] = TUS_VERSION
            response.setdefault("Cache-Control", "no-store")
            return response

        return wrapped

    return decorator


def _parse_metadata(raw: str) -> dict[str, str]:
    meta = {}
    for pair in raw.split(","):
        key, _sep, value = pair.strip().partition(" ")
        if not key:
            continue
        try:
            meta[key] = base64.b64decode(value).decode("utf-8", "replace") if value else ""
        except ValueError:
            meta[key] = ""
    return meta


def _editable_story(request: HttpRequest, pk: int):
    story = selectors.story_for_partner_user(user=request.user, pk=pk)
    if story is None:
        return None, _response(404, _("Story not found."))
    if not story.is_partner_editable:
        return None, _response(403, _("This story can no longer be edited."))
    return story, None


def _header_int(request: HttpRequest, name: str) -> int | None:
    """A non-negative integer header, or None when missing or malformed."""
    raw = request.headers.get(name, "").strip()
    if (
        not (raw.isascii() and raw.isdigit()) or len(raw) > 19
    ):  # 19 digits: beyond any file we accept, and int() stays cheap
        return None
    return int(raw)


@tus_endpoint("POST")
def create(request: HttpRequest, pk: int) -> HttpResponse:
    story, error = _editable_story(request, pk)
    if error:
        return error
    length = _header_int(request, "Upload-Length")
    if length is None:
        return _response(400, _("Upload-Length is required."))
    if length == 0:
        return _response(400, _("The file is empty."))
    if length > VIDEO_MAX_BYTES:
        return _response(413, _("This video is too large: videos may be up to 2 GB."))
    meta = _parse_metadata(request.headers.get("Upload-Metadata", ""))
    try:
        session = services.upload_open(story=story, user=request.user, length=length, filename=meta.get("filename", ""))
    except services.StoryError as exc:
        return _refusal(exc, default=403)
    part_path(session).touch()
    location = reverse("stories:tus_upload", args=[story.pk, session.pk])
    return _response(
        201, Location=request.build_absolute_uri(location), Upload_Offset="0", Upload_Expires=_expires(session)
    )


@tus_endpoint("HEAD", "PATCH", "DELETE")
def upload(request: HttpRequest, pk: int, upload_id) -> HttpResponse:
    story, error = _editable_story(request, pk)
    if error:
        return error
    session = UploadSession.objects.filter(pk=upload_id, story=story, user=request.user).first()
    if session is None:
        return _response(404, _("Upload not found."))
    if request.method == "DELETE":
        services.upload_terminate(session_id=session.pk, part=part_path(session))
        return _response(204)
    if _is_expired(session) and not session.media_id:
        # The sweeper removes it soon; until then it cannot be continued either.
        return _response(410, _("This upload has expired. Please start it again."))
    if request.method == "HEAD":
        return _response(
            200, Upload_Offset=str(session.offset), Upload_Length=str(session.length), Upload_Expires=_expires(session)
        )
    return _patch(request, story, session)


def _receive(request: HttpRequest, path: Path, limit: int) -> int | None:
    """Write the request body to `path`; its size, or None as soon as it passes `limit`."""
    written = 0
    with path.open("wb") as fh:
        # A dropped connection ends this loop early; what arrived is kept and
        # counted, so the client's HEAD returns how far it got.
        while True:
            try:
                block = request.read(READ_BLOCK)
            except OSError:
                break
            if not block:
                break
            if written + len(block) > limit:
                return None
            fh.write(block)
            written += len(block)
    return written


def _conflict(session: UploadSession) -> HttpResponse:
    current = UploadSession.objects.filter(pk=session.pk).values_list("offset", flat=True).first()
    if current is None:
        return _response(404, _("Upload not found."))
    return _response(409, _("The offset does not match; ask the server for it again."), Upload_Offset=str(current))


def _patch(request: HttpRequest, story, session: UploadSession) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _response(415, _("Chunks must be sent as application/offset+octet-stream."))
    offset = _header_int(request, "Upload-Offset")
    if offset is None:
        return _response(400, _("Upload-Offset is required."))
    declared = _header_int(request, "Content-Length") or 0
    if session.media_id or offset != session.offset:
        return _conflict(session)
    if offset + declared > session.length:
        return _response(413, _("The chunk goes past the declared length of the upload."))
    chunk = upload_dir() / f"{session.pk}.{secrets.token_hex(8)}.chunk"
    try:
        received = _receive(request, chunk, limit=session.length - offset)
        if received is None:
            return _response(413, _("The chunk goes past the declared length of the upload."))
        new_offset = services.upload_append(session_id=session.pk, offset=offset, chunk=chunk, part=part_path(session))
    finally:
        chunk.unlink(missing_ok=True)
    if new_offset is None:
        return _conflict(session)
    session.refresh_from_db(fields=["updated_at"])
    # Only the request whose bytes completed the upload finishes it: an empty
    # PATCH at the final offset must not store the file a second time.
    if new_offset < session.length or received == 0:
        return _response(204, Upload_Offset=str(new_offset), Upload_Expires=_expires(session))
    return _finish(request, story, session, part_path(session), new_offset)


def _finish(request: HttpRequest, story, session: UploadSession, path: Path, offset: int) -> HttpResponse:
    try:
        with path.open("rb") as fh:
            media = services.media_add(
                story=story, user=request.user, fileobj=fh, name=session.filename or "upload", size=offset
            )
    except services.StoryError as exc:
        services.upload_terminate(session_id=session.pk, part=path)
        return _refusal(exc)
    except Exception:
        # Storage down, say: forget the upload so that the client's retry is told it
        # is gone (404) instead of finding every byte acknowledged and no file kept.
        services.upload_terminate(session_id=session.pk, part=path)
        raise
    UploadSession.objects.filter(pk=session.pk).update(media=media, updated_at=timezone.now())
    path.unlink(missing_ok=True)
    return _response(204, Upload_Offset=str(offset), Stories_Media_Id=str(media.pk))


def uploads_expire(*, older_than: timedelta = UPLOAD_EXPIRES_AFTER) -> int:
    """Remove resumable uploads nobody continued for a day (and finished ones' bookkeeping)."""
    cutoff = timezone.now() - older_than
    stale = list(UploadSession.objects.filter(updated_at__lt=cutoff))
    for session in stale:
        part_path(session).unlink(missing_ok=True)
    UploadSession.objects.filter(pk__in=[s.pk for s in stale]).delete()
    # Chunks of requests that died mid-way (a killed worker never reaches its `finally`).
    for chunk in upload_dir().glob("*.chunk"):
        try:
            if chunk.stat().st_mtime < cutoff.timestamp():
                chunk.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
    return len(stale)
