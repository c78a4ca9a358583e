"""Writes of solutions. Views, the API, the admin and tasks all come through here."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from heforshe.lib import signed, sniff
from heforshe.lib.audit import log_action
from heforshe.lib.mail import send_templated
from heforshe.lib.ratelimit import Limit, RateLimitExceeded, address_key, hit
from heforshe.lib.tasks import dispatch_on_commit
from solutions import markdown
from solutions.models import (
    Amendment,
    AmendmentStatus,
    Challenge,
    Comment,
    CommentState,
    Follow,
    Outcome,
    OutcomeUpdate,
    Participant,
    PhotoStatus,
    Report,
    Solution,
    SolutionRevision,
    SolutionState,
    Support,
    SupportEvent,
)

logger = logging.getLogger(__name__)

JOIN = "solutions.join"
JOIN_MAX_AGE = dt.timedelta(days=7)
PHOTO_MAX_BYTES = 10 * 1024 * 1024

# PostgreSQL text-search configuration per site language; Chinese has none, 'simple' splits on spaces.
SEARCH_CONFIGS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "ru": "russian",
    "ar": "arabic",
    "zh-hans": "simple",
}


class SolutionsError(ValidationError):
    """A refusal the participant can act on, already translated."""


class AlreadyDone(SolutionsError):
    """A second support or a second report of the same post by the same person."""


class RateLimited(RateLimitExceeded):
    pass


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get((language or "").lower(), "simple")


def _check_rate(kind: str, ip: str) -> None:
    key = address_key(ip)
    if not key:
        return
    verdict = hit(
        [Limit(f"solutions:{kind}:{name}:{key}", n, w) for name, n, w in settings.SOLUTIONS_RATE_LIMITS[kind]]
    )
    if not verdict.allowed:
        raise RateLimited(verdict.exceeded[0], retry_after=verdict.retry_after)


def _link(path: str) -> str:
    return settings.SITE_URL + path


# --- who is taking part ----------------------------------------------------------------------


def participant_for_pledge(*, pledge) -> Participant:
    """The participant of a confirmed pledger (made on first use; his pledge already verified the email)."""
    from pledges.identity import canonical_email

    existing = Participant.objects.filter(pledge=pledge).first()
    if existing:
        return existing
    canonical = canonical_email(pledge.email)
    now = timezone.now()
    try:
        with transaction.atomic():
            participant, _created = Participant.objects.update_or_create(
                email_canonical=canonical,
                defaults={
                    "pledge": pledge,
                    "status": Participant.Status.CONFIRMED,
                    "confirmed_at": now,
                },
                create_defaults={
                    "email": pledge.email,
                    "first_name": pledge.first_name,
                    "country": pledge.country.code,
                    "language": pledge.language,
                    "pledge": pledge,
                    "status": Participant.Status.CONFIRMED,
                    "confirmed_at": now,
                },
            )
    except IntegrityError:
        participant = Participant.objects.get(email_canonical=canonical)
    return participant


def participant_join(*, email: str, first_name: str, country: str, language: str, ip: str = "") -> None:
    """Start the double opt-in: store a pending participant and email the link (a known one gets a new link).

    Answers the same whether the address was known, so the form reveals nothing.
    """
    from pledges.identity import canonical_email, is_disposable

    if is_disposable(email):
        raise SolutionsError({"email": _("Please use a permanent email address: we send your link there.")})
    _check_rate("join", ip)
    canonical = canonical_email(email)
    now = timezone.now()
    participant, created = Participant.objects.get_or_create(
        email_canonical=canonical,
        defaults={
            "email": email.strip(),
            "first_name": first_name.strip(),
            "country": country.upper(),
            "language": language,
            "confirmation_requested_at": now,
        },
    )
    if not created:
        # At most one link a minute per address, whatever the form is sent.
        updated = Participant.objects.filter(
            Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=now - dt.timedelta(minutes=1)),
            pk=participant.pk,
        ).update(confirmation_requested_at=now, language=language)
        if not updated:
            return
    from solutions.tasks import send_join_link_task

    dispatch_on_commit(send_join_link_task, participant_id=participant.pk)


def participant_send_join_link(*, participant_id: int) -> bool:
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        return False
    with translation.override(participant.language):
        url = _link(reverse("solutions:join_confirm", args=[signed.make(JOIN, participant.pk)]))
    send_templated(
        to=[participant.email],
        template="solutions/email/join",
        language=participant.language,
        context={"participant": participant, "confirm_url": url},
    )
    return True


def participant_from_token(token: str) -> Participant | None:
    pk = signed.read(JOIN, token, max_age=JOIN_MAX_AGE)
    return Participant.objects.filter(pk=pk).first() if pk else None


def participant_confirm(*, participant_id: int) -> bool:
    """Confirm the email (a double click confirms once); True only for the call that confirmed it."""
    return bool(
        Participant.objects.filter(pk=participant_id, status=Participant.Status.PENDING).update(
            status=Participant.Status.CONFIRMED, confirmed_at=timezone.now()
        )
    )


def _advocacy(participant: Participant, text: str, pillar: str) -> None:
    """Proposing, supporting and commenting are Advocacy steps on a pledger's 3A ladder."""
    if participant.pledge_id is None:
        return
    from pledges.services import advocacy_record

    advocacy_record(pledge_id=participant.pledge_id, text=text, pillar=pillar)


