from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from partners.models import CommitmentStatus, ProgressReport, ReportEvent
from partners.services import (
    Transition,
    derive_commitment_status,
    report_add_evidence,
    report_create,
    report_transition,
    report_update,
)
from tests.partners.factories import commitment, draft_report, last_quarter, partner_admin, partner_member, university
from tests.stories.factories import jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db

PNG = png_bytes(16, 16)
JPEG = jpeg_bytes(16, 16)


@pytest.fixture
def setup():
    partner = university()
    admin = partner_admin(partner)
    c = commitment(partner)
    return partner, admin, c


def test_a_second_report_for_the_same_period_is_refused_by_the_database(setup):
    partner, admin, _c = setup
    quarter = last_quarter()
    report_create(partner=partner, quarter=quarter, actor=admin)
    with pytest.raises(ValidationError) as excinfo:
        report_create(partner=partner, quarter=quarter, actor=admin)
    assert f"A report for Q{quarter.number} {quarter.year}" in str(excinfo.value)
    assert excinfo.value.error_dict["period"][0].code == "duplicate_period"
    # The constraint holds even for code that bypasses the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(
            partner=partner, period_start=quarter.start, period_end=quarter.end, due_date=quarter.due_date
        )
    assert ProgressReport.objects.filter(partner=partner).count() == 1


def test_the_dashboard_explains_a_duplicate_period(client, setup):
    partner, admin, _c = setup
    draft_report(partner)
    client.force_login(admin)
    response = client.post("/en/partners/dashboard/reports/new/", {"period": last_quarter().key})
    assert response.status_code == 400
    html = response.content.decode()
    assert "exists already" in html and "%(period)s" not in html
    assert f"Q{last_quarter().number} {last_quarter().year}" in html


