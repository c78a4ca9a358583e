from __future__ import annotations

import pytest

from pledges.demo import seed
from pledges.geo import country_facts
from pledges.models import Action, Pledge
from pledges.selectors import pledge_stats

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_confirmed_counted_and_spans_every_region():
    seed(log=lambda msg: None)
    first = (Pledge.objects.count(), Action.objects.count())
    seed(log=lambda msg: None)
    assert (Pledge.objects.count(), Action.objects.count()) == first
    assert first[0] >= 3000 and first[1] == 12
    stats = pledge_stats()
    assert stats["total"] == first[0]  # reconciled into the count rows
    continents = {country_facts()[c["code"]]["continent"] for c in stats["countries"]}
    assert {"AF", "AS", "EU", "NA", "SA", "OC"} <= continents
    assert len(stats["countries"]) >= 80
    assert Action.objects.filter(translations__ar__title__isnull=False).count() == 12