# --- challenges ------------------------------------------------------------------------------


def user_partner(user):
    """The partner organisation the user acts for, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    from partners.models import PartnerMembership

    membership = PartnerMembership.objects.select_related("partner").filter(user=user).first()
    return membership.partner if membership else None


def may_manage_challenge(*, user, challenge: Challenge) -> bool:
    """Staff with the permission, or members of the challenge's own partner organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("solutions.add_outcomeupdate"):
        return True
    partner = user_partner(user)
    return partner is not None and partner.pk == challenge.partner_id


@dataclass(frozen=True)
class ChallengeInput:
    question: str
    pillar: str
    scope: str
    closes_at: dt.datetime
    languages: list[str]
    description: str = ""
    country: str = ""
    opens_at: dt.datetime | None = None
    support_threshold: int | None = None
    response_days: int = 30


def challenge_create(*, user, data: ChallengeInput) -> Challenge:
    """Open a challenge: staff (add permission) anywhere; a partner admin for its own members or country."""
    from django.utils.text import slugify

    from partners.models import PartnerMembership

    partner = None
    if not user.has_perm("solutions.add_challenge"):
        membership = PartnerMembership.objects.select_related("partner").filter(user=user).first()
        if membership is None or membership.role != PartnerMembership.Role.ADMIN:
            raise PermissionDenied
        partner = membership.partner
        if data.scope == Challenge.Scope.GLOBAL:
            raise SolutionsError({"scope": _("A partner opens a challenge for its own country or its members.")})
        if data.scope == Challenge.Scope.COUNTRY and data.country != partner.country.code:
            raise SolutionsError({"country": _("A partner opens a challenge for its own country only.")})
    base = slugify(data.question)[:60] or "challenge"
    slug = base
    n = 1
    while Challenge.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    challenge = Challenge(
        slug=slug,
        question=data.question.strip(),
        description=data.description.strip(),
        pillar=data.pillar,
        scope=data.scope,
        country=data.country,
        partner=partner,
        languages=[code for code in data.languages if code in dict(settings.LANGUAGES)] or ["en"],
        opens_at=data.opens_at or timezone.now(),
        closes_at=data.closes_at,
        support_threshold=data.support_threshold,
        response_days=data.response_days,
        created_by=user,
    )
    if challenge.scope == Challenge.Scope.MEMBERS and partner is None:
        raise SolutionsError({"scope": _("Only a partner can open a challenge for its members.")})
    challenge.full_clean()
    with transaction.atomic():
        challenge.save()
        log_action(challenge, "solutions.challenge.opened", user=user, data={"scope": challenge.scope})
    return challenge


def _check_open(challenge: Challenge) -> None:
    if not challenge.is_open():
        raise SolutionsError(_("This challenge is closed: it no longer takes new solutions, supports or comments."))


def _check_scope(challenge: Challenge, participant: Participant) -> None:
    if challenge.scope == Challenge.Scope.MEMBERS:
        pledge_partner = participant.pledge.partner_id if participant.pledge_id else None
        if pledge_partner != challenge.partner_id:
            raise SolutionsError(_("This challenge is open to the members of its partner organisation only."))


# --- solutions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolutionInput:
    title: str
    body: str
    language: str
    country: str
    town: str = ""
    pseudonym: str = ""
    keep_after_erasure: bool = False


def _index(solution_id: int, language: str) -> None:
    if connection.vendor != "postgresql":
        return
    config = search_config(language)
    Solution.objects.filter(pk=solution_id).update(
        search_vector=SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
        + SearchVector("title", "body", weight="D", config="simple")
    )


def check_photo(upload) -> str:
    """The photo's extension when it is a photo we can process; a translated refusal otherwise."""
    from heforshe.lib import media as media_lib

    if upload.size > PHOTO_MAX_BYTES:
        raise SolutionsError({"photo": _("This photo is too large: photos may be up to 10 MB.")})
    upload.seek(0)
    found = sniff.sniff_head(upload.read(sniff.HEAD_BYTES))
    upload.seek(0)
    if found is None or found.kind != sniff.PHOTO:
        raise SolutionsError({"photo": _("This file is not a photo (JPEG, PNG, WebP or HEIC).")})
    try:
        media_lib.check_image(upload)
    except media_lib.MediaError as exc:
        raise SolutionsError({"photo": _("This photo cannot be read or is far too large.")}) from exc
    upload.seek(0)
    return found.extension


def solution_propose(
    *, challenge: Challenge, participant: Participant, data: SolutionInput, photo=None, ip: str = ""
) -> Solution:
    """Publish a solution. Raises SolutionsError (field errors) or RateLimited."""
    if participant.status != Participant.Status.CONFIRMED:
        raise PermissionDenied
    _check_open(challenge)
    _check_scope(challenge, participant)
    if data.language not in (challenge.languages or []):
        raise SolutionsError({"language": _("This challenge takes solutions in its own languages only.")})
    country = (data.country or participant.country.code).upper()
    if challenge.scope == Challenge.Scope.COUNTRY and country != challenge.country.code:
        raise SolutionsError({"country": _("This challenge is about one country: place your solution there.")})
    extension = check_photo(photo) if photo else ""
    _check_rate("propose", ip)
    solution = Solution(
        challenge=challenge,
        author=participant,
        title=data.title.strip(),
        body=data.body.strip(),
        body_html=markdown.render(data.body),
        language=data.language,
        country=country,
        town=data.town.strip(),
        pseudonym=data.pseudonym.strip(),
        keep_after_erasure=data.keep_after_erasure,
    )
    solution.full_clean(exclude=["author", "challenge"])
    if extension:
        solution.photo_status = PhotoStatus.PENDING
        # Stored before the transaction: a slow storage never holds one open.
        solution.photo_original.save(f"upload.{extension}", photo, save=False)
    with transaction.atomic():
        solution.save()
        _index(solution.pk, solution.language)
        Follow.objects.get_or_create(participant=participant, solution=solution)
        with translation.override(participant.language):
            _advocacy(
                participant, gettext("Proposed a solution: %(title)s") % {"title": solution.title}, challenge.pillar
            )
        if extension:
            from solutions.tasks import process_photo_task

            dispatch_on_commit(process_photo_task, solution_id=solution.pk)
    return solution


