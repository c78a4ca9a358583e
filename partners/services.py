"""Writes of the partners app: partners, commitments, invitations and the report workflow.

Every state change of a progress report goes through `report_transition`,
which checks the transition, saves with `update_fields` and writes a
`ReportEvent` in the same transaction; edits go through `report_update` and
`report_add_evidence`, which audit through the same `_audit` helper.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from heforshe.lib.tasks import dispatch_on_commit, send_task_now
from partners.frameworks import action_by_code, framework_for
from partners.models import (
    IMPACT_SECTORS,
    Commitment,
    CommitmentStatus,
    Partner,
    PartnerInvitation,
    PartnerMembership,
    ProgressReport,
    ReportEvent,
    ReportEvidence,
    ReportReminder,
    ReportStatus,
    ReportValue,
)
from partners.periods import Quarter

logger = logging.getLogger(__name__)

INVITATION_SALT = "partners.invitation"


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:70] or "partner"
    slug, n = base, 2
    while Partner.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def partner_create(*, name: str, sector: str, country: str = "", **fields) -> Partner:
    partner = Partner(
        name=name, sector=sector, country=country, slug=fields.pop("slug", "") or _unique_slug(name), **fields
    )
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def membership_set(*, user, partner: Partner, role: str = PartnerMembership.Role.MEMBER) -> PartnerMembership:
    membership, _created = PartnerMembership.objects.update_or_create(
        user=user, defaults={"partner": partner, "role": role}
    )
    return membership


@transaction.atomic
def partner_set_signup_target(*, partner: Partner, target: int) -> Partner:
    """Set the number of men the partner aims to enlist.

    The framework's sign-up commitment (e.g. the universities' "men and boys on
    campus sign up") is the same promise: it takes this target unless the
    partner already gave it one of its own.
    """
    from partners.frameworks import SIGNUP_ACTIONS

    if target < 0:
        raise ValidationError({"signup_target": _("The target cannot be negative.")})
    partner.signup_target = target
    partner.save(update_fields=["signup_target", "updated_at"])
    partner.commitments.filter(framework_code__in=SIGNUP_ACTIONS, target_value=None).update(target_value=target)
    return partner


# --- Commitments ----------------------------------------------------------------


@transaction.atomic
def commitments_adopt_framework(*, partner: Partner, codes: Iterable[str] | None = None) -> list[Commitment]:
    """Create commitments from the sector framework; `codes` None adopts every action.

    Adopting again is harmless: actions already adopted are skipped (and the
    partial unique constraint would refuse a duplicate anyway).
    """
    actions = framework_for(partner.sector)
    if codes is not None:
        wanted = set(codes)
        unknown = wanted - {a.code for a in actions}
        if unknown:
            raise ValidationError(
                _("These actions are not part of your sector's framework: %(codes)s"),
                params={"codes": ", ".join(sorted(unknown))},
            )
        actions = [a for a in actions if a.code in wanted]
    existing = set(partner.commitments.exclude(framework_code="").values_list("framework_code", flat=True))
    start = partner.commitments.count()
    created = []
    for offset, action in enumerate(a for a in actions if a.code not in existing):
        commitment = Commitment(
            partner=partner,
            framework_code=action.code,
            pillar=action.pillar,
            position=start + offset,
        )
        commitment.full_clean()
        created.append(commitment)
    Commitment.objects.bulk_create(created)
    return created


COMMITMENT_FIELDS = ("pillar", "title", "description", "indicator", "baseline", "target_value", "unit", "due_date")


@transaction.atomic
def commitment_create(*, partner: Partner, **fields) -> Commitment:
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {unknown}")
    commitment = Commitment(partner=partner, position=partner.commitments.count(), **fields)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, **fields) -> Commitment:
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {unknown}")
    for name, value in fields.items():
        setattr(commitment, name, value)
    if not commitment.framework_code and not commitment.title:
        raise ValidationError({"title": _("A commitment of your own needs a title.")})
    commitment.full_clean()
    commitment.save(update_fields=[*fields, "updated_at"])
    return commitment


def derive_commitment_status(*, commitment: Commitment, value: Decimal, on: dt.date) -> str:
    """On track / at risk / off track from the value against a straight line to the target.

    The expected value on `on` lies on the line from the baseline (when the
    commitment was made) to the target (on its due date). Reaching 90% of the
    expected progress is on track, 60% at risk, less is off track. Targets
    below the baseline (reducing something) work the same way, mirrored.
    """
    target, baseline = commitment.target_value, commitment.baseline
    if target is None:
        return CommitmentStatus.ON_TRACK
    direction = 1 if target >= baseline else -1
    if (value - target) * direction >= 0:
        return CommitmentStatus.ACHIEVED
    start = commitment.created_at.date() if commitment.created_at else on
    if commitment.due_date and commitment.due_date > start:
        fraction = (on - start).days / (commitment.due_date - start).days
        fraction = Decimal(str(max(0.0, min(1.0, fraction))))
    else:
        fraction = Decimal(1)
    expected_gain = (target - baseline) * fraction * direction
    gain = (value - baseline) * direction
    if expected_gain <= 0:
        return CommitmentStatus.ON_TRACK
    ratio = gain / expected_gain
    if ratio >= Decimal("0.9"):
        return CommitmentStatus.ON_TRACK
    if ratio >= Decimal("0.6"):
        return CommitmentStatus.AT_RISK
    return CommitmentStatus.OFF_TRACK


# --- Invitations ------------------------------------------------------------------


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def invitation_token(invitation: PartnerInvitation) -> str:
    return signing.dumps([invitation.pk, invitation.key], salt=INVITATION_SALT, compress=True)


def invitation_url(invitation: PartnerInvitation) -> str:
    with translation.override(invitation.language):
        path = reverse("partners:invitation", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL + path


@transaction.atomic
def invitation_create(*, partner: Partner, email: str, role: str, language: str, invited_by) -> PartnerInvitation:
    """Invite someone to act for `partner`; the email goes out after commit."""
    email = _normalise_email(email)
    User = get_user_model()
    existing_user = User.objects.filter(email__iexact=email).first()
    if existing_user:
        membership = PartnerMembership.objects.filter(user=existing_user).select_related("partner").first()
        if membership and membership.partner_id != partner.pk:
            raise ValidationError(
                {"email": _("This person already acts for another organisation; each account belongs to one.")}
            )
        if membership:
            already = ValidationError(
                _("This person is already a member of %(partner)s."), params={"partner": partner.name}
            )
            raise ValidationError({"email": already})
    invitation = PartnerInvitation(partner=partner, email=email, role=role, language=language, invited_by=invited_by)
    invitation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError({"email": _("An invitation to this address is already waiting to be accepted.")}) from exc
    from partners.tasks import send_invitation_task

    dispatch_on_commit(send_invitation_task, invitation_id=invitation.pk)
    return invitation


def invitation_resend(*, invitation: PartnerInvitation) -> None:
    if not invitation.is_pending:
        raise ValidationError(_("This invitation was already accepted or revoked."))
    from partners.tasks import send_invitation_task

    dispatch_on_commit(send_invitation_task, invitation_id=invitation.pk)


def invitation_revoke(*, invitation: PartnerInvitation) -> None:
    PartnerInvitation.objects.filter(pk=invitation.pk, accepted_at=None).update(revoked_at=timezone.now())


def invitation_send(*, invitation_id: int) -> bool:
    """Send (or re-send) the invitation email in the invitee's language. Idempotent enough:
    a repeated email carries the same valid link."""
    invitation = PartnerInvitation.objects.select_related("partner", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        logger.info("invitation %s is gone or no longer pending; not sending", invitation_id)
        return False
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "partner": invitation.partner,
            "url": invitation_url(invitation),
            "role": invitation.get_role_display(),
            "days": settings.PARTNERS_INVITATION_MAX_AGE_DAYS,
        }
        subject = gettext("You are invited to act for %(partner)s on HeForShe") % {"partner": invitation.partner.name}
        body = render_to_string("partners/emails/invitation.txt", context)
        html = render_to_string("partners/emails/invitation.html", context)
    message = EmailMultiAlternatives(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    PartnerInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


@dataclass(frozen=True)
class InvitationLookup:
    invitation: PartnerInvitation | None
    error: str = ""


def invitation_from_token(token: str) -> InvitationLookup:
    max_age = dt.timedelta(days=settings.PARTNERS_INVITATION_MAX_AGE_DAYS)
    try:
        pk, key = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return InvitationLookup(None, str(_("This invitation has expired. Ask for a new one.")))
    except (signing.BadSignature, ValueError, TypeError):
        return InvitationLookup(None, str(_("This invitation link is not valid.")))
    invitation = PartnerInvitation.objects.select_related("partner").filter(pk=pk, key=key).first()
    if invitation is None or invitation.revoked_at:
        return InvitationLookup(None, str(_("This invitation was withdrawn.")))
    if invitation.accepted_at:
        return InvitationLookup(invitation, str(_("This invitation was already used.")))
    return InvitationLookup(invitation)


@transaction.atomic
def invitation_accept(*, invitation: PartnerInvitation, user) -> PartnerMembership:
    """Link `user` to the invitation's partner. The link can be used once.

    Following the emailed link proves control of the address, so it is
    marked verified (allauth would otherwise ask to confirm it again).
    """
    if _normalise_email(user.email) != invitation.email:
        raise ValidationError(
            _("This invitation was sent to %(email)s; sign in with that address to accept it."),
            params={"email": invitation.email},
        )
    other = PartnerMembership.objects.filter(user=user).exclude(partner=invitation.partner_id).exists()
    if other:
        raise ValidationError(_("Your account already acts for another organisation."))
    claimed = PartnerInvitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not claimed:
        raise ValidationError(_("This invitation was already used."))
    membership = membership_set(user=user, partner=invitation.partner, role=invitation.role)
    if membership.language != invitation.language:
        membership.language = invitation.language
        membership.save(update_fields=["language"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=invitation.email, defaults={"email": invitation.email, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return membership


@transaction.atomic
def invitation_accept_new_user(*, invitation: PartnerInvitation, password: str):
    """Create the invitee's account (verified email) and accept the invitation."""
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this address exists already: sign in to accept."))
    user = User(username=invitation.email[:150], email=invitation.email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    invitation_accept(invitation=invitation, user=user)
    return user


# --- Progress reports ---------------------------------------------------------------


def _audit(
    *, report: ProgressReport, action: str, actor=None, from_status: str = "", to_status: str = "", comment: str = ""
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, action=action, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )


def _is_partner_admin(user, partner_id: int) -> bool:
    return PartnerMembership.objects.filter(
        user=user, partner_id=partner_id, role=PartnerMembership.Role.ADMIN, partner__is_active=True
    ).exists()


def can_review_reports(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("partners.review_progressreport"))


DUPLICATE_PERIOD_MESSAGE = _("A report for %(period)s exists already. Open it from your dashboard instead.")


@transaction.atomic
def report_create(*, partner: Partner, quarter: Quarter, actor=None) -> ProgressReport:
    """Open a draft report for a quarter; a second one for the same quarter is refused by the database."""
    report = ProgressReport(
        partner=partner, period_start=quarter.start, period_end=quarter.end, due_date=quarter.due_date
    )
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        duplicate = ValidationError(DUPLICATE_PERIOD_MESSAGE, params={"period": quarter.label}, code="duplicate_period")
        raise ValidationError({"period": duplicate}) from exc
    _audit(report=report, action=ReportEvent.Action.CREATED, actor=actor, to_status=report.status)
    return report


def _lock_open_report(report_id: int, actor) -> ProgressReport:
    report = ProgressReport.objects.select_for_update().get(pk=report_id)
    if actor is not None and not _is_partner_admin(actor, report.partner_id):
        raise PermissionDenied
    if not report.is_open:
        raise ValidationError(
            _("This report is %(status)s and can no longer be changed."), params={"status": report.get_status_display()}
        )
    return report


@transaction.atomic
def report_update(*, report_id: int, actor, narrative: str, values: dict[int, tuple[Decimal | None, str]]):
    """Save the narrative and the value per commitment of an open report.

    `values` maps commitment ids of the report's partner to (value, note);
    a value of None removes the entry.
    """
    report = _lock_open_report(report_id, actor)
    valid_ids = set(report.partner.commitments.values_list("id", flat=True))
    stray = set(values) - valid_ids
    if stray:
        raise ValidationError(_("Some values are for commitments of another organisation."))
    report.narrative = narrative
    report.save(update_fields=["narrative", "updated_at"])
    for commitment_id, (value, note) in values.items():
        if value is None:
            ReportValue.objects.filter(report=report, commitment_id=commitment_id).delete()
            continue
        ReportValue.objects.update_or_create(
            report=report, commitment_id=commitment_id, defaults={"value": value, "note": note}
        )
    _audit(
        report=report, action=ReportEvent.Action.EDITED, actor=actor, from_status=report.status, to_status=report.status
    )
    return report


# Magic bytes of the evidence formats we accept: the browser's content type and
# the file name are not trusted.
EVIDENCE_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
MAX_EVIDENCE_FILES = 10


def sniff_evidence_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in EVIDENCE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def validate_evidence(upload: UploadedFile) -> str:
    limit = settings.PARTNERS_EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            code="too_large",
        )
    content_type = sniff_evidence_type(upload)
    if content_type is None:
        raise ValidationError(_("Evidence must be a PDF, PNG or JPEG file."), code="bad_type")
    return content_type


