"""The issue's "done when", end to end through the pages a person would use."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from partners.models import Partner, PartnerMembership, ProgressReport, ReportEvent
from tests.partners.factories import confirmed_pledges, last_quarter

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-campus-password-42"


def _admin_partner_add_data(**fields) -> dict:
    data = {
        "name": "University of Nairobi",
        "slug": "nairobi",
        "sector": "university",
        "country": "KE",
        "description": "Safe campuses for every student.",
        "website": "",
        "is_impact_champion": "on",
        "referral_code": "nbi2026x",
        "signup_target": "0",
        "is_active": "on",
    }
    for prefix in ("memberships", "commitments"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(fields)
    return data


def test_staff_invite_a_university_whose_admin_reports_until_the_public_page_shows_progress(
    client, partnerships_user, mailoutbox, django_capture_on_commit_callbacks
):
    staff = client
    staff.force_login(partnerships_user)

    # 1. Partnerships staff create the university and invite its admin from the admin site.
    response = staff.post("/admin/partners/partner/add/", _admin_partner_add_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(slug="nairobi")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/admin/partners/partnerinvitation/add/",
            {"partner": partner.pk, "email": "Dean@Nairobi.example", "role": "admin", "language": "fr"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["dean@nairobi.example"]
    assert "Vous êtes invité·e à agir pour University of Nairobi" in message.body  # the invitee's language
    link = re.search(r"https?://[^/\s]+(/fr/partners/invitations/[^/\s]+/)", message.body)
    assert link, message.body
    staff.logout()

    # 2. The dean accepts: a new account with a verified address, acting for the university.
    from django.test import Client

    dean = Client()
    page = dean.get(link.group(1))
    assert page.status_code == 200
    assert "University of Nairobi" in page.content.decode()
    response = dean.post(link.group(1), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].endswith("/partners/dashboard/")
    user = get_user_model().objects.get(email="dean@nairobi.example")
    assert EmailAddress.objects.get(user=user).verified
    assert PartnerMembership.objects.get(user=user).partner == partner
    assert PartnerMembership.objects.get(user=user).role == "admin"
    assert dean.get(link.group(1)).status_code == 410, "the link works once"
    # The account works with allauth's own sign-in.
    other = Client()
    assert other.post("/en/accounts/login/", {"login": "dean@nairobi.example", "password": PASSWORD}).status_code == 302
    assert "_auth_user_id" in other.session

    # 3. The dashboard offers the eight university actions; the dean adopts them and sets a target.
    html = dean.get("/en/partners/dashboard/").content.decode()
    assert html.count('name="actions"') == 8
    codes = [f"uni-{i}" for i in range(1, 9)]
    assert dean.post("/en/partners/dashboard/framework/", {"actions": codes}).status_code == 302
    assert list(partner.commitments.values_list("framework_code", flat=True)) == codes
    assert dean.post("/en/partners/dashboard/target/", {"signup_target": "500"}).status_code == 302
    partner.refresh_from_db()
    assert partner.signup_target == 500

    # 4. The referral link and QR code; pledges through it show on the dashboard.
    response = dean.get("/en/partners/dashboard/")
    html = response.content.decode()
    assert f"/en/pledge/?partner={partner.referral_code}" in html
    assert '<svg class="qr"' in html
    assert response.context["chart"].total == 0
    confirmed_pledges(partner, 3)
    response = dean.get("/en/partners/dashboard/")
    assert response.context["chart"].total == 3
    assert response.context["signup_percent"] == 0  # 3 of 500
    assert "stories/partials" not in html  # the panels are included, not printed
    assert "Your stories" in html and "Action kits for you" in html

    # 5. Targets for the sign-up commitment, then a report: submitted, returned, resubmitted, approved.
    signup = partner.commitments.get(framework_code="uni-2")
    response = dean.post(
        f"/en/partners/dashboard/commitments/{signup.pk}/",
        {
            "pillar": "mobilization",
            "title": "",
            "description": "",
            "indicator": "Men on campus signed up",
            "baseline": "0",
            "target_value": "500",
            "unit": "men",
            "due_date": "2030-06-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    quarter = last_quarter()
    response = dean.post("/en/partners/dashboard/reports/new/", {"period": quarter.key})
    assert response.status_code == 302
    report = ProgressReport.objects.get(partner=partner)
    report_url = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = dean.post(report_url, {"narrative": "Launch week.", f"value_{signup.pk}": "120", "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"

    staff.force_login(partnerships_user)
    review_url = f"/en/partners/staff/reports/{report.pk}/"
    assert "Launch week." in staff.get(review_url).content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(review_url, {"decision": "return", "comment": "Add the registration figures."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"
    assert [m.to for m in mailoutbox] == [["dean@nairobi.example"]]
    assert "Add the registration figures." in mailoutbox[0].body

    assert "Add the registration figures." in dean.get(report_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        dean.post(
            report_url,
            {"narrative": "Launch week; 450 men signed at registration.", f"value_{signup.pk}": "450", "submit": "1"},
        )
    report.refresh_from_db()
    assert report.status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(review_url, {"decision": "approve", "comment": ""}).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved"

    # 6. Every step is in the audit trail, and the public page shows the approved progress.
    assert list(report.events.values_list("action", flat=True)) == [
        ReportEvent.Action.CREATED,
        ReportEvent.Action.EDITED,
        ReportEvent.Action.SUBMITTED,
        ReportEvent.Action.RETURNED,
        ReportEvent.Action.EDITED,
        ReportEvent.Action.SUBMITTED,
        ReportEvent.Action.APPROVED,
    ]
    signup.refresh_from_db()
    assert signup.current_value == 450
    assert signup.status == "on_track"
    public = Client().get("/en/partners/nairobi/").content.decode()
    assert "450 men signed at registration" in public
    assert "Men on campus signed up" in public
    assert "University of Nairobi" in Client().get("/en/partners/").content.decode()