def solution_edit(*, solution: Solution, participant: Participant, title: str, body: str) -> Solution:
    """The author changes the text within the edit window; the earlier text is kept as a revision."""
    if solution.author_id != participant.pk or solution.state != SolutionState.PUBLISHED:
        raise PermissionDenied
    if timezone.now() > solution.editable_until():
        raise SolutionsError(_("The edit window has closed: the solution can no longer change its substance."))
    with transaction.atomic():
        SolutionRevision.objects.create(solution=solution, title=solution.title, body=solution.body)
        solution.title, solution.body = title.strip(), body.strip()
        solution.body_html = markdown.render(solution.body)
        solution.edited_at = timezone.now()
        solution.full_clean(exclude=["author", "challenge"])
        solution.save(update_fields=["title", "body", "body_html", "edited_at"])
        _index(solution.pk, solution.language)
    return solution


def solution_withdraw(*, solution: Solution, participant: Participant) -> None:
    if solution.author_id != participant.pk:
        raise PermissionDenied
    Solution.objects.filter(pk=solution.pk, state=SolutionState.PUBLISHED).update(state=SolutionState.WITHDRAWN)


def photo_process(*, solution_id: int) -> str:
    """Make the public photo from the original (EXIF dropped, re-encoded), outside any transaction."""
    import tempfile
    from pathlib import Path

    from django.core.files import File

    from heforshe.lib import media as media_lib

    solution = Solution.objects.filter(pk=solution_id, photo_status=PhotoStatus.PENDING).first()
    if solution is None or not solution.photo_original:
        return "nothing"
    with tempfile.TemporaryDirectory(prefix="hfs-solution-") as tmp:
        work = Path(tmp)
        src = work / "original"
        with default_storage.open(solution.photo_original.name, "rb") as fh:
            src.write_bytes(fh.read())
        try:
            _w, _h, outputs = media_lib.make_image_renditions(src, work)
        except media_lib.MediaError as exc:
            logger.warning("solution %s photo failed: %s", solution_id, exc)
            Solution.objects.filter(pk=solution_id).update(photo_status=PhotoStatus.FAILED)
            return PhotoStatus.FAILED
        jpegs = sorted((o for o in outputs if o.mime_type == "image/jpeg"), key=lambda o: o.width)
        best = next((o for o in jpegs if o.width >= 1200), jpegs[-1])
        with best.path.open("rb") as fh:
            name = default_storage.save(f"solutions/photos/{solution_id}.jpg", File(fh))
    Solution.objects.filter(pk=solution_id, photo_status=PhotoStatus.PENDING).update(
        photo=name, photo_status=PhotoStatus.READY
    )
    return PhotoStatus.READY


# --- supports --------------------------------------------------------------------------------


def support_add(*, solution: Solution, participant: Participant, ip: str = "") -> Support:
    """One support per person and solution; a second one is refused with a clear message."""
    if participant.status != Participant.Status.CONFIRMED:
        raise PermissionDenied
    if solution.state != SolutionState.PUBLISHED:
        raise SolutionsError(_("This solution is not open for supports."))
    _check_open(solution.challenge)
    _check_scope(solution.challenge, participant)
    _check_rate("support", ip)
    try:
        with transaction.atomic():
            support = Support.objects.create(solution=solution, participant=participant)
            SupportEvent.objects.create(solution_id=solution.pk, delta=+1)
            with translation.override(participant.language):
                text = gettext("Supported a solution: %(title)s") % {"title": solution.title}
                _advocacy(participant, text, solution.challenge.pillar)
    except IntegrityError:
        raise AlreadyDone(_("You already support this solution.")) from None
    return support


def support_withdraw(*, solution: Solution, participant: Participant) -> bool:
    if solution.challenge.closes_at <= timezone.now():
        raise SolutionsError(_("This challenge is closed: its supports are final."))
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(solution=solution, participant=participant).delete()
        if deleted:
            SupportEvent.objects.create(solution_id=solution.pk, delta=-1)
    return bool(deleted)


def supports_fold() -> int:
    """Fold support events, then mark solutions that reached their challenge's threshold."""
    from solutions import counting

    changed = counting.fold_events()
    if changed:
        thresholds_check(solution_ids=changed)
    return len(changed)


