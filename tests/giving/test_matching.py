"""Sponsors: matching up to a cap (held under concurrent gifts), pay-per-pledge from confirmed
attributed pledges, the thermometer and the finance statement."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from giving.models import Donation, DonationStatus, MatchAllocation, Offer
from giving.services import donation_mark_succeeded, matching_reduce
from heforshe.models import LogEntry
from heforshe.roles import FINANCE
from tests.factories import PartnerFactory, staff_user
from tests.pledges.factories import ConfirmedPledgeFactory


def make_offer(campaign, partner, **kw) -> Offer:
    now = timezone.now()
    defaults = {
        "kind": Offer.Kind.MATCH,
        "currency": "USD",
        "cap_minor": 10000,
        "starts_at": now - dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=10),
    }
    return Offer.objects.create(campaign=campaign, partner=partner, **{**defaults, **kw})


def pending(campaign, minor=3000, currency="USD") -> Donation:
    return Donation.objects.create(
        campaign=campaign, amount_minor=minor, currency=currency, email="d@example.org", provider="stripe"
    )


@pytest.mark.django_db
def test_a_match_doubles_a_gift_and_reports_what_remains(campaign, currencies):
    offer = make_offer(campaign, PartnerFactory(name="Vodafone"))
    donation = pending(campaign, 3000)
    donation_mark_succeeded(donation=donation)
    offer.refresh_from_db()
    assert offer.matched_minor == 3000
    client = Client()
    data = client.get(f"/en/give/campaigns/{campaign.slug}/progress.json").json()
    assert (data["raised_minor"], data["sponsored_minor"], data["total_minor"]) == (3000, 3000, 6000)
    assert data["offer_rows"][0]["remaining_minor"] == 7000
    page = client.get(f"/en/give/campaigns/{campaign.slug}/").content.decode()
    assert "Vodafone doubles every gift, up to $100.00" in page
    assert "$30.00 matched so far; $70.00 still to match." in page


@pytest.mark.django_db
def test_a_gift_in_another_currency_is_matched_at_the_rates_table(campaign, currencies):
    offer = make_offer(campaign, PartnerFactory())
    donation_mark_succeeded(donation=pending(campaign, 10000, "JPY"))  # 10,000 JPY at 0.0067 = USD 67.00
    offer.refresh_from_db()
    assert offer.matched_minor == 6700


@pytest.mark.django_db
def test_the_last_gift_gets_only_what_is_left_under_the_cap(campaign, currencies):
    offer = make_offer(campaign, PartnerFactory(), cap_minor=5000)
    for _ in range(2):
        donation_mark_succeeded(donation=pending(campaign, 3000))
    offer.refresh_from_db()
    assert offer.matched_minor == 5000
    assert sorted(MatchAllocation.objects.values_list("amount_minor", flat=True)) == [2000, 3000]


@pytest.mark.django_db
def test_a_refund_gives_the_matched_share_back_to_the_offer(campaign, currencies):
    offer = make_offer(campaign, PartnerFactory())
    donation = pending(campaign, 3000)
    donation_mark_succeeded(donation=donation)
    donation.refresh_from_db()
    Donation.objects.filter(pk=donation.pk).update(refunded_minor=3000, status=DonationStatus.REFUNDED)
    donation.refresh_from_db()
    matching_reduce(donation=donation)
    offer.refresh_from_db()
    assert offer.matched_minor == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not connection.vendor == "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_gifts_never_overdraw_the_cap(campaign, currencies):
    from django.db import transaction

    offer = make_offer(campaign, PartnerFactory(), cap_minor=10000)
    donations = [pending(campaign, 3000) for _ in range(8)]  # 24,000 wanted against 10,000
    barrier = threading.Barrier(len(donations))
    errors = []

    def pay(donation):
        try:
            barrier.wait()
            with transaction.atomic():
                donation_mark_succeeded(donation=donation)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=pay, args=(d,)) for d in donations]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    offer.refresh_from_db()
    assert offer.matched_minor == 10000
    assert sum(MatchAllocation.objects.values_list("amount_minor", flat=True)) == 10000
    assert Donation.objects.filter(status=DonationStatus.SUCCEEDED).count() == 8


@pytest.mark.django_db
def test_pay_per_pledge_counts_confirmed_attributed_pledges_up_to_the_cap(campaign, currencies):
    sponsor = PartnerFactory(name="Unilever")
    offer = make_offer(campaign, sponsor, kind=Offer.Kind.PER_PLEDGE, per_pledge_minor=100, cap_minor=250)
    for _ in range(2):
        ConfirmedPledgeFactory(partner=sponsor)
    ConfirmedPledgeFactory()  # not attributed to the sponsor
    data = Client().get(f"/en/give/campaigns/{campaign.slug}/progress.json").json()
    row = next(o for o in data["offer_rows"] if o["id"] == offer.pk)
    assert (row["count"], row["owed_minor"], row["remaining_minor"]) == (2, 200, 50)
    ConfirmedPledgeFactory(partner=sponsor)
    data = Client().get(f"/en/give/campaigns/{campaign.slug}/progress.json").json()
    row = next(o for o in data["offer_rows"] if o["id"] == offer.pk)
    assert (row["count"], row["owed_minor"], row["remaining_minor"]) == (3, 250, 0)


@pytest.mark.django_db
def test_finance_downloads_a_formula_safe_statement_of_what_each_sponsor_owes(campaign, currencies):
    sponsor = PartnerFactory(name='=HYPERLINK("http://evil.example")')
    make_offer(campaign, sponsor, kind=Offer.Kind.PER_PLEDGE, per_pledge_minor=100, cap_minor=10000)
    ConfirmedPledgeFactory(partner=sponsor)
    client = Client()
    user = staff_user(FINANCE)
    client.force_login(user)
    response = client.get("/en/give/staff/statement.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["sponsor", "campaign", "kind"]
    assert rows[1][0].startswith("'=HYPERLINK")
    assert rows[1][6:8] == ["1", "1.00"]
    assert LogEntry.objects.filter(action="giving.statement.exported", user=user).count() == 1


@pytest.mark.django_db
def test_the_campaign_page_shows_sponsor_tiers_and_the_partner_page_its_tier(campaign, currencies):
    from giving.models import SponsorAgreement, Tier

    sponsor = PartnerFactory(name="Acme Telecom", slug="acme")
    today = timezone.localdate()
    SponsorAgreement.objects.create(
        partner=sponsor, campaign=campaign, tier=Tier.PLATINUM, starts_on=today, ends_on=today + dt.timedelta(days=5)
    )
    page = Client().get(f"/en/give/campaigns/{campaign.slug}/").content.decode()
    assert "Acme Telecom" in page and "Platinum" in page
    partner_page = Client().get("/en/partners/acme/").content.decode()
    assert "HeForShe sponsor" in partner_page and "Platinum" in partner_page
