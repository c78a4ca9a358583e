from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from partners.frameworks import FRAMEWORKS
from partners.models import Commitment, Sector
from partners.services import commitments_adopt_framework
from tests.factories import PartnerFactory
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db


def test_the_frameworks_follow_the_strategy():
    assert [len(FRAMEWORKS[s]) for s in (Sector.UNIVERSITY, Sector.CORPORATION, Sector.GOVERNMENT)] == [8, 9, 8]


def test_adopting_twice_adds_nothing_and_unknown_actions_are_refused():
    partner = PartnerFactory(sector=Sector.CORPORATION)
    assert len(commitments_adopt_framework(partner=partner, codes=["corp-1", "corp-4"])) == 2
    assert len(commitments_adopt_framework(partner=partner)) == 7
    assert commitments_adopt_framework(partner=partner) == []
    assert partner.commitments.count() == 9
    with pytest.raises(ValidationError):
        commitments_adopt_framework(partner=partner, codes=["uni-1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(partner=partner, framework_code="corp-1")


def test_framework_commitments_read_in_the_visitors_language():
    partner = university()
    commitments_adopt_framework(partner=partner, codes=["uni-1"])
    c = partner.commitments.get()
    assert c.title == ""
    with translation.override("en"):
        assert c.display_title == "Campus launch with the President's keynote"


def test_a_commitment_of_ones_own_needs_a_title(client):
    admin = partner_admin()
    client.force_login(admin)
    data = {
        "pillar": "violence",
        "title": "",
        "indicator": "Reports handled",
        "baseline": "0",
        "target_value": "-5",
        "unit": "",
        "due_date": "2027-01-01",
        "description": "",
    }
    response = client.post("/en/partners/dashboard/commitments/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs a title" in html
    assert "greater than or equal to 0" in html
    data.update(title="Safe-campus helpline", target_value="12")
    assert client.post("/en/partners/dashboard/commitments/new/", data).status_code == 302
    assert Commitment.objects.get().title == "Safe-campus helpline"


def test_the_dashboard_chart_counts_pledges_against_the_target(client):
    from tests.partners.factories import confirmed_pledges

    admin = partner_admin()
    partner = admin.partner_memberships.get().partner
    partner.signup_target = 10
    partner.save()
    confirmed_pledges(partner, 4)
    client.force_login(admin)
    response = client.get("/en/partners/dashboard/")
    chart = response.context["chart"]
    assert chart.total == 4 and chart.rows[-1][2] == 4
    assert chart.plot.target_y is not None
    assert response.context["signup_percent"] == 40
    html = response.content.decode()
    assert 'class="signup-chart"' in html and 'class="target"' in html
    # Coordinates are never written with a decimal comma, whatever the language.
    french = client.get("/fr/partners/dashboard/").content.decode()
    assert re.search(r'(x|y)[12]?="[0-9.]*,', french) is None
    assert 'class="target"' in french
    svg = client.get("/en/partners/dashboard/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")


def test_a_new_report_starts_sign_up_commitments_from_the_pledge_count(client):
    from tests.partners.factories import confirmed_pledges, draft_report

    admin = partner_admin()
    partner = admin.partner_memberships.get().partner
    commitments_adopt_framework(partner=partner, codes=["uni-1", "uni-2"])
    confirmed_pledges(partner, 7)
    report = draft_report(partner)
    client.force_login(admin)
    form = client.get(f"/en/partners/dashboard/reports/{report.pk}/").context["form"]
    uni1, uni2 = partner.commitments.order_by("framework_code")
    assert form[f"value_{uni2.pk}"].value() == 7
    assert form[f"value_{uni1.pk}"].value() is None


def test_the_sign_up_target_becomes_the_sign_up_commitments_target_unless_set():
    from partners.services import partner_set_signup_target

    partner = university()
    commitments_adopt_framework(partner=partner, codes=["uni-1", "uni-2"])
    partner_set_signup_target(partner=partner, target=800)
    targets = dict(partner.commitments.values_list("framework_code", "target_value"))
    assert targets == {"uni-1": None, "uni-2": 800}
    partner.commitments.filter(framework_code="uni-2").update(target_value=650)
    partner_set_signup_target(partner=partner, target=900)
    assert partner.commitments.get(framework_code="uni-2").target_value == 650