@transaction.atomic
def report_add_evidence(*, report_id: int, actor, upload: UploadedFile) -> ReportEvidence:
    report = _lock_open_report(report_id, actor)
    content_type = validate_evidence(upload)
    if report.evidence.count() >= MAX_EVIDENCE_FILES:
        raise ValidationError(_("A report can carry at most %(n)s files."), params={"n": MAX_EVIDENCE_FILES})
    evidence = ReportEvidence(
        report=report,
        original_name=(upload.name or "evidence")[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    _audit(report=report, action=ReportEvent.Action.EVIDENCE_ADDED, actor=actor, comment=evidence.original_name)
    return evidence


@transaction.atomic
def report_remove_evidence(*, evidence_id: int, actor) -> None:
    evidence = ReportEvidence.objects.select_related("report").get(pk=evidence_id)
    report = _lock_open_report(evidence.report_id, actor)
    name = evidence.original_name
    # The stored file goes once the row is really gone.
    storage, path = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path))
    _audit(report=report, action=ReportEvent.Action.EVIDENCE_REMOVED, actor=actor, comment=name)


class Transition:
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"


TRANSITIONS = {
    # action: (allowed from, to, event)
    Transition.SUBMIT: (
        (ReportStatus.DRAFT, ReportStatus.RETURNED),
        ReportStatus.SUBMITTED,
        ReportEvent.Action.SUBMITTED,
    ),
    Transition.RETURN: ((ReportStatus.SUBMITTED,), ReportStatus.RETURNED, ReportEvent.Action.RETURNED),
    Transition.APPROVE: ((ReportStatus.SUBMITTED,), ReportStatus.APPROVED, ReportEvent.Action.APPROVED),
}


