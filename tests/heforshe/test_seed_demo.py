from __future__ import annotations

import pytest
from django.core.management import call_command

from partners.models import Partner, PartnerMembership

pytestmark = pytest.mark.django_db

CONTINENT = {
    "RW": "AF",
    "ZA": "AF",
    "NE": "AF",
    "SE": "EU",
    "GB": "EU",
    "JP": "AS",
    "JO": "AS",
    "BR": "SA",
    "MX": "NA",
    "US": "NA",
    "CA": "NA",
}


def test_seed_demo_is_idempotent_and_spans_regions():
    call_command("seed_demo", force=True)
    first = (Partner.objects.count(), PartnerMembership.objects.count())
    call_command("seed_demo", force=True)
    assert (Partner.objects.count(), PartnerMembership.objects.count()) == first
    countries = set(Partner.objects.values_list("country", flat=True))
    assert {CONTINENT[c] for c in countries if c in CONTINENT} >= {"AF", "EU", "AS", "SA", "NA"}
