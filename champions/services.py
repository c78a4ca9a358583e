"""Writes of champions: portraits, publishing, invitations and reviewed statement changes."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from champions.models import Champion, Invitation, Revision
from heforshe.lib import invitations, sniff
from heforshe.lib.audit import log_action
from heforshe.lib.mail import send_templated
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
