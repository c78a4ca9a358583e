"""The four pillars are defined once (heforshe.lib.pillars) and every app takes them from there."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from heforshe.lib.pillars import DESCRIPTIONS, Pillar, pillars
from partners.models import FrameworkArea


def test_every_pillar_has_a_description():
    assert [(p.code, p.label, p.description) for p in pillars()] == [
        (pillar.value, pillar.label, DESCRIPTIONS[pillar]) for pillar in Pillar
    ]


def test_partner_framework_areas_are_the_four_pillars_and_two_areas_that_are_not():
    pillar_choices = set(Pillar.choices)
    assert pillar_choices <= set(FrameworkArea.choices)
    assert set(FrameworkArea.values) - set(Pillar.values) == {"mobilization", "education"}


@pytest.mark.django_db
def test_the_home_page_shows_each_pillar_with_its_description(client):
    html = client.get("/en/").content.decode()
    for pillar in pillars():
        assert f'<li class="card pillar pillar-{pillar.code}"><h3>{escape(pillar.label)}</h3>' in html
        assert f"<p>{escape(pillar.description)}</p>" in html
