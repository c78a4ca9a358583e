"""Intranet mode: sign-ups from a partner's approved email domains count as members, in aggregate only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from commitments.models import PartnerDomain, Review
from commitments.selectors import members_of
from commitments.services import domain_request, domain_review
from pledges.counting import fold_events
from pledges.services import PledgeInput, pledge_confirm, pledge_submit
from tests.factories import staff_user
from tests.partners.factories import partner_admin, university

pytestmark = pytest.mark.django_db


def confirmed(email: str, country: str = "KE", **extra) -> None:
    pledge = pledge_submit(data=PledgeInput(first_name="M", email=email, country=country, consent=True, **extra))
    pledge_confirm(pledge_id=pledge.pk)


def test_only_approved_domains_count_as_members():
    partner = university(slug="corp")
    admin = partner_admin(partner)
    approved = domain_request(partner=partner, domain="corp.example", actor=admin)
    domain_request(partner=partner, domain="pending.example", actor=admin)
    domain_review(domain_id=approved.pk, approve=True, actor=staff_user("Partnerships"))
    for i in range(6):
        confirmed(f"e{i}@corp.example")  # not through the partner's link: still members
    confirmed("x@pending.example")
    confirmed("y@elsewhere.example", partner_id=partner.pk)
    fold_events()
    members = members_of(partner_ids=[partner.pk])
    assert members["total"] == 6
    assert members["countries"] == [("KE", 6)]


def test_a_refused_domain_stops_counting():
    partner = university(slug="corp")
    claim = domain_request(partner=partner, domain="corp.example", actor=None)
    domain_review(domain_id=claim.pk, approve=True, actor=None)
    confirmed("e@corp.example")
    fold_events()
    assert members_of(partner_ids=[partner.pk])["total"] == 1
    domain_review(domain_id=claim.pk, approve=False, actor=None)
    assert members_of(partner_ids=[partner.pk])["total"] == 0


def test_countries_with_fewer_than_five_members_are_folded_away():
    partner = university(slug="corp")
    claim = domain_request(partner=partner, domain="corp.example", actor=None)
    domain_review(domain_id=claim.pk, approve=True, actor=None)
    for i in range(7):
        confirmed(f"k{i}@corp.example", "KE")
    for i in range(2):
        confirmed(f"f{i}@corp.example", "FR")
    fold_events()
    members = members_of(partner_ids=[partner.pk])
    # Showing KE's 7 would reveal FR's 2 by subtraction: KE is hidden too.
    assert members["countries"] == []
    assert members["elsewhere"] == 9


@pytest.mark.parametrize("domain", ["gmail.com", "hotmail.com", "mailinator.com", "not a domain", "x", "a@b"])
def test_free_mail_disposable_and_malformed_domains_are_refused(domain):
    with pytest.raises(ValidationError):
        domain_request(partner=university(), domain=domain, actor=None)


def test_a_domain_another_organisation_listed_is_refused():
    domain_request(partner=university(slug="one"), domain="corp.example", actor=None)
    with pytest.raises(ValidationError):
        domain_request(partner=university(slug="two", name="Two"), domain="CORP.example", actor=None)


def test_the_dashboard_shows_members_only_in_aggregate():
    partner = university(slug="corp")
    admin = partner_admin(partner)
    claim = domain_request(partner=partner, domain="corp.example", actor=admin)
    domain_review(domain_id=claim.pk, approve=True, actor=None)
    for i in range(5):
        confirmed(f"secret.person{i}@corp.example")
    fold_events()
    client = Client()
    client.force_login(admin)
    html = client.get("/en/partners/dashboard/commitments/").content.decode()
    assert "5 members from your approved domains" in html
    assert "secret.person" not in html


def test_staff_approve_a_domain_from_their_review_page():
    partner = university(slug="corp")
    claim = domain_request(partner=partner, domain="corp.example", actor=None)
    client = Client()
    client.force_login(staff_user("Partnerships"))
    assert "corp.example" in client.get("/en/partners/staff/commitments/").content.decode()
    response = client.post(f"/en/partners/staff/commitments/domains/{claim.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    assert PartnerDomain.objects.get().status == Review.APPROVED


def test_staff_approve_domains_from_the_admin_too():
    partner = university(slug="corp")
    claim = domain_request(partner=partner, domain="corp.example", actor=None)
    client = Client()
    client.force_login(staff_user("Partnerships"))
    assert client.get("/admin/commitments/partnerdomain/").status_code == 200
    response = client.post("/admin/commitments/partnerdomain/", {"action": "approve", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    assert PartnerDomain.objects.get().status == Review.APPROVED
