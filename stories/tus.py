"""Server side of the tus 1.0.0 resumable upload protocol (core + creation + termination).

https://tus.io/protocols/resumable-upload. The browser (tus-js-client,
vendored) creates an upload with POST, sends PATCH chunks at the offset the
server reports, and after a dropped connection asks HEAD for the offset and
continues from there. Chunks are appended to a temporary file in TUS_UPLOAD_DIR;
when the last byte arrives the file is sniffed and handed to `media_add`,
which puts it in storage and queues processing. Authentication is the
partner user's session; PATCH, POST and DELETE go through Django's CSRF check
(the client sends the X-CSRFToken header).
"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stories import selectors, services
from stories.media import VIDEO_MAX_BYTES
from stories.models import UploadSession

logger = logging.getLogger(__name__)

TUS_VERSION = "1.0.0"
MAX_OPEN_UPLOADS_PER_STORY = 10
READ_BLOCK = 256 * 1024


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
    return _response(
        204, Tus_Version=TUS_VERSION, Tus_Extension="creation,termination", Tus_Max_Size=str(VIDEO_MAX_BYTES)
    )


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


@login_required
@require_http_methods(["OPTIONS", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options()
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _response(412, Tus_Version=TUS_VERSION)
    story, error = _editable_story(request, pk)
    if error:
        return error
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return _response(400, _("Upload-Length is required."))
    if length <= 0:
        return _response(400, _("The file is empty."))
    if length > VIDEO_MAX_BYTES:
        return _response(413, _("This video is too large: videos may be up to 2 GB."))
    if UploadSession.objects.filter(story=story, media__isnull=True).count() >= MAX_OPEN_UPLOADS_PER_STORY:
        return _response(429, _("Too many unfinished uploads for this story."))
    meta = _parse_metadata(request.headers.get("Upload-Metadata", ""))
    session = UploadSession.objects.create(
        story=story, user=request.user, length=length, filename=meta.get("filename", "")[:255]
    )
    part_path(session).touch()
    location = reverse("stories:tus_upload", args=[story.pk, session.pk])
    return _response(201, Location=request.build_absolute_uri(location), Upload_Offset="0")


@login_required
@require_http_methods(["OPTIONS", "HEAD", "PATCH", "DELETE"])
def upload(request: HttpRequest, pk: int, upload_id) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options()
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _response(412, Tus_Version=TUS_VERSION)
    story, error = _editable_story(request, pk)
    if error:
        return error
    session = UploadSession.objects.filter(pk=upload_id, story=story, user=request.user).first()
    if session is None:
        return _response(404, _("Upload not found."))
    if request.method == "HEAD":
        return _response(200, Upload_Offset=str(session.offset), Upload_Length=str(session.length))
    if request.method == "DELETE":
        part_path(session).unlink(missing_ok=True)
        session.delete()
        return _response(204)
    return _patch(request, story, session)


def _patch(request: HttpRequest, story, session: UploadSession) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _response(415, _("Chunks must be sent as application/offset+octet-stream."))
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return _response(400, _("Upload-Offset is required."))
    if session.media_id or offset != session.offset:
        return _response(
            409, _("The offset does not match; ask the server for it again."), Upload_Offset=str(session.offset)
        )
    if offset + declared > session.length:
        return _response(413, _("The chunk goes past the declared length of the upload."))
    path = part_path(session)
    written = 0
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.truncate()
        # A dropped connection ends this loop early; what arrived is kept and
        # counted, so the client's HEAD returns how far it got.
        while True:
            try:
                block = request.read(READ_BLOCK)
            except OSError:
                break
            if not block:
                break
            if offset + written + len(block) > session.length:
                fh.truncate(offset + written)
                return _response(413, _("The chunk goes past the declared length of the upload."))
            fh.write(block)
            written += len(block)
    new_offset = offset + written
    # Conditional UPDATE: two racing PATCHes at the same offset cannot both count.
    if not UploadSession.objects.filter(pk=session.pk, offset=offset).update(offset=F("offset") + written):
        return _response(409, _("The offset does not match; ask the server for it again."))
    if new_offset < session.length:
        return _response(204, Upload_Offset=str(new_offset))
    return _finish(request, story, session, path, new_offset)


def _finish(request: HttpRequest, story, session: UploadSession, path: Path, offset: int) -> HttpResponse:
    try:
        with path.open("rb") as fh:
            media = services.media_add(
                story=story, user=request.user, fileobj=fh, name=session.filename or "upload", size=offset
            )
    except services.StoryError as exc:
        path.unlink(missing_ok=True)
        session.delete()
        return _response(415, " ".join(exc.messages))
    with transaction.atomic():
        UploadSession.objects.filter(pk=session.pk).update(media=media)
    path.unlink(missing_ok=True)
    return _response(204, Upload_Offset=str(offset), Stories_Media_Id=str(media.pk))


def uploads_expire(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Remove resumable uploads nobody continued for a day (and finished ones' bookkeeping)."""
    cutoff = timezone.now() - older_than
    stale = list(UploadSession.objects.filter(updated_at__lt=cutoff))
    for session in stale:
        part_path(session).unlink(missing_ok=True)
    UploadSession.objects.filter(pk__in=[s.pk for s in stale]).delete()
    return len(stale)
