from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from partners.models import Commitment, Partner, ProgressReport, Sector
from partners.services import commitments_adopt_framework
from tests.factories import PartnerFactory
from tests.partners.factories import confirmed_pledges, draft_report, university

pytestmark = pytest.mark.django_db


def test_the_overview_shows_fill_statuses_and_overdue_reports(client, partnerships_user):
    for _ in range(3):
        PartnerFactory(sector=Sector.GOVERNMENT, is_impact_champion=True)
    uni = university(name="Overdue University")
    commitments_adopt_framework(partner=uni)
    Commitment.objects.filter(partner=uni, framework_code="uni-1").update(status="on_track")
    Commitment.objects.filter(partner=uni, framework_code="uni-2").update(status="off_track")
    report = draft_report(uni)
    ProgressReport.objects.filter(pk=report.pk).update(due_date="2020-01-01")
    client.force_login(partnerships_user)
    response = client.get("/en/partners/staff/")
    assert response.status_code == 200
    sectors = {s["sector"]: s["count"] for s in response.context["sectors"]}
    assert sectors == {"government": 3, "corporation": 0, "university": 1}
    assert [r.partner for r in response.context["overdue"]] == [uni]
    row = next(r for r in response.context["rows"] if r["partner"] == uni)
    assert row["statuses"]["on_track"] == 1 and row["statuses"]["off_track"] == 1
    assert row["commitments"] == 8
    assert row["overdue"] == 1
    assert "Overdue University" in response.content.decode()


def test_the_csv_export_has_a_row_per_champion_and_defuses_formulas(client, partnerships_user):
    evil = university(name='=HYPERLINK("http://evil")', signup_target=50)
    confirmed_pledges(evil, 7)
    university(name="Plain University")
    client.force_login(partnerships_user)
    response = client.get("/en/partners/staff/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["Partner", "Sector", "Country", "Sign-ups", "Sign-up target"]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {'\'=HYPERLINK("http://evil")', "Plain University"}
    assert by_name['\'=HYPERLINK("http://evil")'][3:5] == ["7", "50"]


def test_demo_data_is_idempotent_and_looks_alive():
    call_command("seed_demo", force=True)
    counts = (Commitment.objects.count(), ProgressReport.objects.count())
    call_command("seed_demo", force=True)
    assert (Commitment.objects.count(), ProgressReport.objects.count()) == counts
    champions = Partner.objects.filter(is_impact_champion=True)
    assert champions.count() >= 10
    for partner in champions:
        assert partner.commitments.count() >= 8
        assert partner.reports.filter(status="approved").exists()
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert {"on_track", "at_risk", "off_track"} <= statuses


def test_the_admin_links_to_the_overview_and_the_review_page(client, partnerships_user):
    report = draft_report(university())
    client.force_login(partnerships_user)
    html = client.get("/admin/partners/progressreport/").content.decode()
    assert "/partners/staff/" in html and "/partners/staff/export.csv" in html
    assert f"/partners/staff/reports/{report.pk}/" in html
