from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation

from actionkits import selectors, services
from actionkits.models import FileFormat, KitTranslation, KitVersion
from actionkits.validators import validate_kit_file

from .factories import docx_bytes, make_kit, pdf_bytes, pdf_file, pptx_bytes, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("kit.pdf", pdf_bytes(), FileFormat.PDF),
        ("kit.docx", docx_bytes(), FileFormat.DOCX),
        ("slides.PPTX", pptx_bytes(), FileFormat.PPTX),
        ("posters.zip", zip_bytes(), FileFormat.ZIP),
    ],
)
def test_it_accepts_each_format_by_content(name, data, expected):
    assert validate_kit_file(ContentFile(data, name=name)) == (expected, len(data))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("kit.docx", pdf_bytes()),  # a PDF named as Word
        ("kit.pdf", b"MZ\x90\x00 an executable"),
        ("kit.pptx", docx_bytes()),  # Word named as PowerPoint
        ("kit.docx", zip_bytes()),  # a ZIP without word/document.xml
        ("kit.exe", pdf_bytes()),
    ],
)
def test_it_rejects_a_file_that_is_not_what_its_name_says(name, data):
    with pytest.raises(ValidationError):
        validate_kit_file(ContentFile(data, name=name))


def test_it_rejects_a_file_over_the_limit(settings):
    settings.ACTIONKITS_MAX_FILE_SIZE = 100
    with pytest.raises(ValidationError) as excinfo:
        validate_kit_file(ContentFile(pdf_bytes(), name="kit.pdf"))
    assert excinfo.value.code == "too_large"


def test_a_translation_needs_the_english_source_first():
    kit = services.kit_create(slug="governments", audience="governments")
    with pytest.raises(ValidationError) as excinfo:
        services.translation_save(kit=kit, language="fr", title="Kit", summary="Résumé")
    with translation.override("en"):
        assert "Add the English version of this kit first" in str(excinfo.value)
    assert not KitTranslation.objects.exists()


def test_it_rejects_a_language_that_is_not_one_of_the_six():
    kit = make_kit()
    with pytest.raises(ValidationError) as excinfo:
        services.translation_save(kit=kit, language="de", title="Kit", summary="Zusammenfassung")
    with translation.override("en"):
        assert "“de” is not one of the six UN languages" in str(excinfo.value)


def test_the_database_holds_one_row_per_kit_and_language():
    kit = make_kit()
    with pytest.raises(IntegrityError), transaction.atomic():
        KitTranslation.objects.create(kit=kit, language="en", title="Again", summary="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        KitTranslation.objects.create(kit=kit, language="xx", title="Bad", summary="x")


def test_each_change_is_a_new_version_and_old_files_are_kept():
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    first_file = english.file.name
    updated = services.translation_save(
        kit=kit,
        language="en",
        title="New title",
        summary=english.summary,
        body=english.body,
        file=pdf_file("kit-en.pdf", text="second"),
        change_notes="Rewrote the actions.",
    )
    assert updated.version == 2
    assert updated.file.name != first_file
    versions = list(KitVersion.objects.filter(translation=updated).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].file.name == first_file
    assert versions[0].file.storage.exists(first_file)
    assert versions[1].change_notes == "Rewrote the actions."


def test_saving_unchanged_content_writes_no_version():
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    again = services.translation_save(
        kit=kit, language="en", title=english.title, summary=english.summary, body=english.body
    )
    assert again.version == 1
    assert KitVersion.objects.filter(translation=english).count() == 1


def test_restoring_an_old_version_makes_it_current_as_a_new_version():
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    first_file, first_title = english.file.name, english.title
    services.translation_save(
        kit=kit, language="en", title="Second", summary="s", file=pdf_file("kit-en.pdf", text="second")
    )
    v1 = KitVersion.objects.get(translation=english, version=1)
    restored = services.translation_restore(version_id=v1.pk)
    assert restored.version == 3
    assert restored.title == first_title
    assert restored.file.name == first_file
    assert "1" in restored.change_notes
    assert KitVersion.objects.filter(translation=english).count() == 3


def test_translation_status_follows_the_english_version():
    kit = make_kit(languages=("en", "fr"))
    statuses = selectors.translation_status(kit)
    assert statuses["en"] == "source"
    assert statuses["fr"] == "current"
    assert statuses["ru"] == statuses["ar"] == statuses["es"] == statuses["zh-hans"] == "missing"

    english = KitTranslation.objects.get(kit=kit, language="en")
    services.translation_save(kit=kit, language="en", title="Revised", summary=english.summary)
    kit.refresh_from_db()
    assert selectors.translation_status(kit)["fr"] == "out_of_date"

    french = KitTranslation.objects.get(kit=kit, language="fr")
    services.translation_save(kit=kit, language="fr", title="Révisé", summary=french.summary)
    assert selectors.translation_status(kit)["fr"] == "current"


def test_kit_bodies_keep_structure_and_lose_scripts():
    kit = make_kit()
    saved = services.translation_save(
        kit=kit,
        language="en",
        title="Kit",
        summary="s",
        body='<h2 onclick="x()">Actions</h2><script>alert(1)</script><ol><li><a href="javascript:alert(1)">a</a>'
        '<li><a href="https://heforshe.org/">b</a></ol><img src=x onerror=alert(1)><p style="x">Text & more',
    )
    assert saved.body == (
        '<h2>Actions</h2><ol><li><a rel="noopener noreferrer nofollow">a</a></li>'
        '<li><a href="https://heforshe.org/" rel="noopener noreferrer nofollow">b</a></li></ol><p>Text &amp; more</p>'
    )


def test_stuck_previews_are_sent_again():
    from datetime import timedelta

    from django.utils import timezone

    kit = make_kit()
    translation = KitTranslation.objects.get(kit=kit, language="en")
    KitTranslation.objects.filter(pk=translation.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert services.previews_requeue() == 1
    translation.refresh_from_db()
    assert translation.preview_status == "ready"  # tasks run eagerly here
    assert services.previews_requeue() == 0


def test_a_failed_save_removes_the_file_it_stored(settings):
    from pathlib import Path

    kit = make_kit()
    folder = Path(settings.MEDIA_ROOT) / "actionkits" / kit.slug / "en"
    before = sorted(p.name for p in folder.rglob("*.pdf"))
    with pytest.raises(ValidationError):
        services.translation_save(kit=kit, language="en", title="x" * 300, summary="s", file=pdf_file("kit.pdf"))
    assert sorted(p.name for p in folder.rglob("*.pdf")) == before
    assert KitTranslation.objects.get(kit=kit, language="en").version == 1
