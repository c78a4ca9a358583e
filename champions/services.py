"""Writes of champions: portraits, publishing, invitations and reviewed statement changes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from champions.models import Champion, ChampionVideo, Invitation, Revision
from heforshe.lib import invitations, mediajobs, sniff
from heforshe.lib import media as media_lib
from heforshe.lib.audit import log_action
from heforshe.lib.mail import send_templated
from heforshe.lib.media import MediaFailure, MediaStatus
from heforshe.lib.storage import copy_to_public, public_storage
from heforshe.lib.tasks import dispatch_on_commit

logger = logging.getLogger(__name__)

INVITATION_MAX_AGE = dt.timedelta(days=14)
INVITATION_FLOW = invitations.InvitationFlow(
    model=Invitation,
    salt="champions.invitation",
    url_name="champions:invitation",
    max_age=lambda: INVITATION_MAX_AGE,
    select_related=("champion",),
)
PORTRAIT_MAX_BYTES = 10 * 1024 * 1024
PORTRAIT_SIDE = 800
# Markup of any kind: a statement is plain text, shown escaped, and refused when it tries to be HTML.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript:|on[a-z]+\s*=", re.IGNORECASE)
VIDEO_HOSTS = {"youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com"}


def clean_statement(text: str) -> str:
    text = (text or "").strip()
    if MARKUP.search(text):
        raise ValidationError({"statement": _("Write the statement as plain text: HTML and scripts are not allowed.")})
    if len(text) > 2000:
        raise ValidationError({"statement": _("Keep the statement under 2,000 characters.")})
    return text


def clean_video_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme != "https" or (parts.hostname or "").lower() not in VIDEO_HOSTS:
        raise ValidationError({"video_url": _("Give an https link to YouTube or Vimeo.")})
    return url


def portrait_from_upload(upload) -> ContentFile:
    """A JPEG re-encoded from the upload: type checked by content, fully decoded, no metadata kept."""
    from PIL import Image, ImageOps

    if upload.size > PORTRAIT_MAX_BYTES:
        raise ValidationError({"portrait": _("The portrait is larger than 10 MB.")})
    found = sniff.sniff(upload)
    if found not in (sniff.JPEG, sniff.PNG, sniff.WEBP):
        raise ValidationError({"portrait": _("Upload a JPEG, PNG or WebP photo.")})
    try:
        sniff.verify_image(upload)
        upload.seek(0)
        with Image.open(upload) as im:
            im.load()
            im = ImageOps.exif_transpose(im).convert("RGB")
    except (sniff.FileCheckError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"portrait": _("This photo cannot be read. Try another file.")}) from exc
    im = ImageOps.fit(im, (PORTRAIT_SIDE, PORTRAIT_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= or icc_profile=: the stored portrait carries no metadata at all.
    im.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name="portrait.jpg")


@transaction.atomic
def champion_save(*, champion: Champion, user, portrait=None) -> Champion:
    """Create or change a profile (staff); the statement is checked, a new portrait re-encoded."""
    champion.statement = clean_statement(champion.statement)
    champion.statements = {
        lang: clean_statement(text) for lang, text in (champion.statements or {}).items() if text and text.strip()
    }
    champion.video_url = clean_video_url(champion.video_url)
    if portrait is not None:
        champion.portrait.save("portrait.jpg", portrait_from_upload(portrait), save=False)
    created = champion.pk is None
    champion.full_clean()
    champion.save()
    log_action(champion, "champions.champion.created" if created else "champions.champion.changed", user=user)
    return champion


@transaction.atomic
def champion_set_published(*, champion_id: int, published: bool, user) -> bool:
    changed = Champion.objects.filter(pk=champion_id).exclude(is_published=published).update(is_published=published)
    if changed:
        champion = Champion.objects.get(pk=champion_id)
        log_action(
            champion, "champions.champion.published" if published else "champions.champion.unpublished", user=user
        )
    return bool(changed)


# --- Invitations: the one signed, one-time link of heforshe.lib.invitations -------------

invitation_token = INVITATION_FLOW.token
invitation_url = INVITATION_FLOW.url


@transaction.atomic
def invitation_create(*, champion: Champion, email: str, language: str, invited_by) -> Invitation:
    invitation = Invitation(champion=champion, email=email.strip().lower(), language=language, invited_by=invited_by)
    invitation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError({"email": invitations.PENDING}) from exc
    log_action(champion, "champions.invitation.sent", user=invited_by, data={"invitation": invitation.pk})
    from champions.tasks import send_invitation_task

    dispatch_on_commit(send_invitation_task, invitation_id=invitation.pk)
    return invitation


def invitation_send(*, invitation_id: int) -> bool:
    invitation = Invitation.objects.select_related("champion").filter(pk=invitation_id, accepted_at=None).first()
    if invitation is None:
        return False
    send_templated(
        to=[invitation.email],
        template="champions/emails/invitation",
        language=invitation.language,
        context={"invitation": invitation, "champion": invitation.champion, "url": invitation_url(invitation)},
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def invitation_from_token(token: str) -> invitations.Lookup:
    return INVITATION_FLOW.lookup(token)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Champion:
    """Give `user` the right to propose changes to the profile. The link works once."""
    INVITATION_FLOW.claim(invitation, user)
    Champion.objects.filter(pk=invitation.champion_id).update(user=user)
    log_action(invitation.champion, "champions.invitation.accepted", user=user)
    return invitation.champion


@transaction.atomic
def invitation_accept_new_user(*, invitation: Invitation, password: str):
    user = invitations.create_account(email=invitation.email, password=password)
    invitation_accept(invitation=invitation, user=user)
    return user


# --- Revisions: proposed by the champion, live once approved ----------------------------


@transaction.atomic
def revision_submit(*, champion: Champion, user, language: str, statement: str, video_url: str = "") -> Revision:
    """Propose a statement (and video link) in one language; replaces the open proposal for it."""
    if champion.user_id != user.pk:
        raise ValidationError(_("Only the champion may propose changes to this profile."))
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    statement = clean_statement(statement)
    if not statement:
        raise ValidationError({"statement": _("Write the statement.")})
    video_url = clean_video_url(video_url)
    revision = (
        Revision.objects.select_for_update()
        .filter(champion=champion, language=language, status=Revision.Status.PENDING)
        .first()
    )
    if revision is None:
        revision = Revision(champion=champion, language=language, submitted_by=user)
    revision.statement, revision.video_url = statement, video_url
    revision.save()
    log_action(champion, "champions.revision.submitted", user=user, data={"revision": revision.pk})
    return revision


@transaction.atomic
def revision_review(*, revision_id: int, approve: bool, user, note: str = "") -> Revision:
    """Approve (the text goes live) or reject a pending revision; the champion's text is untouched on rejection."""
    revision = (
        Revision.objects.select_for_update()
        .select_related("champion")
        .filter(pk=revision_id, status=Revision.Status.PENDING)
        .first()
    )
    if revision is None:
        raise ValidationError(_("This change was already reviewed."))
    champion = Champion.objects.select_for_update().get(pk=revision.champion_id)
    if approve:
        fields = []
        if revision.language == "en":
            champion.statement = revision.statement
            fields.append("statement")
        else:
            champion.statements = {**(champion.statements or {}), revision.language: revision.statement}
            fields.append("statements")
        if revision.video_url:
            champion.video_url = revision.video_url
            fields.append("video_url")
        champion.save(update_fields=[*fields, "updated_at"])
    revision.status = Revision.Status.APPROVED if approve else Revision.Status.REJECTED
    revision.reviewed_by, revision.reviewed_at, revision.review_note = user, timezone.now(), note[:500]
    revision.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    log_action(
        champion,
        "champions.revision.approved" if approve else "champions.revision.rejected",
        user=user,
        data={"revision": revision.pk, "language": revision.language},
    )
    return revision


