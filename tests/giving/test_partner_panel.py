"""A sponsor's tier on its partner page, contributed by giving through the partners panel registry."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from django.utils import timezone

from giving.models import SponsorAgreement, Tier
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(__file__).resolve().parents[2]


def _agreement(partner, **kwargs):
    today = timezone.localdate()
    fields = {
        "tier": Tier.values[0],
        "starts_on": today - dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=30),
    }
    return SponsorAgreement.objects.create(partner=partner, **{**fields, **kwargs})


def test_a_current_public_sponsorship_shows_its_tier_on_the_partner_page(client):
    partner = PartnerFactory(name="Unilever")
    agreement = _agreement(partner)
    page = client.get(f"/en/partners/{partner.slug}/").content.decode()
    assert f'<span class="badge">{agreement.get_tier_display()}</span>' in page


def test_a_partner_without_a_sponsorship_shows_no_sponsor_panel(client):
    partner = PartnerFactory(name="Quiet Co")
    assert 'class="sponsorships"' not in client.get(f"/en/partners/{partner.slug}/").content.decode()


def test_an_expired_sponsorship_is_not_shown(client):
    partner = PartnerFactory(name="Former Co")
    today = timezone.localdate()
    _agreement(partner, starts_on=today - dt.timedelta(days=60), ends_on=today - dt.timedelta(days=1))
    assert 'class="sponsorships"' not in client.get(f"/en/partners/{partner.slug}/").content.decode()


def test_the_partners_app_does_not_depend_on_giving():
    sources = [
        p for p in (ROOT / "partners").rglob("*") if p.suffix in (".py", ".html") and "migrations" not in p.parts
    ]
    assert [str(p) for p in sources if "giving" in p.read_text(encoding="utf-8")] == []