def thresholds_check(*, solution_ids: list[int]) -> int:
    """A solution reaching the threshold gets a response deadline (once); its followers are told."""
    now = timezone.now()
    reached = list(
        Solution.objects.filter(
            pk__in=solution_ids,
            threshold_reached_at__isnull=True,
            challenge__support_threshold__isnull=False,
            support_count__gte=F("challenge__support_threshold"),
        ).values_list("pk", "challenge__response_days")
    )
    for pk, days in reached:
        updated = Solution.objects.filter(pk=pk, threshold_reached_at__isnull=True).update(
            threshold_reached_at=now, response_due_at=now + dt.timedelta(days=days)
        )
        if updated:
            from solutions.tasks import notify_threshold_task

            dispatch_on_commit(notify_threshold_task, solution_id=pk)
    return len(reached)


# --- comments --------------------------------------------------------------------------------


def comment_add(*, solution: Solution, participant: Participant, body: str, parent_id: int | None = None, ip: str = ""):
    if participant.status != Participant.Status.CONFIRMED:
        raise PermissionDenied
    if solution.state != SolutionState.PUBLISHED:
        raise SolutionsError(_("This solution is not open for comments."))
    _check_open(solution.challenge)
    parent = None
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, solution=solution, state=CommentState.VISIBLE).first()
        if parent is None:
            raise SolutionsError(_("The comment you answer is no longer there."))
        if parent.parent_id:
            parent = parent.parent  # one level of threading: a reply to a reply joins the thread
    comment = Comment(solution=solution, parent=parent, author=participant, body=body.strip())
    comment.body_html = markdown.render(comment.body)
    comment.full_clean(exclude=["solution", "parent", "author"])
    _check_rate("comment", ip)
    with transaction.atomic():
        comment.save()
        Solution.objects.filter(pk=solution.pk).update(comment_count=F("comment_count") + 1)
        with translation.override(participant.language):
            _advocacy(
                participant,
                gettext("Commented on a solution: %(title)s") % {"title": solution.title},
                solution.challenge.pillar,
            )
    return comment


# --- follows ---------------------------------------------------------------------------------


def follow_toggle(
    *, participant: Participant, challenge: Challenge | None = None, solution: Solution | None = None
) -> bool:
    """Follow, or stop following; returns True when now following."""
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(participant=participant, challenge=challenge, solution=solution).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Follow.objects.create(participant=participant, challenge=challenge, solution=solution)
        except IntegrityError:
            pass
    return True


STOP_EMAILS_PURPOSE = "solutions.stop-emails"
STOP_EMAILS_MAX_AGE = dt.timedelta(days=400)  # a digest kept for a year still works


def stop_emails_url(person: Participant) -> str:
    """The one-click link in every follow email: stop following everything (RFC 8058 POST, no cookies)."""
    with translation.override(person.language):
        return _link(reverse("solutions:stop_emails", args=[signed.make(STOP_EMAILS_PURPOSE, person.pk)]))


def participant_for_stop_token(token: str) -> Participant | None:
    pk = signed.read(STOP_EMAILS_PURPOSE, token, max_age=STOP_EMAILS_MAX_AGE)
    return Participant.objects.filter(pk=pk).first() if pk is not None else None


def follows_stop_all(*, participant_id: int) -> int:
    """Unfollow every challenge and solution: no more follow emails or digests. Posts, supports stay."""
    deleted, _rows = Follow.objects.filter(participant_id=participant_id).delete()
    return deleted


# --- reports and moderation ------------------------------------------------------------------


def report_add(
    *, reason: str, detail: str = "", solution=None, comment=None, amendment=None, participant=None, ip: str = ""
) -> bool:
    """Record a report; after the challenge's number of reports from different people the post is hidden.

    One report per reporter (a participant, or else a network address) and post: a flood from one
    address counts once and is then rate-limited. Returns True when this report hid the post.
    """
    from pledges.identity import ip_hash

    if reason not in Report.Reason.values:
        raise SolutionsError({"reason": _("Choose a reason.")})
    if solution is not None:
        target, model, visible, challenge = solution, Solution, SolutionState.PUBLISHED, solution.challenge
    elif comment is not None:
        target, model, visible, challenge = comment, Comment, CommentState.VISIBLE, comment.solution.challenge
    elif amendment is not None:
        target, model, visible, challenge = amendment, Amendment, CommentState.VISIBLE, amendment.solution.challenge
    else:
        raise SolutionsError(_("This post is already hidden for review."))
    if target.state != visible:
        raise SolutionsError(_("This post is already hidden for review."))
    key = f"p:{participant.pk}" if participant else f"ip:{ip_hash(ip) or 'unknown'}"
    _check_rate("report", ip)
    try:
        with transaction.atomic():
            Report.objects.create(
                solution=solution,
                comment=comment,
                amendment=amendment,
                reason=reason,
                detail=detail[:500],
                reporter_key=key,
            )
            model.objects.filter(pk=target.pk).update(report_count=F("report_count") + 1)
            hidden = model.objects.filter(
                pk=target.pk, state=visible, report_count__gte=challenge.hide_after_reports
            ).update(state=SolutionState.PENDING_REVIEW)
            if hidden:
                log_action(target, "solutions.hidden_by_reports", data={"reports": challenge.hide_after_reports})
    except IntegrityError:
        raise AlreadyDone(_("You have already reported this. Moderators will look at it.")) from None
    return bool(hidden)


class Decision:
    HIDE = "hide"
    RESTORE = "restore"
    EDIT = "edit"


