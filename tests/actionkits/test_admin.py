from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from actionkits import selectors, services
from actionkits.models import ActionKit, KitDownloadCount, KitTranslation, KitVersion
from heforshe.roles import KIT_EDITORS
from tests.factories import staff_user

from .factories import make_kit, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(staff_user(KIT_EDITORS))
    return client


def post_translation(client, kit, language, *, data_bytes, name, title):
    return client.post(
        "/admin/actionkits/kittranslation/add/",
        {
            "kit": kit.pk,
            "language": language,
            "title": title,
            "summary": f"{title} summary",
            "body": "<p>Body</p>",
            "file": SimpleUploadedFile(name, data_bytes, content_type="application/pdf"),
            "change_notes": "First edition",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )


def test_an_editor_uploads_a_kit_in_english_and_french(editor_client):
    response = editor_client.post(
        "/admin/actionkits/actionkit/add/",
        {
            "slug": "corporations",
            "audience": "corporations",
            "restricted_to_sector": "",
            "is_published": "on",
            "position": "0",
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kit = ActionKit.objects.get(slug="corporations")

    response = post_translation(editor_client, kit, "fr", data_bytes=pdf_bytes(), name="kit.pdf", title="Kit FR")
    assert response.status_code == 200
    assert "Add the English version of this kit first" in response.content.decode()

    response = post_translation(editor_client, kit, "en", data_bytes=pdf_bytes(), name="kit.pdf", title="Kit EN")
    assert response.status_code == 302
    response = post_translation(editor_client, kit, "fr", data_bytes=pdf_bytes("fr"), name="kit.pdf", title="Kit FR")
    assert response.status_code == 302
    assert set(KitTranslation.objects.filter(kit=kit).values_list("language", "version", "file_format")) == {
        ("en", 1, "pdf"),
        ("fr", 1, "pdf"),
    }
    assert KitVersion.objects.count() == 2

    listing = editor_client.get("/admin/actionkits/actionkit/").content.decode()
    assert 'title="French: Up to date">fr ✓' in listing
    assert 'title="Russian: Missing">ru –' in listing


def test_the_admin_rejects_a_mislabelled_file_and_a_bad_language(editor_client):
    kit = services.kit_create(slug="ngos", audience="ngos")
    response = post_translation(editor_client, kit, "en", data_bytes=b"not a pdf at all", name="kit.pdf", title="Kit")
    assert response.status_code == 200
    assert "content is" in response.content.decode()
    response = post_translation(editor_client, kit, "de", data_bytes=pdf_bytes(), name="kit.pdf", title="Kit")
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not KitTranslation.objects.exists()


def test_an_editor_restores_an_old_version(editor_client):
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    services.translation_save(kit=kit, language="en", title="Second title", summary="s")
    v1 = KitVersion.objects.get(translation=english, version=1)
    response = editor_client.post(
        "/admin/actionkits/kitversion/", {"action": "restore", "_selected_action": [v1.pk]}, follow=True
    )
    assert response.status_code == 200
    english.refresh_from_db()
    assert (english.version, english.title) == (3, "Kit universities [en]")


def test_download_counts_appear_in_the_admin_statistics(editor_client, client):
    kit = make_kit(languages=("en", "fr"))
    for language, times in (("en", 2), ("fr", 3)):
        for _ in range(times):
            services.download_record(kit_id=kit.pk, language=language, version=1, country="FR")
    response = editor_client.get(f"/admin/actionkits/actionkit/{kit.pk}/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<polyline" in html
    assert "Downloads since the kit was published: 5" in html
    assert KitDownloadCount.objects.filter(kit=kit).count() == 2
    listing = editor_client.get("/admin/actionkits/actionkit/").content.decode()
    assert f'/admin/actionkits/actionkit/{kit.pk}/statistics/">5</a>' in listing


def test_statistics_are_for_kit_staff_only(client):
    kit = make_kit()
    client.force_login(staff_user("Curators"))
    assert client.get(f"/admin/actionkits/actionkit/{kit.pk}/statistics/").status_code == 403


def test_the_staff_overview_shows_missing_and_out_of_date_languages(editor_client, client):
    kit = make_kit(languages=("en", "fr"))
    services.translation_save(kit=kit, language="en", title="Revised", summary="s")
    html = editor_client.get("/en/action-kits/staff/translations/").content.decode()
    assert "Out of date" in html
    assert "Missing" in html
    assert "Source" in html

    client.logout()
    anonymous = client.get("/en/action-kits/staff/translations/")
    assert anonymous.status_code == 302


def test_an_editor_uploads_a_new_file_as_a_new_version(editor_client):
    kit = make_kit()
    english = KitTranslation.objects.get(kit=kit, language="en")
    old_file = english.file.name
    response = editor_client.post(
        f"/admin/actionkits/kittranslation/{english.pk}/change/",
        {
            "title": english.title,
            "summary": english.summary,
            "body": english.body,
            "file": SimpleUploadedFile("kit-v2.pdf", pdf_bytes("v2"), content_type="application/pdf"),
            "change_notes": "New figures",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-0-id": KitVersion.objects.get(translation=english).pk,
            "versions-0-translation": english.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    english.refresh_from_db()
    assert english.version == 2
    assert english.file.name != old_file
    assert english.change_notes == "New figures"
    assert list(
        KitVersion.objects.filter(translation=english).values_list("version", flat=True).order_by("version")
    ) == [1, 2]


def test_an_editor_fixes_an_outdated_translation_without_marking_it_current(editor_client):
    kit = make_kit(languages=("en", "fr"))
    services.translation_save(kit=kit, language="en", title="Revised", summary="s")
    french = KitTranslation.objects.get(kit=kit, language="fr")
    form = {
        "title": "Titre corrigé",
        "summary": french.summary,
        "body": french.body,
        "change_notes": "Coquille",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    page = editor_client.get(f"/admin/actionkits/kittranslation/{french.pk}/change/").content.decode()
    assert 'id="id_matches_english">' in page  # offered, and not ticked: the translation is out of date
    response = editor_client.post(f"/admin/actionkits/kittranslation/{french.pk}/change/", form)
    assert response.status_code == 302
    french.refresh_from_db()
    assert (french.version, french.source_version) == (2, 1)
    assert selectors.translation_status(kit)["fr"] == "out_of_date"

    response = editor_client.post(
        f"/admin/actionkits/kittranslation/{french.pk}/change/",
        {**form, "title": "Titre révisé", "matches_english": "on"},
    )
    assert response.status_code == 302
    assert selectors.translation_status(kit)["fr"] == "current"
