from __future__ import annotations

import pytest
from django.db import transaction

from actionkits import services
from actionkits.models import KitTranslation, PreviewStatus
from tests.conftest import requires_services, wait_for

from .factories import docx_bytes, make_kit, pdf_file


@pytest.mark.django_db
def test_the_preview_service_renders_the_first_page_once():
    kit = make_kit()
    translation = KitTranslation.objects.get(kit=kit, language="en")
    assert translation.preview_status == PreviewStatus.PENDING
    assert services.translation_generate_preview(translation_id=translation.pk) is True
    translation.refresh_from_db()
    assert translation.preview_status == PreviewStatus.READY
    data = translation.preview.open("rb").read()
    assert data.startswith(b"\x89PNG")
    name = translation.preview.name
    # Running again (a retried task) changes nothing.
    assert services.translation_generate_preview(translation_id=translation.pk) is True
    translation.refresh_from_db()
    assert translation.preview.name == name


@pytest.mark.django_db
def test_a_broken_pdf_marks_the_preview_failed_without_raising():
    kit = make_kit()
    translation = KitTranslation.objects.get(kit=kit, language="en")
    KitTranslation.objects.filter(pk=translation.pk).update(preview_status=PreviewStatus.PENDING)
    with translation.file.open("wb") as handle:
        handle.write(b"%PDF-1.4 truncated")
    assert services.translation_generate_preview(translation_id=translation.pk) is False
    translation.refresh_from_db()
    assert translation.preview_status == PreviewStatus.FAILED
    assert translation.preview_error


@pytest.mark.django_db
def test_non_pdf_files_get_no_preview():
    from django.core.files.base import ContentFile

    kit = make_kit()
    translation = services.translation_save(
        kit=kit, language="en", title="Word", summary="s", file=ContentFile(docx_bytes(), name="kit.docx")
    )
    assert translation.preview_status == PreviewStatus.NONE


@requires_services
@pytest.mark.worker
def test_a_real_worker_generates_the_preview_on_the_media_queue(live_worker):
    # The session's worker was started with another MEDIA_ROOT than this
    # test's: restart it so that it reads the files this test writes.
    live_worker.restart()
    with transaction.atomic():
        kit = make_kit()
    translation = KitTranslation.objects.get(kit=kit, language="en")
    wait_for(lambda: KitTranslation.objects.get(pk=translation.pk).preview_status == PreviewStatus.READY, timeout=60)
    translation.refresh_from_db()
    assert translation.preview.name.endswith("preview.png")

    # A new file queues a new preview, which replaces the old one.
    with transaction.atomic():
        services.translation_save(
            kit=kit, language="en", title="v2", summary="s", file=pdf_file("kit-en.pdf", text="second")
        )
    wait_for(
        lambda: (
            (t := KitTranslation.objects.get(pk=translation.pk)).preview_status == PreviewStatus.READY
            and "/v2-" in t.preview.name
        ),
        timeout=60,
    )


@pytest.mark.django_db
def test_a_preview_is_public_media_at_a_stable_unsigned_url(settings):
    from pathlib import Path

    settings.MEDIA_PUBLIC_URL = "/media/public/"
    kit = make_kit()
    translation = KitTranslation.objects.get(kit=kit, language="en")
    services.translation_generate_preview(translation_id=translation.pk)
    translation.refresh_from_db()
    assert Path(settings.MEDIA_ROOT, "public", translation.preview.name).read_bytes().startswith(b"\x89PNG")
    assert translation.preview.url == f"/media/public/{translation.preview.name}"


@pytest.mark.django_db
def test_previews_made_in_the_private_storage_are_rendered_again(settings):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("actionkits.migrations.0004_preview_public_storage")
    kit = make_kit()
    KitTranslation.objects.filter(kit=kit).update(preview="actionkits/old/preview.png", preview_status="ready")
    migration.render_again(apps, None)
    translation = KitTranslation.objects.get(kit=kit, language="en")
    assert (translation.preview.name, translation.preview_status) == ("", PreviewStatus.PENDING)