def solution_moderate(*, solution: Solution, user, decision: str, reason: str, title: str = "", body: str = "") -> None:
    """A moderator hides, restores or edits (the original is kept); the author gets the reason by email."""
    if not user.has_perm("solutions.moderate_solution"):
        raise PermissionDenied
    if not reason.strip():
        raise SolutionsError({"reason": _("Give the reason the author will read.")})
    with transaction.atomic():
        locked = Solution.objects.select_for_update().get(pk=solution.pk)
        before = locked.state
        fields = ["moderation_reason"]
        if decision == Decision.HIDE:
            locked.state = SolutionState.HIDDEN
            fields.append("state")
        elif decision == Decision.RESTORE:
            if locked.state not in (SolutionState.HIDDEN, SolutionState.PENDING_REVIEW):
                raise SolutionsError(_("Only a hidden solution can be restored."))
            locked.state = SolutionState.PUBLISHED
            locked.report_count = 0  # the reports were reviewed; new ones start over
            fields += ["state", "report_count"]
        elif decision == Decision.EDIT:
            SolutionRevision.objects.create(
                solution=locked, title=locked.title, body=locked.body, edited_by=user, reason=reason
            )
            locked.title = title.strip() or locked.title
            locked.body = body.strip() or locked.body
            locked.body_html = markdown.render(locked.body)
            locked.edited_at = timezone.now()
            if locked.state == SolutionState.PENDING_REVIEW:
                locked.state = SolutionState.PUBLISHED
                locked.report_count = 0
                fields += ["state", "report_count"]
            fields += ["title", "body", "body_html", "edited_at"]
        else:
            raise SolutionsError(_("Unknown decision."))
        locked.moderation_reason = reason.strip()
        locked.full_clean(exclude=["author", "challenge"])
        locked.save(update_fields=fields)
        if decision == Decision.EDIT:
            _index(locked.pk, locked.language)
        Report.objects.filter(solution=locked, resolved_at__isnull=True).update(resolved_at=timezone.now())
        log_action(
            locked,
            f"solutions.solution.{decision}",
            user=user,
            data={"reason": reason.strip(), "from": before, "to": locked.state},
        )
        from solutions.tasks import notify_moderation_task

        dispatch_on_commit(notify_moderation_task, kind="solution", object_id=locked.pk, decision=decision)


def _post_moderate(*, obj: Comment | Amendment, kind: str, user, decision: str, reason: str) -> None:
    """Hide or restore a comment or an amendment; audited, and the author is told the reason."""
    if not user.has_perm("solutions.moderate_solution"):
        raise PermissionDenied
    if not reason.strip():
        raise SolutionsError({"reason": _("Give the reason the author will read.")})
    if decision not in (Decision.HIDE, Decision.RESTORE):
        raise SolutionsError(_("Unknown decision."))
    model = type(obj)
    with transaction.atomic():
        before = obj.state
        state = CommentState.HIDDEN if decision == Decision.HIDE else CommentState.VISIBLE
        model.objects.filter(pk=obj.pk).update(
            state=state,
            moderation_reason=reason.strip(),
            **({"report_count": 0} if state == CommentState.VISIBLE else {}),
        )
        obj.refresh_from_db()
        Report.objects.filter(**{kind: obj}, resolved_at__isnull=True).update(resolved_at=timezone.now())
        log_action(
            obj,
            f"solutions.{kind}.{decision}",
            user=user,
            data={"reason": reason.strip(), "from": before, "to": state},
        )
        from solutions.tasks import notify_moderation_task

        dispatch_on_commit(notify_moderation_task, kind=kind, object_id=obj.pk, decision=decision)


def comment_moderate(*, comment: Comment, user, decision: str, reason: str) -> None:
    _post_moderate(obj=comment, kind="comment", user=user, decision=decision, reason=reason)


def amendment_moderate(*, amendment: Amendment, user, decision: str, reason: str) -> None:
    _post_moderate(obj=amendment, kind="amendment", user=user, decision=decision, reason=reason)


def moderation_notify(*, kind: str, object_id: int, decision: str) -> bool:
    """Email the author the moderators' decision and reason, in the author's language."""
    model = {"solution": Solution, "comment": Comment, "amendment": Amendment}[kind]
    obj = model.objects.select_related("author").filter(pk=object_id).first()
    if obj is None or obj.author is None:
        return False
    solution = obj if kind == "solution" else obj.solution
    with translation.override(obj.author.language):
        url = _link(reverse("solutions:solution", args=[solution.pk]))
    send_templated(
        to=[obj.author.email],
        template="solutions/email/moderation",
        language=obj.author.language,
        context={
            "participant": obj.author,
            "kind": kind,
            "decision": decision,
            "reason": obj.moderation_reason,
            "title": solution.title,
            "url": url,
        },
    )
    return True


# --- amendments ------------------------------------------------------------------------------


def amendable_until(solution: Solution) -> dt.datetime:
    """Others may propose amendments until the amendment window or the challenge closes, whichever is first."""
    return min(solution.created_at + settings.SOLUTIONS_AMENDMENT_WINDOW, solution.challenge.closes_at)


def amendments_refusal(solution: Solution, *, now: dt.datetime | None = None) -> str:
    """Why amendments to this solution are closed ("" while they are open)."""
    now = now or timezone.now()
    if solution.state != SolutionState.PUBLISHED:
        return gettext("This solution is not open for amendments.")
    if not solution.challenge.is_open(now):
        return gettext("This challenge is closed: it no longer takes new solutions, supports or comments.")
    if solution.outcome:
        return gettext("This solution has been answered: its text no longer changes.")
    if now >= amendable_until(solution):
        return gettext("The time to propose amendments to this solution has passed.")
    return ""