@transaction.atomic
def report_transition(*, report_id: int, action: str, actor, comment: str = "") -> ProgressReport:
    """The one way a report changes state: submit (partner admin), return or approve (Partnerships).

    Locks the row, checks who may do what from which state, saves with
    `update_fields`, writes the audit entry and, on approval, derives the
    commitments' status from the report, all in one transaction. Emails go
    out after commit.
    """
    if action not in TRANSITIONS:
        raise ValueError(f"unknown transition {action!r}")
    report = ProgressReport.objects.select_for_update().select_related("partner").get(pk=report_id)
    allowed_from, to_status, event = TRANSITIONS[action]
    if action == Transition.SUBMIT:
        if not _is_partner_admin(actor, report.partner_id):
            raise PermissionDenied
    elif not can_review_reports(actor):
        raise PermissionDenied
    if report.status not in allowed_from:
        raise ValidationError(
            _("A report that is %(status)s cannot be %(action)s."),
            params={"status": report.get_status_display(), "action": ReportEvent.Action(event).label.lower()},
            code="bad_transition",
        )
    if action == Transition.SUBMIT and (not report.narrative.strip() or not report.values.exists()):
        raise ValidationError(_("Add a narrative and at least one value before submitting."), code="incomplete")
    if action == Transition.RETURN and not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change when returning a report.")})
    now = timezone.now()
    from_status = report.status
    report.status = to_status
    fields = ["status", "updated_at"]
    if action == Transition.SUBMIT:
        report.submitted_at, report.submitted_by = now, actor
        fields += ["submitted_at", "submitted_by"]
    else:
        report.reviewed_at, report.reviewed_by, report.review_comment = now, actor, comment
        fields += ["reviewed_at", "reviewed_by", "review_comment"]
    report.save(update_fields=fields)
    _audit(report=report, action=event, actor=actor, from_status=from_status, to_status=to_status, comment=comment)
    if action == Transition.APPROVE:
        _apply_approved_report(report)
    from partners.tasks import send_report_status_task

    dispatch_on_commit(send_report_status_task, report_id=report.pk, action=action)
    return report


