"""Progress reports: drafts, edits and the one state machine (`report_transition`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from heforshe.lib.audit import log_action
from heforshe.lib.mail import send_templated
from heforshe.lib.tasks import dispatch_on_commit
from partners.models import (
    Partner,
    PartnerMembership,
    ProgressReport,
    ReportEvent,
    ReportStatus,
    ReportValue,
)
from partners.periods import Quarter
from partners.services.commitments import derive_commitment_status
from partners.services.memberships import is_partner_admin


def _audit(
    *, report: ProgressReport, action: str, actor=None, from_status: str = "", to_status: str = "", comment: str = ""
) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, action=action, actor=actor, from_status=from_status, to_status=to_status, comment=comment
    )


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
    if actor is not None and not is_partner_admin(actor, report.partner_id):
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


def review_check(*, action: str, comment: str) -> None:
    """A returned report says what needs to change."""
    if action == Transition.RETURN and not (comment or "").strip():
        raise ValidationError({"comment": _("Say what needs to change when returning a report.")})


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
        if not is_partner_admin(actor, report.partner_id):
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
    review_check(action=action, comment=comment)
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
    log_action(report, f"partners.report_{event}", user=actor, data={"from": from_status, "comment": comment})
    if action == Transition.APPROVE:
        apply_approved_report(report)
    from partners.tasks import send_report_status_task

    dispatch_on_commit(send_report_status_task, report_id=report.pk, action=action)
    return report


def apply_approved_report(report: ProgressReport) -> None:
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
        send_templated(
            to=[membership.user.email],
            template="partners/emails/report_status",
            language=membership.language,
            context=context,
        )