@dataclass(frozen=True)
class AmendmentInput:
    title: str
    body: str
    reason: str


def amendment_propose(*, solution: Solution, participant: Participant, data: AmendmentInput, ip: str = "") -> Amendment:
    """Propose a changed title and text for someone else's solution; its author is told on commit."""
    if participant.status != Participant.Status.CONFIRMED:
        raise PermissionDenied
    if solution.author_id == participant.pk:
        raise SolutionsError(_("This is your own solution: change it with Edit while its edit window is open."))
    refusal = amendments_refusal(solution)
    if refusal:
        raise SolutionsError(refusal)
    _check_scope(solution.challenge, participant)
    title, body = data.title.strip(), data.body.strip()
    if title == solution.title and body == solution.body:
        raise SolutionsError(_("Your amendment changes nothing: change the title or the text."))
    amendment = Amendment(
        solution=solution,
        author=participant,
        title=title,
        body=body,
        body_html=markdown.render(body),
        reason=data.reason.strip(),
        base_title=solution.title,
        base_body=solution.body,
    )
    amendment.full_clean(exclude=["solution", "author"])
    _check_rate("amend", ip)
    with transaction.atomic():
        amendment.save()
        Follow.objects.get_or_create(participant=participant, solution=solution)
        with translation.override(participant.language):
            _advocacy(
                participant,
                gettext("Proposed an amendment to a solution: %(title)s") % {"title": solution.title},
                solution.challenge.pillar,
            )
        from solutions.tasks import notify_amendment_task

        dispatch_on_commit(notify_amendment_task, amendment_id=amendment.pk, event="proposed")
    return amendment


def may_decide_amendment(*, amendment: Amendment, participant: Participant | None = None, user=None) -> bool:
    """The solution's author, or staff with the moderation permission."""
    if participant is not None and amendment.solution.author_id == participant.pk:
        return True
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("solutions.moderate_solution"))


def amendment_decide(
    *, amendment: Amendment, accept: bool, answer: str = "", participant: Participant | None = None, user=None
) -> Amendment:
    """Accept (the solution takes the amended text; the earlier text is kept as a revision and the
    amender is credited) or reject with a reason the amender reads. Holds row locks on both."""
    if not may_decide_amendment(amendment=amendment, participant=participant, user=user):
        raise PermissionDenied
    answer = answer.strip()
    if not accept and not answer:
        raise SolutionsError({"answer": _("Say why you reject the amendment: its author will read it.")})
    by_author = participant is not None and amendment.solution.author_id == participant.pk
    now = timezone.now()
    with transaction.atomic():
        solution = Solution.objects.select_for_update().select_related("challenge").get(pk=amendment.solution_id)
        locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if locked.status != AmendmentStatus.OPEN:
            raise AlreadyDone(_("This amendment has already been answered."))
        if locked.state != CommentState.VISIBLE:
            raise SolutionsError(_("This amendment is hidden by the moderators."))
        if not solution.challenge.is_open(now):
            raise SolutionsError(_("This challenge is closed: it no longer takes new solutions, supports or comments."))
        fields = ["status", "answer", "decided_by", "decided_at"]
        if accept:
            if solution.state != SolutionState.PUBLISHED or solution.outcome:
                raise SolutionsError(_("This solution is not open for amendments."))
            if (solution.title, solution.body) != (locked.base_title, locked.base_body):
                raise SolutionsError(
                    _("The solution changed since this amendment was written: reject it, or ask for a new one.")
                )
            locked.revision = SolutionRevision.objects.create(
                solution=solution,
                title=solution.title,
                body=solution.body,
                edited_by=None if by_author else user,
                reason=answer,
            )
            fields.append("revision")
            solution.title, solution.body, solution.body_html = locked.title, locked.body, locked.body_html
            solution.edited_at = now
            solution.save(update_fields=["title", "body", "body_html", "edited_at"])
            _index(solution.pk, solution.language)
        locked.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
        locked.answer = answer
        locked.decided_by = None if by_author else user
        locked.decided_at = now
        locked.save(update_fields=fields)
        log_action(
            locked,
            f"solutions.amendment.{locked.status}",
            user=None if by_author else user,
            data={"solution": solution.pk, "by_author": by_author, "answer": answer},
        )
        from solutions.tasks import notify_amendment_task

        dispatch_on_commit(notify_amendment_task, amendment_id=locked.pk, event="decided")
    return locked


def amendments_close(*, now: dt.datetime | None = None) -> int:
    """Close the amendments still awaiting an answer when their challenge has closed."""
    now = now or timezone.now()
    return Amendment.objects.filter(status=AmendmentStatus.OPEN, solution__challenge__closes_at__lte=now).update(
        status=AmendmentStatus.CLOSED, decided_at=now
    )