# --- Privacy ----------------------------------------------------------------------------


def privacy_export(email: str):
    rows = Invitation.objects.filter(email__iexact=email).select_related("champion")
    return [{"champion": i.champion.name, "invited_at": i.created_at.isoformat()} for i in rows] or None


def privacy_erase(email: str) -> None:
    Invitation.objects.filter(email__iexact=email).delete()


# --- Video: the site's media pipeline (heforshe.lib.media), reviewed before it goes live --------


def video_max_bytes() -> int:
    return settings.CHAMPIONS_VIDEO_MAX_BYTES


def _check_video(fileobj, *, size: int) -> sniff.Sniffed:
    fileobj.seek(0)
    found = sniff.sniff_head(fileobj.read(sniff.HEAD_BYTES))
    fileobj.seek(0)
    if found is None or found.kind != sniff.VIDEO:
        raise ValidationError({"video": _("Upload a video: MP4, MOV or WebM.")})
    if size > video_max_bytes():
        raise ValidationError(
            {"video": _("This video is too large: at most %(mb)d MB.") % {"mb": video_max_bytes() // (1024 * 1024)}}
        )
    return found


def video_add(*, champion: Champion, user, fileobj, name: str, size: int) -> ChampionVideo:
    """Store an uploaded video and queue its processing on commit.

    Partnerships staff's upload is approved at once; the champion's own waits
    for review. The storage write happens before the short transaction that
    records the row, so a slow upload never holds a transaction open.
    """
    staff = bool(user and user.has_perm("champions.change_champion"))
    if not staff and (user is None or champion.user_id != user.pk):
        raise ValidationError(_("Only the champion may propose changes to this profile."))
    found = _check_video(fileobj, size=size)
    video = ChampionVideo(
        champion=champion,
        extension=found.extension,
        original_name="".join(ch for ch in name if ch.isprintable())[:255],
        size=size,
        submitted_by=user,
        approved_at=timezone.now() if staff else None,
        approved_by=user if staff else None,
    )
    video.original.save("upload", File(fileobj), save=False)
    with transaction.atomic():
        video.save()
        log_action(champion, "champions.video.added", user=user, data={"video": video.pk, "approved": staff})
        from champions.tasks import process_video_task

        dispatch_on_commit(process_video_task, video_id=video.pk, background=True)
    return video


def video_process(*, video_id: int) -> str:
    """Make the renditions and poster that are missing, outside any transaction; then publish if approved."""
    video = ChampionVideo.objects.filter(pk=video_id).first()
    if video is None:
        logger.info("champion video %s is gone; nothing to do", video_id)
        return "missing"
    if video.status in (MediaStatus.READY, MediaStatus.FAILED):
        return video.status
    if not mediajobs.claim(ChampionVideo, video_id):
        return "claimed-elsewhere"
    existing = {r["label"] for r in video.renditions}
    with tempfile.TemporaryDirectory(prefix="hfs-champion-video-") as tmp:
        work = Path(tmp)
        src = work / f"original.{video.extension or 'bin'}"
        try:
            with default_storage.open(video.original.name, "rb") as fh, src.open("wb") as out:
                shutil.copyfileobj(fh, out, 1024 * 1024)
        except FileNotFoundError:
            mediajobs.fail(ChampionVideo, video_id, code=MediaFailure.MISSING)
            return MediaStatus.FAILED
        try:
            info = media_lib.probe(src)
            outputs = media_lib.make_video_renditions(src, work, info, skip=existing)
            renditions = list(video.renditions)
            for out in outputs:
                with out.path.open("rb") as fh:
                    stored = default_storage.save(f"{video.storage_folder()}/{out.label}", File(fh))
                renditions.append({"label": out.label, "name": stored, "width": out.width, "height": out.height})
            poster = video.poster
            if not poster:
                frame = work / "poster.jpg"
                media_lib.poster_frame(src, frame, info)
                with frame.open("rb") as fh:
                    poster = default_storage.save(f"{video.storage_folder()}/poster.jpg", File(fh))
        except media_lib.MediaError as exc:
            logger.warning("champion video %s failed: %s", video_id, exc)
            mediajobs.fail(ChampionVideo, video_id, code=exc.code, detail=exc.detail)
            return MediaStatus.FAILED
    width, height = info.display_size
    renditions.sort(key=lambda r: -r["height"])
    updated = ChampionVideo.objects.filter(pk=video_id).update(
        renditions=renditions, poster=poster, width=width, height=height, duration=info.duration
    )
    if not updated:  # rejected or deleted while the worker was busy: what it made belongs to nobody
        for name in [r["name"] for r in renditions] + ([poster] if poster else []):
            default_storage.delete(name)
        return "missing"
    mediajobs.finish(ChampionVideo, video_id)
    if video.approved_at:
        video_publish(video_id=video_id)
    return MediaStatus.READY


@transaction.atomic
def video_review(*, video_id: int, approve: bool, user) -> ChampionVideo:
    """Approve (it goes live once processed) or reject a video the champion uploaded."""
    video = ChampionVideo.objects.select_for_update().select_related("champion").filter(pk=video_id).first()
    if video is None or video.approved_at:
        raise ValidationError(_("This change was already reviewed."))
    if approve:
        video.approved_at, video.approved_by = timezone.now(), user
        video.save(update_fields=["approved_at", "approved_by"])
        if video.status == MediaStatus.READY:
            from champions.tasks import publish_video_task

            dispatch_on_commit(publish_video_task, video_id=video.pk)
    log_action(
        video.champion,
        "champions.video.approved" if approve else "champions.video.rejected",
        user=user,
        data={"video": video.pk},
    )
    if not approve:
        video.delete()  # its files go with it (champions.signals)
    return video


def video_publish(*, video_id: int) -> bool:
    """Copy an approved, ready video to the public storage and show it on the page (replacing the previous one).

    Idempotent; storage copies happen outside any transaction.
    """
    video = (
        ChampionVideo.objects.filter(pk=video_id, status=MediaStatus.READY, approved_at__isnull=False)
        .select_related("champion")
        .first()
    )
    if video is None:
        return False
    names = [r["name"] for r in video.renditions] + ([video.poster] if video.poster else [])
    if any(copy_to_public(name) is None for name in names):
        logger.warning("champion video %s: a file is missing from storage; not made public", video_id)
        return False
    with transaction.atomic():
        champion = Champion.objects.select_for_update().get(pk=video.champion_id)
        previous = champion.video_id
        ChampionVideo.objects.filter(pk=video.pk).update(is_public=True)
        Champion.objects.filter(pk=champion.pk).update(video=video, updated_at=timezone.now())
        log_action(champion, "champions.video.published", user=None, data={"video": video.pk})
    if previous and previous != video.pk:
        video_unpublish(video_id=previous)
    return True


def video_unpublish(*, video_id: int) -> None:
    """Delete a video's public copies: their URLs stop working."""
    video = ChampionVideo.objects.filter(pk=video_id).first()
    if video is None:
        return
    ChampionVideo.objects.filter(pk=video_id).update(is_public=False)
    Champion.objects.filter(video_id=video_id).update(video=None)
    storage = public_storage()
    for name in [r["name"] for r in video.renditions] + ([video.poster] if video.poster else []):
        storage.delete(name)


def video_requeue_unfinished() -> int:
    """Sweeper: send the processing task again for videos whose task was lost."""
    from champions.tasks import process_video_task
    from heforshe.lib.tasks import send_task_now

    ids = mediajobs.unfinished(ChampionVideo)
    for video_id in ids:
        send_task_now(process_video_task, video_id=video_id)
    return len(ids)
