"""Every write to stories goes through here (views, admin actions, tasks and the API call these)."""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from heforshe.lib import media as media_lib
from heforshe.lib import mediajobs, sniff
from heforshe.lib.audit import log_action
from heforshe.lib.mail import send_once, send_templated
from heforshe.lib.storage import copy_to_public, public_storage
from heforshe.lib.tasks import dispatch_on_commit
from stories import selectors
from stories.models import (
    CURATOR_STATES,
    PARTNER_EDITABLE_STATES,
    TRANSITIONS,
    Call,
    Consent,
    ConsentKind,
    MediaFailure,
    MediaFile,
    MediaKind,
    MediaStatus,
    MediaWarning,
    Rendition,
    Story,
    StoryAuditEntry,
    StoryState,
    UploadSession,
    new_media_folder,
    original_upload_to,
)

logger = logging.getLogger(__name__)

# The fields a partner fills in; kept as the submitter's original on each submission.
STORY_FIELDS = (
    "title",
    "heroes",
    "ages",
    "has_minor",
    "city",
    "country",
    "actions",
    "started_on",
    "is_ongoing",
    "ended_on",
    "quote",
    "pillar",
    "contact_details",
)
REQUIRED_FOR_SUBMISSION = ("title", "heroes", "city", "country", "actions", "started_on", "quote", "pillar")
REQUIRED_CONSENTS = (ConsentKind.PUBLISH,)
# A processing claim older than this belongs to a worker that died.
STALE_PROCESSING = mediajobs.STALE_PROCESSING


class StoryError(ValidationError):
    """A refused operation, with a translated message for the person who tried it."""


def _is_curator(user) -> bool:
    from stories.selectors import user_is_curator

    return user_is_curator(user)


def _audit(*, story: Story, actor, action: str, from_state: str = "", to_state: str = "", comment: str = "") -> None:
    StoryAuditEntry.objects.create(
        story=story, actor=actor, action=action, from_state=from_state, to_state=to_state, comment=comment
    )


def _touch(story: Story) -> None:
    # What the public sees depends on the live consents: a change to them is a
    # change to the story (the feed's Last-Modified reads updated_at).
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now())


def _new_slug(text: str) -> str:
    base = slugify(text)[:60].strip("-") or "story"
    # A random tail keeps slugs unique and never equal to "submit" or "feed".
    return f"{base}-{secrets.token_hex(3)}"


# --- drafts -----------------------------------------------------------------------


def _lock_partner(partner_id: int) -> None:
    """Serialise one organisation's quota checks (call inside a transaction)."""
    from partners.models import Partner

    Partner.objects.select_for_update().filter(pk=partner_id).values_list("pk", flat=True).first()


@transaction.atomic
def story_create_draft(*, call: Call, partner, user, language: str = "en") -> Story:
    if not call.is_open():
        raise StoryError(_("The call “%(call)s” closed on %(date)s.") % {"call": call, "date": call.deadline.date()})
    _lock_partner(partner.pk)
    limit = settings.STORIES_MAX_DRAFTS_PER_PARTNER
    if Story.objects.filter(partner=partner, state__in=PARTNER_EDITABLE_STATES).count() >= limit:
        raise StoryError(
            _(
                "Your organisation has reached the maximum number of stories in draft (%(n)s). "
                "Submit or withdraw one before starting another."
            )
            % {"n": limit},
            code="limit",
        )
    story = Story(call=call, partner=partner, created_by=user, language=language[:10], slug=_new_slug("story"))
    story.full_clean(exclude=["slug"])
    story.save()
    _audit(story=story, actor=user, action="created", to_state=StoryState.DRAFT)
    return story


