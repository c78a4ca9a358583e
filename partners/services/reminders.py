"""The beat sweep: reports opened for each closed quarter, overdue flags and reminder emails."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from heforshe.lib.mail import send_templated
from heforshe.lib.tasks import send_task_now
from partners.models import (
    IMPACT_SECTORS,
    Partner,
    PartnerMembership,
    ProgressReport,
    ReportEvent,
    ReportReminder,
    ReportStatus,
)
from partners.periods import Quarter


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
    try:
        # A service message to the partner's own staff about their organisation's report (its
        # commitment): transactional, not a list they could leave. Auto-Submitted keeps auto-responders quiet.
        send_templated(
            to=[reminder.recipient.email],
            template="partners/emails/reminder",
            language=language,
            context=context,
        )
    except Exception as exc:  # noqa: BLE001 - any mail failure: keep the row, release it, retry
        ReportReminder.objects.filter(pk=reminder_id).update(claimed_at=None, last_error=repr(exc)[:500])
        raise ReminderSendError(str(exc)) from exc
    ReportReminder.objects.filter(pk=reminder_id).update(sent_at=timezone.now(), claimed_at=None, last_error="")
    return True
