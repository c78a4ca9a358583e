"""Kit pillars use the one pillar definition; the migration converts the codes kits had."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.html import escape

from actionkits import services
from heforshe.lib.pillars import Pillar
from tests.actionkits.factories import make_kit

pytestmark = pytest.mark.django_db

BEFORE = [("actionkits", "0002_pillars")]
AFTER = [("actionkits", "0003_pillar_codes_from_lib")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return MigrationExecutor(connection).loader.project_state(target).apps


def kit_codes(apps, slug: str) -> list[str]:
    kit = apps.get_model("actionkits", "ActionKit").objects.get(slug=slug)
    return sorted(kit.pillars.values_list("code", flat=True))


def test_the_migration_converts_stored_kit_codes_and_back():
    old_apps = migrate(BEFORE)
    OldPillar = old_apps.get_model("actionkits", "Pillar")
    OldKit = old_apps.get_model("actionkits", "ActionKit")
    OldPillar.objects.all().delete()
    for position, code in enumerate(
        ["economic_empowerment", "ending_violence", "governance_leadership", "peace_security"]
    ):
        OldPillar.objects.create(code=code, position=position)
    kit = OldKit.objects.create(slug="migrated", audience="universities")
    kit.pillars.set(OldPillar.objects.filter(code__in=["ending_violence", "peace_security"]))

    new_apps = migrate(AFTER)
    assert kit_codes(new_apps, "migrated") == ["peace", "violence"]
    assert sorted(new_apps.get_model("actionkits", "Pillar").objects.values_list("code", flat=True)) == sorted(
        Pillar.values
    )

    old_apps = migrate(BEFORE)
    assert kit_codes(old_apps, "migrated") == ["ending_violence", "peace_security"]
    migrate(AFTER)


def test_a_kit_takes_the_pillar_codes_of_the_rest_of_the_site():
    kit = make_kit(slug="one-definition", pillars=(Pillar.VIOLENCE, Pillar.ECONOMIC))
    assert sorted(kit.pillars.values_list("code", flat=True)) == ["economic", "violence"]


def test_an_old_kit_code_is_refused_rather_than_silently_dropped():
    with pytest.raises(ValueError, match="ending_violence"):
        services.kit_create(slug="old-code", audience="universities", pillars=["ending_violence"])


def test_the_kit_filter_offers_the_four_pillars_with_their_labels(client):
    html = client.get("/en/action-kits/").content.decode()
    for pillar in Pillar:
        assert f'<option value="{pillar.value}">{escape(pillar.label)}</option>' in html