def _apply_approved_report(report: ProgressReport) -> None:
    """Derive each reported commitment's status from the latest approved report."""
    newer = ProgressReport.objects.filter(
        partner_id=report.partner_id, status=ReportStatus.APPROVED, period_start__gt=report.period_start
    ).exists()
    if newer:
        return  # a late approval of an older period does not overwrite newer progress
    now = timezone.now()
    for entry in report.values.select_related("commitment"):
        commitment = entry.commitment
        commitment.current_value = entry.value
        commitment.status = derive_commitment_status(commitment=commitment, value=entry.value, on=report.period_end)
        commitment.status_updated_at = now
        commitment.save(update_fields=["current_value", "status", "status_updated_at"])


# --- Periods, overdue flags and reminders (run by the beat sweep) ---------------------


def reports_open_due_periods(*, today: dt.date) -> int:
    """Make sure each active IMPACT champion has a draft for the last closed quarter.

    A report that is due must exist as a row, so that reminders and overdue
    flags have something to point at. Idempotent: the unique constraint and
    `ignore_conflicts` make a second run a no-op.
    """
    quarter = Quarter.containing(today).previous()
    partners = Partner.objects.filter(
        is_active=True, is_impact_champion=True, sector__in=IMPACT_SECTORS, created_at__date__lte=quarter.end
    ).exclude(reports__period_start=quarter.start)
    drafts = [
        ProgressReport(partner=p, period_start=quarter.start, period_end=quarter.end, due_date=quarter.due_date)
        for p in partners
    ]
    before = ProgressReport.objects.count()
    with transaction.atomic():
        ProgressReport.objects.bulk_create(drafts, ignore_conflicts=True)
        # Every report's history starts with its creation, here by the system (no actor).
        unaudited = ProgressReport.objects.filter(period_start=quarter.start, events__isnull=True)
        ReportEvent.objects.bulk_create(
            ReportEvent(report_id=pk, action=ReportEvent.Action.CREATED, to_status=ReportStatus.DRAFT)
            for pk in unaudited.values_list("id", flat=True)
        )
    return ProgressReport.objects.count() - before


