"""Partner emails go through the one mail helper: unescaped subjects, language, HTML part, bulk reminders."""

from __future__ import annotations

import pytest

from partners.services import invitation_create, reports_sweep
from tests.partners.factories import partner_admin, university
from tests.partners.test_reminders import _report_due_in

pytestmark = pytest.mark.django_db


def test_the_invitation_subject_keeps_the_partners_name_as_typed(mailoutbox, django_capture_on_commit_callbacks):
    partner = university(name="Fathers & Sons <Nairobi>")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(partner=partner, email="amani@example.org", role="member", language="en", invited_by=None)
    assert [m.subject for m in mailoutbox] == ["You are invited to act for Fathers & Sons <Nairobi> on HeForShe"]


def test_the_invitation_is_text_and_html_in_the_invitees_language(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            partner=university(), email="amani@example.org", role="member", language="fr", invited_by=None
        )
    message = mailoutbox[0]
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.message().get_content_type() == "multipart/alternative"
    assert [a.mimetype for a in message.alternatives] == ["text/html"]
    assert '<html lang="fr" dir="ltr">' in message.alternatives[0].content
    assert message.message()["Precedence"] is None


def test_a_report_reminder_is_a_transactional_service_message(mailoutbox, settings):
    settings.PARTNERS_REMINDER_DAYS_BEFORE = 7
    partner = university()
    partner_admin(partner)
    _report_due_in(partner, 5)
    reports_sweep()
    headers = mailoutbox[0].message()
    # To the partner's own staff about their organisation's report: not a list anyone leaves.
    assert headers["Precedence"] is None
    assert headers["List-Unsubscribe"] is None
    assert headers["Auto-Submitted"] == "auto-generated"