def amendment_notify(*, amendment_id: int, event: str) -> bool:
    """Tell the solution's author of a new amendment, or the amender of the answer (once each)."""
    field = "notified_at" if event == "proposed" else "answer_notified_at"
    if not Amendment.objects.filter(pk=amendment_id, **{f"{field}__isnull": True}).update(**{field: timezone.now()}):
        return False
    amendment = Amendment.objects.select_related("solution", "author", "solution__author").get(pk=amendment_id)
    person = amendment.solution.author if event == "proposed" else amendment.author
    if person is None or person.status != Participant.Status.CONFIRMED or amendment.state != CommentState.VISIBLE:
        return False
    with translation.override(person.language):
        url = _link(reverse("solutions:solution", args=[amendment.solution_id])) + f"#amendment-{amendment.pk}"
    send_templated(
        to=[person.email],
        template=f"solutions/email/amendment_{'proposed' if event == 'proposed' else 'answered'}",
        language=person.language,
        context={"participant": person, "amendment": amendment, "solution": amendment.solution, "url": url},
    )
    return True


# --- the accountability loop -----------------------------------------------------------------


def outcome_record(
    *, solution: Solution, user, outcome: str, note: str = "", partner=None, happened_on: dt.date | None = None
) -> OutcomeUpdate:
    """Staff or the challenge's partner say what became of a solution; followers are told on commit."""
    if not may_manage_challenge(user=user, challenge=solution.challenge):
        raise PermissionDenied
    if outcome not in Outcome.values:
        raise SolutionsError({"outcome": _("Choose what became of the solution.")})
    if outcome == Outcome.NOT_TAKEN_UP and not note.strip():
        raise SolutionsError(
            {"note": _("Say why the solution was not taken up: its author and supporters will read it.")}
        )
    if outcome == Outcome.PILOTED:
        partner = partner or solution.challenge.partner or user_partner(user)
        if partner is None:
            raise SolutionsError({"partner": _("Name the partner that pilots the solution.")})
    update = OutcomeUpdate(
        solution=solution,
        outcome=outcome,
        partner=partner if outcome == Outcome.PILOTED else None,
        note=note.strip(),
        happened_on=happened_on or timezone.localdate(),
        created_by=user,
    )
    update.full_clean(exclude=["solution", "created_by"])
    with transaction.atomic():
        update.save()
        Solution.objects.filter(pk=solution.pk).update(
            outcome=outcome, outcome_partner=update.partner, outcome_at=timezone.now()
        )
        log_action(solution, "solutions.outcome.recorded", user=user, data={"outcome": outcome, "note": update.note})
        from solutions.tasks import notify_outcome_task

        dispatch_on_commit(notify_outcome_task, update_id=update.pk)
    return update


def _followers(solution: Solution) -> list[Participant]:
    ids = set(
        Follow.objects.filter(Q(solution=solution) | Q(challenge=solution.challenge_id)).values_list(
            "participant_id", flat=True
        )
    )
    if solution.author_id:
        ids.add(solution.author_id)
    return list(Participant.objects.filter(pk__in=ids, status=Participant.Status.CONFIRMED))


def outcome_notify(*, update_id: int) -> int:
    """Tell the author and followers once (the claim is a conditional UPDATE); returns how many were told.

    Follow notifications and the digest are transactional (heforshe.lib.mail): each is about a solution
    or challenge the person chose to follow, and unfollowing stops them; none goes to a list.
    """
    if not OutcomeUpdate.objects.filter(pk=update_id, notified_at__isnull=True).update(notified_at=timezone.now()):
        return 0
    update = OutcomeUpdate.objects.select_related("solution", "partner").get(pk=update_id)
    solution = update.solution
    told = 0
    for person in _followers(solution):
        with translation.override(person.language):
            url = _link(reverse("solutions:solution", args=[solution.pk]))
        send_templated(
            to=[person.email],
            template="solutions/email/outcome",
            language=person.language,
            list_unsubscribe=stop_emails_url(person),
            context={"participant": person, "update": update, "solution": solution, "url": url},
        )
        told += 1
    return told


def threshold_notify(*, solution_id: int) -> int:
    solution = Solution.objects.select_related("challenge").filter(pk=solution_id).first()
    if solution is None or solution.threshold_reached_at is None:
        return 0
    told = 0
    for person in _followers(solution):
        with translation.override(person.language):
            url = _link(reverse("solutions:solution", args=[solution.pk]))
        send_templated(
            to=[person.email],
            template="solutions/email/threshold",
            language=person.language,
            list_unsubscribe=stop_emails_url(person),
            context={"participant": person, "solution": solution, "url": url},
        )
        told += 1
    return told