@transaction.atomic
def story_update_draft(*, story: Story, user, data: dict[str, Any]) -> Story:
    """Save the partner's answers for one step. Only drafts and stories sent back for changes are editable."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    if not story.is_partner_editable:
        raise StoryError(_("This story can no longer be edited."))
    changed = []
    for name, value in data.items():
        if name not in STORY_FIELDS:
            raise ValueError(f"{name} is not a partner field")
        if getattr(story, name) != value:
            setattr(story, name, value)
            changed.append(name)
    if story.is_ongoing:
        story.ended_on = None
        changed.append("ended_on")
    if not changed:
        return story
    story.full_clean(exclude=["slug"])
    story.save(update_fields=[*set(changed), "updated_at"])
    return story


@transaction.atomic
def consents_record(*, story: Story, user, kinds: set[str]) -> None:
    """Make the live consents exactly `kinds`: grant the new ones, withdraw the others (each with who and when)."""
    current = {c.kind: c for c in story.consents.select_for_update().filter(withdrawn_at__isnull=True)}
    for kind in kinds - current.keys():
        Consent.objects.create(story=story, kind=kind, granted_by=user)
        _audit(story=story, actor=user, action="consent_granted", comment=kind)
    if kinds - current.keys():
        _touch(story)
    for kind in current.keys() - kinds:
        consent_withdraw(story=story, kind=kind, user=user)


@transaction.atomic
def consent_withdraw(*, story: Story, kind: str, user, comment: str = "") -> None:
    """Withdraw a consent. Withdrawing consent to publish takes a published story down."""
    updated = Consent.objects.filter(story=story, kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=user
    )
    if not updated:
        return
    selectors.forget_gallery()
    _touch(story)
    _audit(story=story, actor=user, action="consent_withdrawn", comment=f"{kind} {comment}".strip())
    story.refresh_from_db(fields=["state"])
    if kind == ConsentKind.PUBLISH and story.state in (StoryState.PUBLISHED, StoryState.APPROVED):
        story_transition(
            story=story,
            to_state=StoryState.WITHDRAWN,
            user=user,
            comment=_("Consent to publish was withdrawn."),
            system=True,
        )
    elif kind == ConsentKind.MEDIA and story.state == StoryState.PUBLISHED:
        _dispatch_media_rekey(story)
    if kind in (ConsentKind.QUOTE, ConsentKind.MEDIA) and story.share_image:
        # The share image shows the quote over the photo: it depended on both.
        story.share_image.delete(save=False)
        Story.objects.filter(pk=story.pk).update(share_image="")
        if story.state == StoryState.PUBLISHED:
            _dispatch_share_image(story)


def submission_problems(story: Story) -> list[str]:
    """What is still missing before the story can be submitted (translated)."""
    problems = []
    for name in REQUIRED_FOR_SUBMISSION:
        if getattr(story, name) in ("", None):
            problems.append(_("Missing: %(field)s.") % {"field": Story._meta.get_field(name).verbose_name})
    if not story.is_ongoing and not story.ended_on:
        problems.append(_("Tell us when the action ended, or mark it as ongoing."))
    live = {c.kind for c in story.consents.filter(withdrawn_at__isnull=True)}
    for kind in REQUIRED_CONSENTS:
        if kind not in live:
            problems.append(_("Consent is required: %(consent)s.") % {"consent": ConsentKind(kind).label})
    if story.has_minor and ConsentKind.GUARDIAN not in live:
        problems.append(_("Someone named is under 18: a parent's or guardian's consent is required."))
    if not story.media.exclude(status=MediaStatus.FAILED).exists():
        problems.append(_("Add at least one photo or video."))
    elif ConsentKind.MEDIA not in live:
        problems.append(_("Consent is required: %(consent)s.") % {"consent": ConsentKind.MEDIA.label})
    return problems


# --- the one state machine ---------------------------------------------------------


@transaction.atomic
def story_transition(
    *, story: Story, to_state: str, user, comment: str = "", system: bool = False, notify: bool = True
) -> Story:
    """Move a story to `to_state` if allowed, with an audit entry in the same transaction.

    Partners (members of the story's organisation) may submit and withdraw;
    every other move needs the moderate_story permission. `system=True` is
    for moves the platform makes itself (a withdrawn consent, a scheduled
    publication). `notify=False` skips the submitter's email for a step that
    a later one in the same decision supersedes (approved, then published).
    """
    story = Story.objects.select_for_update().get(pk=story.pk)
    from_state = story.state
    if to_state not in TRANSITIONS.get(from_state, ()):
        raise StoryError(
            _("A story cannot go from “%(from)s” to “%(to)s”.")
            % {"from": StoryState(from_state).label, "to": StoryState(to_state).label}
        )
    if not system:
        _check_may_transition(story=story, user=user, to_state=to_state)
    if to_state in (StoryState.REJECTED, StoryState.CHANGES_REQUESTED) and not comment.strip():
        raise StoryError(_("Please give the submitter a reason."))
    now = timezone.now()
    fields = ["state", "updated_at"]
    if to_state == StoryState.SUBMITTED:
        if problems := submission_problems(story):
            raise StoryError(problems)
        if not story.call.is_open(now):
            raise StoryError(
                _("The call “%(call)s” closed on %(date)s.") % {"call": story.call, "date": story.call.deadline.date()}
            )
        story.submitted_at = now
        story.original = {name: _jsonable(getattr(story, name)) for name in STORY_FIELDS}
        fields += ["submitted_at", "original"]
    if to_state == StoryState.PUBLISHED:
        live = story.active_consent_kinds()
        if ConsentKind.PUBLISH not in live:
            raise StoryError(_("The story cannot be published without consent to publish it."))
        story.published_at = story.published_at or now
        if story.slug.startswith("story-") and story.title:
            story.slug = _new_slug(story.title)
            fields.append("slug")
        if story.cover_id is None:
            story.cover = story.media.filter(kind=MediaKind.PHOTO, status=MediaStatus.READY).first()
            fields.append("cover")
        fields.append("published_at")
    if story.publish_at and to_state != StoryState.APPROVED:
        story.publish_at = None
        fields.append("publish_at")
    story.state = to_state
    story.save(update_fields=fields)
    _audit(story=story, actor=user, action="transition", from_state=from_state, to_state=to_state, comment=comment)
    log_action(story, f"stories.{to_state}", user=user, data={"from": from_state, "comment": comment})
    from stories import tasks

    if notify and to_state in (StoryState.APPROVED, StoryState.REJECTED, StoryState.CHANGES_REQUESTED):
        dispatch_on_commit(tasks.notify_submitter_task, story_id=story.pk, to_state=to_state, comment=comment)
    if to_state == StoryState.SUBMITTED:
        dispatch_on_commit(tasks.notify_curators_task, story_id=story.pk)
    if to_state == StoryState.PUBLISHED:
        _dispatch_media_publish(story)
        _dispatch_share_image(story)
        if notify:
            dispatch_on_commit(tasks.notify_submitter_task, story_id=story.pk, to_state=to_state, comment=comment)
    if from_state == StoryState.PUBLISHED:
        _dispatch_media_rekey(story)
    return story


def _check_may_transition(*, story: Story, user, to_state: str) -> None:
    if _is_curator(user):
        return
    if to_state in CURATOR_STATES:
        raise PermissionDenied(_("Only curators can moderate stories."))
    from partners.selectors import membership_for_user

    membership = membership_for_user(user=user)
    if membership is None or membership.partner_id != story.partner_id:
        raise PermissionDenied(_("Only your own organisation's stories can be changed."))


def _jsonable(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if value is not None and not isinstance(value, (bool, int, str)) else value


# The shortest way through TRANSITIONS to publication, from each state a curator decides in.
_TO_PUBLISHED = {
    StoryState.SUBMITTED: (StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED),
    StoryState.IN_REVIEW: (StoryState.APPROVED, StoryState.PUBLISHED),
    StoryState.APPROVED: (StoryState.PUBLISHED,),
}


class Decision:
    PUBLISH = "publish"
    SCHEDULE = "schedule"
    CHANGES = "changes"
    REJECT = "reject"
    FEATURE = "feature"
    UNFEATURE = "unfeature"
    ALL = (PUBLISH, SCHEDULE, CHANGES, REJECT, FEATURE, UNFEATURE)


def decisions_allowed(story: Story) -> list[str]:
    """The decisions the review page offers for a story in its current state."""
    allowed = []
    if story.state in _TO_PUBLISHED:
        allowed.append(Decision.PUBLISH)
        if story.state != StoryState.APPROVED or story.publish_at is None:
            allowed.append(Decision.SCHEDULE)
    if story.state in (StoryState.SUBMITTED, StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED):
        allowed += [Decision.CHANGES, Decision.REJECT]
    if story.state not in (StoryState.REJECTED, StoryState.WITHDRAWN):
        allowed.append(Decision.UNFEATURE if story.featured else Decision.FEATURE)
    return allowed


@transaction.atomic
def story_decide(*, story: Story, user, decision: str, comment: str = "", publish_at=None) -> Story:
    """One curator decision, made of as many `story_transition` steps as it takes, all or nothing.

    publish: approve and publish now; schedule: approve, published by the
    beat task at `publish_at`; changes / reject: need a message for the
    submitter; feature / unfeature. Each step is audited by the transition.
    """
    if not _is_curator(user):
        raise PermissionDenied(_("Only curators can moderate stories."))
    story = Story.objects.select_for_update().get(pk=story.pk)
    if decision in (Decision.FEATURE, Decision.UNFEATURE):
        story_set_featured(story=story, featured=decision == Decision.FEATURE, user=user)
        return Story.objects.get(pk=story.pk)
    if decision in (Decision.CHANGES, Decision.REJECT):
        to_state = StoryState.CHANGES_REQUESTED if decision == Decision.CHANGES else StoryState.REJECTED
        # An approved or published story goes back into review first, as TRANSITIONS require.
        steps = (to_state,) if to_state in TRANSITIONS.get(story.state, ()) else (StoryState.IN_REVIEW, to_state)
        if not comment.strip():
            raise StoryError(_("Please give the submitter a reason."))
        for step in steps:
            story = story_transition(story=story, to_state=step, user=user, comment=comment if step == to_state else "")
        return story
    if decision not in (Decision.PUBLISH, Decision.SCHEDULE):
        raise StoryError(_("Unknown decision."))
    path = _TO_PUBLISHED.get(story.state)
    if path is None:
        raise StoryError(_("A story cannot be published from “%(state)s”.") % {"state": StoryState(story.state).label})
    if decision == Decision.SCHEDULE:
        if publish_at is None or publish_at <= timezone.now():
            raise StoryError(_("Choose a moment in the future to publish the story."))
        path = tuple(s for s in path if s != StoryState.PUBLISHED)
    if ConsentKind.PUBLISH not in {c.kind for c in story.consents.filter(withdrawn_at__isnull=True)}:
        raise StoryError(_("The story cannot be published without consent to publish it."))
    for step in path:
        # Only the last step emails the submitter: one decision, one message.
        story = story_transition(
            story=story, to_state=step, user=user, comment=comment if step == path[-1] else "", notify=step == path[-1]
        )
    if decision == Decision.SCHEDULE:
        Story.objects.filter(pk=story.pk).update(publish_at=publish_at)
        _audit(story=story, actor=user, action="scheduled", comment=publish_at.isoformat())
        story.publish_at = publish_at
    return story


def story_assign(*, story: Story, user, assignee) -> None:
    """Take a story in hand (assignee=user) or let it go (assignee=None)."""
    if not _is_curator(user):
        raise PermissionDenied(_("Only curators can moderate stories."))
    with transaction.atomic():
        if Story.objects.filter(pk=story.pk).exclude(assigned_to=assignee).update(assigned_to=assignee):
            _audit(
                story=story,
                actor=user,
                action="assigned" if assignee else "unassigned",
                comment=str(assignee.get_username()) if assignee else "",
            )


def stories_publish_due(*, now=None) -> int:
    """Publish approved stories whose scheduled moment has come (the beat task)."""
    now = now or timezone.now()
    done = 0
    for pk in Story.objects.filter(state=StoryState.APPROVED, publish_at__lte=now).values_list("pk", flat=True):
        try:
            story_transition(story=Story(pk=pk), to_state=StoryState.PUBLISHED, user=None, system=True)
            done += 1
        except StoryError:
            logger.warning("scheduled story %s could not be published", pk, exc_info=True)
    return done


def curator_setting_touch(*, user, language: str) -> None:
    """Remember the language a curator works in, for the emails the queue sends them."""
    from stories.models import CuratorSetting

    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    CuratorSetting.objects.update_or_create(user=user, defaults={"language": language})


def curator_setting_set_notify(*, user, notify: bool) -> None:
    from stories.models import CuratorSetting

    CuratorSetting.objects.update_or_create(user=user, defaults={"notify_new": notify})


@transaction.atomic
def story_set_featured(*, story: Story, featured: bool, user) -> None:
    if not _is_curator(user):
        raise PermissionDenied(_("Only curators can moderate stories."))
    if Story.objects.filter(pk=story.pk).exclude(featured=featured).update(featured=featured):
        selectors.forget_gallery()
        _audit(story=story, actor=user, action="featured" if featured else "unfeatured")


@transaction.atomic
def story_curate(*, story: Story, user, changed: list[str]) -> None:
    """Record a curator's edit of the copy (the admin saves the fields; the original stays in `original`)."""
    if changed:
        _audit(story=story, actor=user, action="edited", comment=", ".join(changed))


# --- media intake -------------------------------------------------------------------


def check_upload(fileobj, *, size: int) -> sniff.Sniffed:
    """Refuse a file by its content and size, with a message the partner can act on."""
    fileobj.seek(0)
    head = fileobj.read(sniff.HEAD_BYTES)
    fileobj.seek(0)
    sniffed = sniff.sniff_head(head)
    if sniffed is None or sniffed.kind not in (sniff.PHOTO, sniff.VIDEO):
        raise StoryError(_("This file is not a photo (JPEG, PNG, WebP, HEIC) or a video (MP4, MOV, WebM)."))
    limit = media_lib.PHOTO_MAX_BYTES if sniffed.kind == MediaKind.PHOTO else media_lib.VIDEO_MAX_BYTES
    if size > limit:
        raise StoryError(
            _("This file is too large: photos may be up to 25 MB, videos up to 2 GB.")
            if sniffed.kind == MediaKind.PHOTO
            else _("This video is too large: videos may be up to 2 GB."),
            code="too_large",
        )
    if sniffed.kind == MediaKind.PHOTO:
        path = getattr(fileobj, "temporary_file_path", None)
        try:
            if path:
                media_lib.check_image(Path(path()))
            else:
                media_lib.check_image(fileobj)
        except media_lib.MediaError as exc:
            fileobj.seek(0)
            raise StoryError(str(MediaFailure(exc.code).label)) from exc
        fileobj.seek(0)
    return sniffed


def check_media_room(*, story: Story, opening_upload: bool = False) -> None:
    """Refuse a file beyond the story's limit (stored files, plus unfinished uploads when opening one)."""
    count = story.media.count()
    if opening_upload:
        count += UploadSession.objects.filter(story=story, media__isnull=True).count()
    limit = settings.STORIES_MAX_MEDIA_PER_STORY
    if count >= limit:
        raise StoryError(
            _("This story has reached the maximum number of photos and videos (%(n)s). Remove one to add another.")
            % {"n": limit},
            code="limit",
        )


def _photo_without_location(fileobj, *, extension: str, size: int):
    """The photo as it will be stored: its EXIF GPS, maker notes, XMP and IPTC removed, pixels untouched.

    Photos are at most 25 MB, so this reads one into memory. HEIC is rewritten
    by the pipeline instead (it has to be encoded again, too slow for a request).
    """
    fileobj.seek(0)
    try:
        cleaned = media_lib.strip_location(fileobj.read(), extension)
    except media_lib.MediaError as exc:
        raise StoryError(str(MediaFailure(exc.code).label)) from exc
    fileobj.seek(0)
    if cleaned is None:
        return fileobj, size
    return ContentFile(cleaned), len(cleaned)


def media_add(*, story: Story, user, fileobj, name: str, size: int) -> MediaFile:
    """Store an upload (already sniffed in check_upload) and queue its processing on commit.

    The storage write happens before the short transaction that records the
    row, so a slow upload to S3 never holds a database transaction open.
    """
    if not story.is_partner_editable:
        raise StoryError(_("This story can no longer be edited."))
    check_media_room(story=story)
    sniffed = check_upload(fileobj, size=size)
    if sniffed.kind == MediaKind.PHOTO:
        fileobj, size = _photo_without_location(fileobj, extension=sniffed.extension, size=size)
    media = MediaFile(
        story=story, kind=sniffed.kind, extension=sniffed.extension, original_name=clean_filename(name), size=size
    )
    media.original.save("upload", File(fileobj), save=False)
    with transaction.atomic():
        media.save()
        _audit(story=story, actor=user, action="media_added", comment=f"{media.kind} {media.original_name}")
        from stories.tasks import process_media_task

        # Never in the upload's request, even on the embedded defaults (no broker).
        dispatch_on_commit(process_media_task, media_id=media.pk, background=True)
    return media


@transaction.atomic
def media_remove(*, media: MediaFile, user) -> None:
    story = media.story
    if not story.is_partner_editable:
        raise StoryError(_("This story can no longer be edited."))
    Story.objects.filter(pk=story.pk, cover=media).update(cover=None)
    selectors.forget_gallery()
    _audit(story=story, actor=user, action="media_removed", comment=f"{media.kind} {media.original_name}")
    paths = [media.original.name, media.poster.name, *[r.file.name for r in media.renditions.all()]]
    media.delete()
    transaction.on_commit(lambda: [default_storage.delete(p) for p in paths if p])


# --- resumable uploads (the tus protocol lives in stories/tus.py) -------------------------

MAX_OPEN_UPLOADS_PER_STORY = 10


def clean_filename(name: str) -> str:
    """A name as the uploader gave it, for display only: no control characters (PostgreSQL refuses NUL)."""
    return "".join(ch for ch in name if ch.isprintable())[:255]


@transaction.atomic
def upload_open(*, story: Story, user, length: int, filename: str = "") -> UploadSession:
    """Open a resumable upload of `length` bytes within the story's and the organisation's limits.

    The declared length counts against the organisation's open bytes from the
    start, so a partner cannot reserve more disk than the limit by never finishing.
    """
    if not story.is_partner_editable:
        raise StoryError(_("This story can no longer be edited."))
    _lock_partner(story.partner_id)
    if UploadSession.objects.filter(story=story, media__isnull=True).count() >= MAX_OPEN_UPLOADS_PER_STORY:
        raise StoryError(_("Too many unfinished uploads for this story."), code="limit")
    check_media_room(story=story, opening_upload=True)
    open_bytes = (
        UploadSession.objects.filter(story__partner_id=story.partner_id, media__isnull=True).aggregate(
            total=Sum("length")
        )["total"]
        or 0
    )
    if open_bytes + length > settings.STORIES_MAX_OPEN_UPLOAD_BYTES_PER_PARTNER:
        raise StoryError(
            _(
                "Your organisation has too many unfinished uploads. Let them finish, or remove "
                "them, before starting another."
            ),
            code="too_large",
        )
    return UploadSession.objects.create(story=story, user=user, length=length, filename=clean_filename(filename))


@transaction.atomic
def upload_append(*, session_id, offset: int, chunk: Path, part: Path) -> int | None:
    """Append a received chunk to the upload if it is still at `offset`; the new offset, or None if refused.

    The chunk was written to its own file first, and only the request that holds
    the row lock with the offset unchanged appends it: of two requests racing at
    one offset, the bytes kept are those of the request that was acknowledged.
    The copy runs under the lock of this one upload's row (a few megabytes per
    chunk), which holds up nothing but a racing request for the same upload.
    """
    session = UploadSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None or session.media_id or session.offset != offset:
        return None
    size = chunk.stat().st_size
    if offset + size > session.length:
        return None
    with part.open("r+b") as out, chunk.open("rb") as src:
        out.seek(offset)
        out.truncate()
        shutil.copyfileobj(src, out, 1024 * 1024)
    # .update() skips auto_now: set updated_at, or the expiry sweep removes uploads in progress.
    UploadSession.objects.filter(pk=session_id).update(offset=offset + size, updated_at=timezone.now())
    return offset + size


@transaction.atomic
def upload_terminate(*, session_id, part: Path) -> None:
    """Remove an upload and its bytes (under the row lock, so no chunk is being appended)."""
    session = UploadSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        return
    session.delete()
    part.unlink(missing_ok=True)


# --- media processing (runs in the worker) -----------------------------------------------


def media_claim(*, media_id: int) -> bool:
    """Claim a file for processing with one conditional UPDATE; a stale claim of a dead worker may be retaken."""
    return mediajobs.claim(MediaFile, media_id)


def media_fail(*, media_id: int, code: str, detail: str = "") -> None:
    mediajobs.fail(MediaFile, media_id, code=code, detail=detail)


def media_release(*, media_id: int) -> None:
    """Give a claimed file back (a transient error: the task retries)."""
    mediajobs.release(MediaFile, media_id)


def media_process(*, media_id: int) -> str:
    """Produce what is missing for one media file. Slow work happens outside any transaction.

    Content errors (corrupt file, no video stream...) mark the file FAILED with
    a readable reason; other exceptions propagate so the task can retry.
    """
    media = MediaFile.objects.filter(pk=media_id).first()
    if media is None:
        logger.info("media %s is gone; nothing to do", media_id)
        return "missing"
    if media.status in (MediaStatus.READY, MediaStatus.FAILED):
        return media.status
    if not media_claim(media_id=media_id):
        return "claimed-elsewhere"
    existing = set(media.renditions.values_list("label", flat=True))
    with tempfile.TemporaryDirectory(prefix="hfs-media-") as tmp:
        work = Path(tmp)
        src = work / f"original.{media.extension or 'bin'}"
        try:
            with default_storage.open(media.original.name, "rb") as fh, src.open("wb") as out:
                shutil.copyfileobj(fh, out, 1024 * 1024)
        except FileNotFoundError:
            media_fail(media_id=media_id, code=MediaFailure.MISSING)
            return MediaStatus.FAILED
        try:
            if media.kind == MediaKind.PHOTO:
                _process_photo(media, src, work, existing)
            else:
                _process_video(media, src, work, existing)
        except media_lib.MediaError as exc:
            logger.warning("media %s failed: %s", media_id, exc)
            media_fail(media_id=media_id, code=exc.code, detail=exc.detail)
            return MediaStatus.FAILED
    mediajobs.finish(MediaFile, media_id)
    selectors.forget_gallery()
    story = media.story
    if story.state == StoryState.PUBLISHED:
        _dispatch_media_publish(story)
        if not story.share_image:
            _dispatch_share_image(story)
    return MediaStatus.READY


def _store_rendition(media: MediaFile, label: str, path: Path, width: int, height: int, mime: str) -> None:
    with path.open("rb") as fh:
        name = default_storage.save(f"{media.storage_folder()}/{label}", File(fh))
    _obj, created = Rendition.objects.get_or_create(
        media=media,
        label=label,
        defaults={
            "file": name,
            "width": width,
            "height": height,
            "mime_type": mime,
            "size": path.stat().st_size,
        },
    )
    if not created:  # another attempt got there first; keep one file
        default_storage.delete(name)


def _process_photo(media: MediaFile, src: Path, work: Path, existing: set[str]) -> None:
    width, height, outputs = media_lib.make_image_renditions(src, work, skip=existing)
    for out in outputs:
        _store_rendition(media, out.label, out.path, out.width, out.height, out.mime_type)
    _clean_original(media, src, work)
    warnings = [MediaWarning.SMALL_PHOTO.value] if width < 1200 else []
    MediaFile.objects.filter(pk=media.pk).update(width=width, height=height, warnings=warnings)


def _process_video(media: MediaFile, src: Path, work: Path, existing: set[str]) -> None:
    info = media_lib.probe(src)
    if not info.has_video:
        raise media_lib.MediaError(MediaFailure.NO_VIDEO_STREAM)
    width, height = info.display_size
    warnings = []
    if height < 1080:
        warnings.append(MediaWarning.BELOW_1080P.value)
    if height > width:
        warnings.append(MediaWarning.VERTICAL.value)
    MediaFile.objects.filter(pk=media.pk).update(
        width=width,
        height=height,
        duration=info.duration,
        video_codec=info.video_codec,
        audio_codec=info.audio_codec,
        rotation=info.rotation,
        warnings=warnings,
    )
    for out in media_lib.make_video_renditions(src, work, info, skip=existing):
        _store_rendition(media, out.label, out.path, out.width, out.height, "video/mp4")
    _clean_original(media, src, work)
    if not media.poster:
        poster = work / "poster.jpg"
        media_lib.poster_frame(src, poster, info)
        with poster.open("rb") as fh:
            name = default_storage.save(f"{media.storage_folder()}/poster.jpg", File(fh))
        MediaFile.objects.filter(pk=media.pk).update(poster=name)


def _clean_original(media: MediaFile, src: Path, work: Path) -> bool:
    """Store the original again without location metadata if it still has some.

    Photos: new uploads were cleaned on intake except HEIC (encoded again here),
    and files from before. Videos with a location are copied without their metadata.
    """
    clean = work / f"clean.{media.extension or 'bin'}"
    if media.kind == MediaKind.VIDEO:
        try:
            if not media_lib.video_has_location(media_lib.probe(src)):
                return False
            media_lib.remux_without_metadata(src, clean)
        except media_lib.MediaError as exc:
            # The renditions are fine; keep the file rather than fail it, and say so.
            logger.warning("media %s: could not copy the original without metadata: %s", media.pk, exc)
            return False
        return _replace_original(media, clean)
    try:
        if not media_lib.has_location(src):
            return False
    except (OSError, SyntaxError, ValueError) as exc:
        raise media_lib.MediaError(MediaFailure.CORRUPT, str(exc)) from exc
    if media.extension == "heic":
        media_lib.reencode_heif(src, clean)
    else:
        data = media_lib.strip_location(src.read_bytes(), media.extension)
        if data is None:
            return False
        clean.write_bytes(data)
    return _replace_original(media, clean)


def _replace_original(media: MediaFile, clean: Path) -> bool:
    with clean.open("rb") as fh:
        name = default_storage.save(original_upload_to(media, ""), File(fh))
    old = media.original.name
    if not MediaFile.objects.filter(pk=media.pk, original=old).update(original=name, size=clean.stat().st_size):
        default_storage.delete(name)  # removed (or cleaned by another run) meanwhile
        return False
    default_storage.delete(old)
    media.original.name = name
    return True


# --- where media lives in storage ------------------------------------------------------


def _copy_in_storage(old: str, new: str) -> str | None:
    try:
        with default_storage.open(old, "rb") as fh:
            return default_storage.save(new, File(fh))
    except FileNotFoundError:
        logger.warning("media file %s is missing from storage", old)
        return None


def _move_into_folder(media: MediaFile) -> int:
    """Move the renditions and poster that are not under the file's current folder into it."""
    folder = media.storage_folder() + "/"
    moved = []
    for rendition in media.renditions.all():
        if rendition.file.name.startswith(folder):
            continue
        new = _copy_in_storage(rendition.file.name, folder + rendition.label)
        if new and Rendition.objects.filter(pk=rendition.pk, file=rendition.file.name).update(file=new):
            moved.append(rendition.file.name)
        elif new:
            default_storage.delete(new)
    if media.poster and not media.poster.name.startswith(folder):
        new = _copy_in_storage(media.poster.name, folder + "poster.jpg")
        if new and MediaFile.objects.filter(pk=media.pk, poster=media.poster.name).update(poster=new):
            moved.append(media.poster.name)
        elif new:
            default_storage.delete(new)
    for name in moved:
        default_storage.delete(name)
    return len(moved)


def media_secure_storage(*, media_id: int) -> bool:
    """Bring one file in line with today's storage rules (for files stored before them).

    Renditions and poster move into the file's random folder, and the original
    is stored again without location metadata. Idempotent: a second run changes
    nothing. Slow storage copies, outside any transaction.
    """
    media = MediaFile.objects.filter(pk=media_id).first()
    if media is None:
        return False
    changed = _move_into_folder(media) > 0
    if media.original:
        with tempfile.TemporaryDirectory(prefix="hfs-secure-") as tmp:
            work = Path(tmp)
            src = work / f"original.{media.extension or 'bin'}"
            try:
                with default_storage.open(media.original.name, "rb") as fh, src.open("wb") as out:
                    shutil.copyfileobj(fh, out, 1024 * 1024)
            except FileNotFoundError:
                logger.warning("original of media %s is missing from storage", media_id)
                return changed
            try:
                changed = _clean_original(media, src, work) or changed
            except media_lib.MediaError as exc:
                logger.warning("original of media %s could not be cleaned: %s", media_id, exc)
    return changed


def _media_is_public(story: Story) -> bool:
    return (
        story.state == StoryState.PUBLISHED and {ConsentKind.PUBLISH, ConsentKind.MEDIA} <= story.active_consent_kinds()
    )


def story_media_rekey(*, story_id: int) -> int:
    """Move a story's renditions and posters to new random folders once they are no longer public.

    While a story was published its media URLs were public, and may have been
    copied anywhere; after it is taken down (or its media consent withdrawn)
    those URLs must stop working. Skipped if the story is public again by now.
    Returns the number of files moved.
    """
    story = Story.objects.prefetch_related("consents").filter(pk=story_id).first()
    if story is None or _media_is_public(story):
        return 0
    moved = 0
    for media in story.media.all():
        _media_unpublish(media)
        media.folder = new_media_folder()
        MediaFile.objects.filter(pk=media.pk).update(folder=media.folder)
        moved += _move_into_folder(media)
    if story.state != StoryState.PUBLISHED and story.share_image:
        # The share image (quote over photo) was public too.
        name = story.share_image.name
        Story.objects.filter(pk=story.pk, share_image=name).update(share_image="")
        story.share_image.storage.delete(name)
    return moved


# --- public copies of a published story's media ------------------------------------------


def story_media_publish(*, story_id: int) -> int:
    """Copy the renditions and posters of a public story into the public storage.

    The public pages show a file once its copies are there (`public_folder`
    equal to `folder`): stable, unsigned, cacheable URLs that need no access
    check. Idempotent; skipped when the story is not public (any more).
    Storage copies happen outside any transaction. Returns the files made public.
    """
    story = Story.objects.prefetch_related("consents").filter(pk=story_id).first()
    if story is None or not _media_is_public(story):
        return 0
    published = 0
    for media in story.media.filter(status=MediaStatus.READY).prefetch_related("renditions"):
        if media.is_public:
            continue
        names = [r.file.name for r in media.renditions.all()] + ([media.poster.name] if media.poster else [])
        if any(copy_to_public(name) is None for name in names):
            logger.warning("media %s: a file is missing from storage; not made public", media.pk)
            continue
        # Only if the files were not moved meanwhile (a rekey after a take-down).
        published += MediaFile.objects.filter(pk=media.pk, folder=media.folder).update(public_folder=media.folder)
    if published:
        selectors.forget_gallery()  # cached gallery pages were made before these photos were public
    story = Story.objects.prefetch_related("consents").get(pk=story_id)
    if not _media_is_public(story):  # taken down while we copied: the rekey may have run before us
        for media in story.media.all():
            _media_unpublish(media)
    return published


def _media_unpublish(media: MediaFile) -> None:
    """Delete the public copies of one file's renditions and poster; their URLs stop working."""
    if not media.public_folder:
        return
    folder = f"stories/media/{media.public_folder}"
    storage = public_storage()
    MediaFile.objects.filter(pk=media.pk).update(public_folder="")
    selectors.forget_gallery()
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        files = []
    for name in files:
        storage.delete(f"{folder}/{name}")
    media.public_folder = ""


def _dispatch_media_publish(story: Story) -> None:
    from stories.tasks import publish_story_media_task

    dispatch_on_commit(publish_story_media_task, story_id=story.pk)


def _dispatch_media_rekey(story: Story) -> None:
    from stories.tasks import rekey_story_media_task

    dispatch_on_commit(rekey_story_media_task, story_id=story.pk)


def media_requeue_unfinished(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Sweeper: send the task again for files whose task was lost (broker down, worker killed)."""
    from heforshe.lib.tasks import send_task_now
    from stories.tasks import process_media_task

    ids = mediajobs.unfinished(MediaFile, older_than=older_than)
    for media_id in ids:
        send_task_now(process_media_task, media_id=media_id)
    return len(ids)


# --- share image ---------------------------------------------------------------------


def _dispatch_share_image(story: Story) -> None:
    from stories.tasks import share_image_media_task

    dispatch_on_commit(share_image_media_task, story_id=story.pk)


def story_make_share_image(*, story_id: int) -> bool:
    """Render the 1200x630 Open Graph image (photo + quote) for a published story."""
    from heforshe.lib.shareimage import render_photo_card

    story = Story.objects.select_related("cover").prefetch_related("consents").filter(pk=story_id).first()
    if story is None or story.state != StoryState.PUBLISHED:
        return False
    live = story.active_consent_kinds()
    photo_path = None
    with tempfile.TemporaryDirectory(prefix="hfs-share-") as tmp:
        cover = story.cover if story.cover and story.cover.status == MediaStatus.READY else None
        if cover and ConsentKind.MEDIA in live:
            source = cover.rendition("w1200.jpg") or cover.renditions.filter(mime_type="image/jpeg").last()
            if source:
                photo_path = Path(tmp) / "cover.jpg"
                with default_storage.open(source.file.name, "rb") as fh, photo_path.open("wb") as out:
                    shutil.copyfileobj(fh, out)
        quote = story.quote if ConsentKind.QUOTE in live else story.title
        # Right-to-left when the quote itself is in Hebrew or Arabic script, whatever the submitter's language.
        rtl = any("\u0590" <= ch <= "\u08ff" for ch in quote)
        card = render_photo_card(photo=photo_path, quote=quote, byline=story.heroes, rtl=rtl)
    storage = Story._meta.get_field("share_image").storage  # the public one
    name = storage.save(f"stories/share/{story.slug}.jpg", ContentFile(card))
    old = Story.objects.filter(pk=story_id).values_list("share_image", flat=True).first()
    Story.objects.filter(pk=story_id).update(share_image=name)
    if old and old != name:
        storage.delete(old)
    return True


# --- email -------------------------------------------------------------------------------


def story_notify_submitter(*, story_id: int, to_state: str, comment: str = "") -> bool:
    """Email the submitter, in the language they submitted in, about a curator's decision."""
    from django.urls import reverse
    from django.utils import translation

    story = Story.objects.select_related("created_by", "partner").filter(pk=story_id).first()
    if story is None or story.created_by is None or not story.created_by.email:
        return False
    language = story.language or settings.LANGUAGE_CODE
    with translation.override(language):
        url = settings.SITE_URL + reverse("stories:mine", args=[story.pk])
        public_url = settings.SITE_URL + reverse("stories:detail", args=[story.slug])
    if to_state == StoryState.PUBLISHED:
        if story.state != StoryState.PUBLISHED:  # taken down again before the email went out
            return False
        send_templated(
            to=[story.created_by.email],
            template="stories/emails/published",
            language=language,
            context={"story": story, "public_url": public_url, "url": url},
        )
        return True
    send_templated(
        to=[story.created_by.email],
        template="stories/emails/decision",
        language=language,
        context={
            "story": story,
            "to_state": to_state,
            "state_label": StoryState(to_state).label,
            "comment": comment,
            "url": url,
        },
    )
    return True


def story_notify_curators(*, story_id: int) -> int:
    """Email every curator who wants it that a story arrived, each in the language they work in."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.urls import reverse
    from django.utils import translation

    from stories.models import CuratorSetting

    story = Story.objects.select_related("partner").filter(pk=story_id).first()
    if story is None or story.state != StoryState.SUBMITTED:
        return 0
    perm = Permission.objects.get(content_type__app_label="stories", codename="moderate_story")
    curators = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(user_permissions=perm) | Q(groups__permissions=perm))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    prefs = {c.user_id: c for c in CuratorSetting.objects.filter(user__in=curators)}
    sent = 0
    for curator in curators:
        pref = prefs.get(curator.pk)
        if pref is not None and not pref.notify_new:
            continue
        language = pref.language if pref else settings.LANGUAGE_CODE
        with translation.override(language):
            url = settings.SITE_URL + reverse("admin:stories_story_review", args=[story.pk])
        # Once per curator and submission: a retry after a mail-server error skips those already told.
        sent += send_once(
            f"stories.arrived:{story.pk}:{story.submitted_at.isoformat() if story.submitted_at else ''}:{curator.pk}",
            to=[curator.email],
            template="stories/emails/arrived",
            language=language,
            context={"story": story, "url": url, "partner": story.partner},
        )
    return sent