def test_values_of_the_wrong_type_get_a_clear_error_and_nothing_is_lost(client, setup):
    partner, admin, c = setup
    report = draft_report(partner, actor=admin)
    client.force_login(admin)
    url = f"/en/partners/dashboard/reports/{report.pk}/"
    client.post(url, {"narrative": "First draft", f"value_{c.pk}": "12"})
    response = client.post(url, {"narrative": "Second", f"value_{c.pk}": "twelve", "submit": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a number" in html
    assert f'aria-describedby="commitment-{c.pk} id_value_{c.pk}_error"' in html
    assert f'id="commitment-{c.pk}"' in html and f'id="id_value_{c.pk}_error"' in html
    report.refresh_from_db()
    assert report.status == "draft" and report.narrative == "First draft"
    assert report.values.get().value == 12


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 this is a Windows program", "must be a PDF, PNG or JPEG"),
        ("notes.png", b"just text pretending", "must be a PDF, PNG or JPEG"),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * 3000, "too large"),
    ],
)
def test_evidence_is_checked_by_content_and_size(client, setup, settings, name, content, message):
    settings.PARTNERS_EVIDENCE_MAX_BYTES = 2048
    partner, admin, _c = setup
    report = draft_report(partner)
    client.force_login(admin)
    response = client.post(
        f"/en/partners/dashboard/reports/{report.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'aria-describedby="id_file_helptext id_file_error"' in html
    assert report.evidence.count() == 0


def test_png_and_jpeg_evidence_is_accepted_and_audited(setup):
    partner, admin, _c = setup
    report = draft_report(partner)
    png = report_add_evidence(report_id=report.pk, actor=admin, upload=SimpleUploadedFile("a.png", PNG, "text/plain"))
    jpg = report_add_evidence(report_id=report.pk, actor=admin, upload=SimpleUploadedFile("b.jpg", JPEG))
    assert (png.content_type, jpg.content_type) == ("image/png", "image/jpeg")
    # Stored under a random name, never the uploaded one.
    assert re.fullmatch(rf"partners/evidence/{partner.pk}/[0-9a-f]{{24}}\.png", png.file.name), png.file.name
    assert png.original_name == "a.png"
    assert report.events.filter(action=ReportEvent.Action.EVIDENCE_ADDED).count() == 2


def test_transitions_are_checked(setup, partnerships_user):
    partner, admin, c = setup
    report = draft_report(partner, actor=admin)
    with pytest.raises(ValidationError, match="narrative"):
        report_transition(report_id=report.pk, action=Transition.SUBMIT, actor=admin)
    with pytest.raises(PermissionDenied):
        report_transition(report_id=report.pk, action=Transition.APPROVE, actor=admin)
    with pytest.raises(ValidationError):
        report_transition(report_id=report.pk, action=Transition.APPROVE, actor=partnerships_user)
    member = partner_member(partner)
    report_update(report_id=report.pk, actor=admin, narrative="Done", values={c.pk: (Decimal(10), "")})
    with pytest.raises(PermissionDenied):
        report_transition(report_id=report.pk, action=Transition.SUBMIT, actor=member)
    report_transition(report_id=report.pk, action=Transition.SUBMIT, actor=admin)
    with pytest.raises(ValidationError):
        report_transition(report_id=report.pk, action=Transition.RETURN, actor=partnerships_user, comment=" ")
    with pytest.raises(ValidationError, match="no longer be changed"):
        report_update(report_id=report.pk, actor=admin, narrative="sneaky edit", values={})
    report_transition(report_id=report.pk, action=Transition.APPROVE, actor=partnerships_user)
    with pytest.raises(ValidationError):
        report_transition(report_id=report.pk, action=Transition.SUBMIT, actor=admin)
    report.refresh_from_db()
    assert report.status == "approved" and report.narrative == "Done"
    events = list(report.events.values_list("action", "from_status", "to_status"))
    assert events[-2:] == [("submitted", "draft", "submitted"), ("approved", "submitted", "approved")]


def test_values_for_another_partners_commitment_are_refused(setup):
    partner, admin, _c = setup
    foreign = commitment(university())
    report = draft_report(partner)
    with pytest.raises(ValidationError):
        report_update(report_id=report.pk, actor=admin, narrative="x", values={foreign.pk: (Decimal(1), "")})
    assert not report.values.exists()


def test_an_older_approval_does_not_overwrite_newer_progress(setup, partnerships_user):
    partner, admin, c = setup
    newer_q = last_quarter()
    older_q = newer_q.previous()
    for quarter, value in ((newer_q, 700), (older_q, 100)):
        r = report_create(partner=partner, quarter=quarter, actor=admin)
        report_update(report_id=r.pk, actor=admin, narrative="n", values={c.pk: (Decimal(value), "")})
        report_transition(report_id=r.pk, action=Transition.SUBMIT, actor=admin)
        report_transition(report_id=r.pk, action=Transition.APPROVE, actor=partnerships_user)
    c.refresh_from_db()
    assert c.current_value == 700


@pytest.mark.parametrize(
    ("value", "days_in", "expected"),
    [
        (1000, 50, CommitmentStatus.ACHIEVED),
        (500, 100, CommitmentStatus.ON_TRACK),  # halfway through, half done
        (350, 100, CommitmentStatus.AT_RISK),  # 70% of the expected pace
        (200, 100, CommitmentStatus.OFF_TRACK),  # 40% of the expected pace
        (0, 0, CommitmentStatus.ON_TRACK),  # nothing expected yet
    ],
)
def test_status_follows_the_line_from_baseline_to_target(setup, value, days_in, expected):
    partner, _admin, c = setup
    start = c.created_at.date()
    c.due_date = start + dt.timedelta(days=200)
    assert (
        derive_commitment_status(commitment=c, value=Decimal(value), on=start + dt.timedelta(days=days_in)) == expected
    )


def test_a_reduction_target_is_achieved_by_going_down(setup):
    partner, _admin, _c = setup
    c = commitment(partner, baseline=40, target_value=10, title="Cut the pay gap")
    on = c.created_at.date()
    assert derive_commitment_status(commitment=c, value=Decimal(9), on=on) == CommitmentStatus.ACHIEVED


def test_each_report_transition_also_writes_the_audit_log(setup, partnerships_user):
    from heforshe.lib.audit import entries_for

    partner, admin, c = setup
    report = draft_report(partner, actor=admin)
    report_update(report_id=report.pk, actor=admin, narrative="Done", values={c.pk: (Decimal(10), "")})
    report_transition(report_id=report.pk, action=Transition.SUBMIT, actor=admin)
    report_transition(report_id=report.pk, action=Transition.RETURN, actor=partnerships_user, comment="More detail")
    entries = [(e.action, e.user, e.data) for e in reversed(entries_for(report))]
    assert entries == [
        ("partners.report_submitted", admin, {"from": "draft", "comment": ""}),
        ("partners.report_returned", partnerships_user, {"from": "submitted", "comment": "More detail"}),
    ]