@transaction.atomic
def reports_flag_overdue(*, today: dt.date) -> list[int]:
    """Flag open reports past their due date, once each, with an audit entry."""
    ids = list(
        ProgressReport.objects.select_for_update(skip_locked=True)
        .filter(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED), due_date__lt=today, overdue_since=None)
        .values_list("id", flat=True)
    )
    if ids:
        ProgressReport.objects.filter(pk__in=ids).update(overdue_since=today)
        ReportEvent.objects.bulk_create(
            ReportEvent(report_id=pk, action=ReportEvent.Action.FLAGGED_OVERDUE) for pk in ids
        )
    return ids


def reminders_schedule(*, today: dt.date) -> int:
    """Write the reminder rows due today (once per report, kind and admin)."""
    soon = today + dt.timedelta(days=settings.PARTNERS_REMINDER_DAYS_BEFORE)
    open_reports = ProgressReport.objects.filter(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED))
    rows = []
    for kind, reports in (
        (ReportReminder.Kind.DUE_SOON, open_reports.filter(due_date__gte=today, due_date__lte=soon)),
        (ReportReminder.Kind.OVERDUE, open_reports.filter(due_date__lt=today)),
    ):
        admins = PartnerMembership.objects.filter(
            role=PartnerMembership.Role.ADMIN, partner__reports__in=reports, user__is_active=True
        ).values_list("partner__reports__id", "user_id")
        rows += [ReportReminder(report_id=report_id, kind=kind, recipient_id=user_id) for report_id, user_id in admins]
    # ignore_conflicts returns every row it was given; count what is really new.
    before = ReportReminder.objects.count()
    ReportReminder.objects.bulk_create(rows, ignore_conflicts=True)
    return ReportReminder.objects.count() - before