def digest_send(*, participant_id: int, now: dt.datetime | None = None) -> bool:
    """One email with what happened since the last digest in what the person follows (nothing new: no email)."""
    now = now or timezone.now()
    person = Participant.objects.filter(pk=participant_id, status=Participant.Status.CONFIRMED).first()
    if person is None:
        return False
    since = person.digest_sent_at or person.confirmed_at or person.created_at
    # Claim the period: a duplicate task finds digest_sent_at moved and sends nothing.
    claimed = Participant.objects.filter(pk=person.pk, digest_sent_at=person.digest_sent_at).update(digest_sent_at=now)
    if not claimed:
        return False
    challenge_ids = list(person.follows.filter(challenge__isnull=False).values_list("challenge_id", flat=True))
    solution_ids = list(person.follows.filter(solution__isnull=False).values_list("solution_id", flat=True))
    published = Q(state=SolutionState.PUBLISHED)
    new_solutions = list(
        Solution.objects.filter(published, challenge_id__in=challenge_ids, created_at__gt=since, created_at__lte=now)
        .exclude(author=person)
        .order_by("-created_at")[:20]
    )
    new_comments = list(
        Comment.objects.filter(
            solution_id__in=solution_ids, state=CommentState.VISIBLE, created_at__gt=since, created_at__lte=now
        )
        .exclude(author=person)
        .select_related("solution")
        .order_by("-created_at")[:20]
    )
    outcomes = list(
        OutcomeUpdate.objects.filter(
            Q(solution_id__in=solution_ids) | Q(solution__challenge_id__in=challenge_ids),
            created_at__gt=since,
            created_at__lte=now,
        ).select_related("solution", "partner")[:20]
    )
    amendments = list(
        Amendment.objects.filter(
            Q(created_at__gt=since, created_at__lte=now) | Q(decided_at__gt=since, decided_at__lte=now),
            solution_id__in=solution_ids,
            state=CommentState.VISIBLE,
        )
        .exclude(author=person)
        .select_related("solution")
        .order_by("-created_at")[:20]
    )
    if not (new_solutions or new_comments or outcomes or amendments):
        return False
    with translation.override(person.language):
        base = settings.SITE_URL
        items = {
            "solutions": [(s.title, base + reverse("solutions:solution", args=[s.pk])) for s in new_solutions],
            "comments": [
                (c.solution.title, base + reverse("solutions:solution", args=[c.solution_id])) for c in new_comments
            ],
            "outcomes": [
                (u.solution.title, u.get_outcome_display(), base + reverse("solutions:solution", args=[u.solution_id]))
                for u in outcomes
            ],
            "amendments": [
                (
                    a.solution.title,
                    a.get_status_display(),
                    base + reverse("solutions:solution", args=[a.solution_id]) + f"#amendment-{a.pk}",
                )
                for a in amendments
            ],
        }
    send_templated(
        to=[person.email],
        template="solutions/email/digest",
        language=person.language,
        list_unsubscribe=stop_emails_url(person),
        context={"participant": person, **items},
    )
    return True


def digest_recipients() -> list[int]:
    return list(
        Participant.objects.filter(status=Participant.Status.CONFIRMED, follows__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )


# --- privacy ---------------------------------------------------------------------------------


def _participants(email: str):
    from pledges.identity import canonical_email

    return Participant.objects.filter(email_canonical=canonical_email(email))


def privacy_export(email: str) -> dict | None:
    person = _participants(email).first()
    if person is None:
        return None
    return {
        "first_name": person.first_name,
        "email": person.email,
        "country": person.country.code,
        "language": person.language,
        "confirmed_at": person.confirmed_at.isoformat() if person.confirmed_at else None,
        "solutions": [
            {
                "title": s.title,
                "body": s.body,
                "challenge": s.challenge.question,
                "state": s.state,
                "country": s.country.code,
                "town": s.town,
                "pseudonym": s.pseudonym,
                "keep_after_erasure": s.keep_after_erasure,
                "posted_at": s.created_at.isoformat(),
            }
            for s in person.solutions.select_related("challenge")
        ],
        "supports": [
            {"solution": sup.solution.title, "at": sup.created_at.isoformat()}
            for sup in person.supports.select_related("solution")
        ],
        "comments": [
            {"solution": c.solution.title, "body": c.body, "at": c.created_at.isoformat()}
            for c in person.comments.select_related("solution")
        ],
        "amendments": [
            {
                "solution": a.solution.title,
                "title": a.title,
                "body": a.body,
                "reason": a.reason,
                "status": a.status,
                "answer": a.answer,
                "proposed_at": a.created_at.isoformat(),
            }
            for a in person.amendments.select_related("solution")
        ],
        "following": person.follows.count(),
    }


def privacy_erase(email: str) -> None:
    """Erase a person: supports leave the counts, comments are removed, and each solution keeps its
    text under "a former participant" only if its author agreed when posting; otherwise it is removed."""
    for person in _participants(email):
        for solution_id in person.supports.values_list("solution_id", flat=True):
            SupportEvent.objects.create(solution_id=solution_id, delta=-1)
        person.supports.all().delete()
        person.comments.update(body="", body_html="", state=CommentState.REMOVED, author=None)
        # An accepted amendment's text is the solution's now: it stays, credited to "a former participant";
        # the rest of what the person wrote in amendments goes.
        person.amendments.filter(status=AmendmentStatus.ACCEPTED).update(author=None, reason="")
        person.amendments.exclude(status=AmendmentStatus.ACCEPTED).update(
            author=None, title="", body="", body_html="", reason="", state=CommentState.REMOVED
        )
        kept = person.solutions.filter(keep_after_erasure=True)
        kept.update(author=None, pseudonym="", town="")
        removed = person.solutions.filter(keep_after_erasure=False)
        # Others' amendments to a removed solution quote its text: they go with it.
        Amendment.objects.filter(solution__in=removed).update(
            title="", body="", body_html="", reason="", base_title="", base_body="", state=CommentState.REMOVED
        )
        for solution in removed:
            SolutionRevision.objects.filter(solution=solution).delete()
            if solution.photo_original:
                default_storage.delete(solution.photo_original.name)
            if solution.photo:
                default_storage.delete(solution.photo.name)
        removed.update(
            author=None,
            title="",
            body="",
            body_html="",
            pseudonym="",
            town="",
            search_vector=None,
            state=SolutionState.REMOVED,
            photo="",
            photo_original="",
            photo_status="",
        )
        person.delete()
