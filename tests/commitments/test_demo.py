from __future__ import annotations

import pytest
from django.core.management import call_command

from commitments.selectors import dashboard
from partners.models import Partner
from pledges.models import Pledge

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_spans_three_generations():
    call_command("seed_demo", force=True)
    count = Pledge.objects.count()
    call_command("seed_demo", force=True)
    assert Pledge.objects.count() == count
    figures = dashboard(partner=Partner.objects.get(slug="waterloo"))
    generations = dict(figures["generations"])
    assert (generations["2"], generations["3+"]) == (16, 16)
    assert generations["1"] >= 8  # the partners demo brings direct sign-ups of its own
    assert figures["children_total"] == 6
    assert figures["members"]["total"] == 8
