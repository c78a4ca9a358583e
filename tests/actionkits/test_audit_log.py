"""Staff changes to a kit's languages also write the site's audit log."""

from __future__ import annotations

import pytest

from actionkits import services
from actionkits.models import KitTranslation, KitVersion
from heforshe.lib.audit import entries_for
from heforshe.roles import KIT_EDITORS
from tests.actionkits.factories import make_kit
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def test_saving_and_restoring_a_language_are_audited_with_the_editor():
    editor = staff_user(KIT_EDITORS)
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    services.translation_save(kit=kit, language="en", title="Second", summary="s", user=editor)
    services.translation_restore(version_id=KitVersion.objects.get(translation=english, version=1).pk, user=editor)
    entries = [(e.action, e.user, e.data) for e in reversed(entries_for(english))]
    assert entries == [
        ("actionkits.translation_saved", None, {"version": 1}),
        ("actionkits.translation_saved", editor, {"version": 2}),
        ("actionkits.translation_restored", editor, {"version": 3, "restored": 1}),
    ]


def test_saving_unchanged_content_writes_no_entry():
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    services.translation_save(kit=kit, language="en", title=english.title, summary=english.summary, body=english.body)
    assert entries_for(english).count() == 1