REMINDER_CLAIM_TTL = dt.timedelta(minutes=10)
REMINDER_MAX_ATTEMPTS = 20


def reminders_dispatch_unsent() -> int:
    """Send a task for every reminder not yet delivered (new ones and earlier failures)."""
    from partners.tasks import send_report_reminder_task

    stale = timezone.now() - REMINDER_CLAIM_TTL
    ids = list(
        ReportReminder.objects.filter(sent_at=None, attempts__lt=REMINDER_MAX_ATTEMPTS)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
        .values_list("id", flat=True)[:1000]
    )
    for pk in ids:
        send_task_now(send_report_reminder_task, reminder_id=pk)
    return len(ids)


def reports_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    opened = reports_open_due_periods(today=today)
    flagged = reports_flag_overdue(today=today)
    scheduled = reminders_schedule(today=today)
    dispatched = reminders_dispatch_unsent()
    return {"opened": opened, "flagged": len(flagged), "scheduled": scheduled, "dispatched": dispatched}


class ReminderSendError(Exception):
    """The mail server refused or failed; the reminder stays unsent and is retried."""


def reminder_send(*, reminder_id: int) -> bool:
    """Deliver one reminder at most once (at least once if a worker dies mid-send).

    Claims the row with a conditional UPDATE so two workers never send the
    same reminder; a failure releases the claim and records the error.
    """
    now = timezone.now()
    claimed = (
        ReportReminder.objects.filter(pk=reminder_id, sent_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - REMINDER_CLAIM_TTL))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    reminder = ReportReminder.objects.select_related("report__partner", "recipient").get(pk=reminder_id)
    report = reminder.report
    if not report.is_open:
        # Submitted meanwhile: nothing to remind about. Closing the row keeps the sweep from retrying it.
        ReportReminder.objects.filter(pk=reminder_id).update(sent_at=now, claimed_at=None, last_error="not needed")
        return False
    membership = PartnerMembership.objects.filter(user=reminder.recipient).first()
    language = membership.language if membership else settings.LANGUAGE_CODE
    with translation.override(language):
        path = reverse("partners:report", kwargs={"pk": report.pk})
        context = {
            "report": report,
            "partner": report.partner,
            "url": settings.SITE_URL + path,
            "kind": reminder.kind,
            "period": report.period_label,
        }
        if reminder.kind == ReportReminder.Kind.OVERDUE:
            subject = gettext("Your HeForShe progress report for %(period)s is overdue")
        else:
            subject = gettext("Your HeForShe progress report for %(period)s is due soon")
        subject = subject % {"period": report.period_label}
        body = render_to_string("partners/emails/reminder.txt", context)
    try:
        EmailMultiAlternatives(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [reminder.recipient.email],
        ).send()
    except Exception as exc:  # noqa: BLE001 - any mail failure: keep the row, release it, retry
        ReportReminder.objects.filter(pk=reminder_id).update(claimed_at=None, last_error=repr(exc)[:500])
        raise ReminderSendError(str(exc)) from exc
    ReportReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now(), claimed_at=None, last_error="")
    return True


def report_status_notify(*, report_id: int, action: str) -> None:
    """Tell the partner admins (returned/approved) or nobody (submitted: staff see the queue)."""
    if action == Transition.SUBMIT:
        return
    report = ProgressReport.objects.select_related("partner").filter(pk=report_id).first()
    if report is None:
        return
    for membership in PartnerMembership.objects.filter(
        partner_id=report.partner_id, role=PartnerMembership.Role.ADMIN
    ).select_related("user"):
        with translation.override(membership.language):
            path = reverse("partners:report", kwargs={"pk": report.pk})
            context = {
                "report": report,
                "partner": report.partner,
                "url": settings.SITE_URL + path,
                "action": action,
                "period": report.period_label,
            }
            if action == Transition.APPROVE:
                subject = gettext("Your progress report for %(period)s was approved")
            else:
                subject = gettext("Your progress report for %(period)s was returned with comments")
            subject = subject % {"period": report.period_label}
            body = render_to_string("partners/emails/report_status.txt", context)
        EmailMultiAlternatives(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]
        ).send()


def framework_action_label(code: str) -> str:
    action = action_by_code(code)
    return str(action.title) if action else code
