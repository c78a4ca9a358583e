"""Beat sweep: due drafts, overdue flags and reminder emails that are never lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partners.models import PartnerMembership, ProgressReport, ReportEvent, ReportReminder
from partners.periods import Quarter
from partners.services import (
    ReminderSendError,
    reminder_send,
    reminders_dispatch_unsent,
    reminders_schedule,
    report_create,
    reports_flag_overdue,
    reports_open_due_periods,
    reports_sweep,
)
from partners.tasks import reports_sweep as reports_sweep_task
from tests.conftest import requires_services, wait_for
from tests.partners import mail
from tests.partners.factories import partner_admin, partner_member, university

pytestmark = pytest.mark.django_db


def _report_due_in(partner, days: int) -> ProgressReport:
    """A draft whose due date is `days` from today (negative: overdue)."""
    today = timezone.localdate()
    report = report_create(partner=partner, quarter=Quarter.containing(today).previous())
    ProgressReport.objects.filter(pk=report.pk).update(due_date=today + dt.timedelta(days=days))
    report.refresh_from_db()
    return report


def test_the_sweep_opens_a_draft_for_each_champion_once():
    partner = university()
    # A champion that joined long ago gets a draft for the last closed quarter.
    type(partner).objects.filter(pk=partner.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    today = timezone.localdate()
    assert reports_open_due_periods(today=today) == 1
    assert reports_open_due_periods(today=today) == 0
    report = ProgressReport.objects.get(partner=partner)
    assert report.period_start == Quarter.containing(today).previous().start
    assert report.status == "draft"
    assert list(report.events.values_list("action", "actor")) == [("created", None)]


def test_overdue_reports_are_flagged_once_with_an_audit_entry():
    partner = university()
    overdue = _report_due_in(partner, -3)
    today = timezone.localdate()
    assert reports_flag_overdue(today=today) == [overdue.pk]
    assert reports_flag_overdue(today=today) == []
    overdue.refresh_from_db()
    assert overdue.overdue_since == today
    assert overdue.events.filter(action=ReportEvent.Action.FLAGGED_OVERDUE).count() == 1


def test_reminders_go_to_partner_admins_once(mailoutbox, settings):
    settings.PARTNERS_REMINDER_DAYS_BEFORE = 7
    partner = university()
    admin = partner_admin(partner)
    partner_member(partner)  # members are not reminded
    _report_due_in(partner, 5)
    _report_due_in(university(), 30)  # not due soon: no reminder (and no admin anyway)
    result = reports_sweep()
    assert result["scheduled"] == 1
    assert [m.to for m in mailoutbox] == [[admin.email]]
    assert "due" in mailoutbox[0].subject
    assert reports_sweep()["scheduled"] == 0
    assert len(mailoutbox) == 1
    assert ReportReminder.objects.get().sent_at is not None


def test_a_failing_mail_server_keeps_the_reminder_for_later(settings):
    partner = university()
    partner_admin(partner)
    report = _report_due_in(partner, -1)
    reminders_schedule(today=timezone.localdate())
    reminder = ReportReminder.objects.get()
    settings.MAILERS = {"default": {"BACKEND": "tests.partners.mail.FailingBackend"}}
    with pytest.raises(ReminderSendError):
        reminder_send(reminder_id=reminder.pk)
    reminder.refresh_from_db()
    assert reminder.sent_at is None and reminder.claimed_at is None and reminder.attempts == 1
    assert "Connection unexpectedly closed" in reminder.last_error
    report.refresh_from_db()
    assert report.status == "draft"
    # The next sweep picks the unsent row up again.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert reminders_dispatch_unsent() == 1
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.attempts == 2


def test_a_reminder_for_a_report_submitted_meanwhile_is_not_sent(mailoutbox):
    partner = university()
    partner_admin(partner)
    report = _report_due_in(partner, 2)
    reminders_schedule(today=timezone.localdate())
    ProgressReport.objects.filter(pk=report.pk).update(status="submitted")
    assert reminder_send(reminder_id=ReportReminder.objects.get().pk) is False
    assert mailoutbox == []
    assert reminders_dispatch_unsent() == 0


@requires_services
@pytest.mark.worker
def test_reminders_survive_a_failing_mail_server_on_a_real_worker(mail_worker):
    """The beat task runs on the worker; the first two sends fail; the email arrives once, in French."""
    partner = university()
    admin = partner_admin(partner)
    PartnerMembership.objects.filter(user=admin).update(language="fr")
    report = _report_due_in(partner, 3)
    report.narrative = "Déjà écrit"
    report.save(update_fields=["narrative"])
    mail.reset(failures=2)

    reports_sweep_task.delay()
    reminder = wait_for(lambda: ReportReminder.objects.filter(sent_at__isnull=False).first(), timeout=40)
    assert reminder.attempts == 3
    assert reminder.last_error == ""
    sent = mail.outbox()
    assert len(sent) == 1 and sent[0]["to"] == [admin.email]
    assert f"/fr/partners/dashboard/reports/{report.pk}/" in sent[0]["body"]
    assert "rapport d’avancement" in sent[0]["subject"]  # in the admin's language
    report.refresh_from_db()
    assert (report.status, report.narrative) == ("draft", "Déjà écrit")

    # Sweeping again finds nothing to write or send.
    assert reports_sweep() == {"opened": 0, "flagged": 0, "scheduled": 0, "dispatched": 0}
    assert len(mail.outbox()) == 1


def test_the_sweep_is_on_the_beat_schedule():
    from heforshe.celery import app

    entry = app.conf.beat_schedule["partners-reports-sweep"]
    assert entry["task"] == reports_sweep_task.name


def test_the_dashboard_lists_reports_to_complete_with_overdue_first(client):
    partner = university()
    admin = partner_admin(partner)
    overdue = _report_due_in(partner, -2)
    client.force_login(admin)
    response = client.get("/en/partners/dashboard/")
    assert [r.pk for r in response.context["to_complete"]] == [overdue.pk]
    html = response.content.decode()
    assert "Reports to complete" in html and "Overdue" in html


def test_a_reminder_claimed_by_a_worker_that_died_is_sent_by_a_later_sweep(mailoutbox):
    partner = university()
    admin = partner_admin(partner)
    _report_due_in(partner, 1)
    reminders_schedule(today=timezone.localdate())
    reminder = ReportReminder.objects.get()
    # A worker claimed it a minute ago and is (as far as anyone knows) still sending: leave it alone.
    ReportReminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=1))
    assert reminders_dispatch_unsent() == 0
    assert reminder_send(reminder_id=reminder.pk) is False
    # Eleven minutes on, the claim is stale: the worker died mid-send.
    ReportReminder.objects.filter(pk=reminder.pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=11))
    assert reminders_dispatch_unsent() == 1
    assert [m.to for m in mailoutbox] == [[admin.email]]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.claimed_at is None
