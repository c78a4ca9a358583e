from __future__ import annotations

import pytest

from actionkits import demo, selectors
from actionkits.models import ActionKit, Audience, KitTranslation, KitVersion

pytestmark = pytest.mark.django_db


def test_the_demo_creates_a_kit_per_audience_with_files_and_is_idempotent():
    demo.seed(log=lambda message: None)
    counts = (ActionKit.objects.count(), KitTranslation.objects.count(), KitVersion.objects.count())
    demo.seed(log=lambda message: None)
    assert (ActionKit.objects.count(), KitTranslation.objects.count(), KitVersion.objects.count()) == counts

    assert set(ActionKit.objects.values_list("audience", flat=True)) == set(Audience.values)
    for kit in ActionKit.objects.all():
        languages = set(kit.translations.values_list("language", flat=True))
        assert {"en", "fr"} <= languages
    universities = KitTranslation.objects.get(kit__slug="universities", language="en")
    assert universities.body.count("<li>") == 8
    assert KitTranslation.objects.get(kit__slug="corporations", language="en").body.count("<li>") == 9
    assert KitTranslation.objects.get(kit__slug="governments", language="ru").file_format == "pdf"
    arabic = KitTranslation.objects.get(kit__slug="individuals", language="ar")
    assert arabic.file.open("rb").read(5) == b"%PDF-"
    chinese = KitTranslation.objects.get(kit__slug="universities", language="zh-hans")
    assert chinese.file_format == "docx"
    assert selectors.translation_status(ActionKit.objects.get(slug="ngos"))["fr"] == "out_of_date"
    assert ActionKit.objects.get(slug="impact-universities-implementation-guide").restricted_to_sector == "university"
