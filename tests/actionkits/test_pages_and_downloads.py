from __future__ import annotations

import pytest

from actionkits.models import KitDownloadCount, KitTranslation
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

from .factories import make_kit

pytestmark = pytest.mark.django_db

GB_IP = "81.2.69.160"  # in the GeoLite2 test ranges: United Kingdom


def read(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_french_visitor_reads_and_downloads_the_french_kit(client):
    kit = make_kit(languages=("en", "fr"))
    page = client.get("/fr/action-kits/universities/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kit universities [fr]" in html
    assert "<p>Body in fr</p>" in html
    assert 'href="/fr/action-kits/universities/download/"' in html
    assert 'hreflang="en"' in html  # English listed among the other languages

    response = client.get("/fr/action-kits/universities/download/", REMOTE_ADDR=GB_IP)
    assert response.status_code == 200
    french = KitTranslation.objects.get(kit=kit, language="fr")
    assert read(response) == french.file.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert "universities-fr-v1.pdf" in response["Content-Disposition"]
    count = KitDownloadCount.objects.get()
    assert (count.kit_id, count.language, count.version, count.country, count.count) == (kit.pk, "fr", 1, "GB", 1)


def test_a_russian_visitor_sees_the_english_fallback_with_a_notice(client):
    make_kit(languages=("en", "fr"))
    html = client.get("/ru/action-kits/universities/").content.decode()
    assert "Kit universities [en]" in html
    assert "kit-fallback" in html
    assert 'lang="en"' in html
    response = client.get("/ru/action-kits/universities/download/")
    assert read(response).startswith(b"%PDF")
    assert KitDownloadCount.objects.get().language == "en"


def test_the_list_filters_by_audience_and_pillar(client):
    make_kit(slug="universities", audience="universities", pillars=("violence",))
    make_kit(slug="corporations", audience="corporations", pillars=("economic",))
    html = client.get("/en/action-kits/?audience=corporations").content.decode()
    assert "Kit corporations [en]" in html and "Kit universities [en]" not in html
    html = client.get("/en/action-kits/?pillar=violence").content.decode()
    assert "Kit universities [en]" in html and "Kit corporations [en]" not in html
    html = client.get("/en/action-kits/?audience=nonsense").content.decode()
    assert "Kit universities [en]" in html and "Kit corporations [en]" in html


def test_a_kit_without_english_is_not_public(client):
    from actionkits import services

    services.kit_create(slug="draft", audience="ngos")
    assert client.get("/en/action-kits/draft/").status_code == 404
    assert client.get("/en/action-kits/draft/download/").status_code == 404


def test_a_single_range_is_answered_with_206(client):
    kit = make_kit()
    data = KitTranslation.objects.get(kit=kit, language="en").file.open("rb").read()
    response = client.get("/en/action-kits/universities/download/", HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert read(response) == data[10:20]
    assert response["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert response["Content-Length"] == "10"

    tail = client.get("/en/action-kits/universities/download/", HTTP_RANGE="bytes=-5")
    assert tail.status_code == 206 and read(tail) == data[-5:]
    # A resumed download is not a new download; one that starts at byte 0 is.
    assert not KitDownloadCount.objects.exists()
    client.get("/en/action-kits/universities/download/", HTTP_RANGE="bytes=0-")
    assert KitDownloadCount.objects.get().count == 1


def test_an_unsatisfiable_range_is_answered_with_416(client):
    kit = make_kit()
    size = KitTranslation.objects.get(kit=kit, language="en").file_size
    response = client.get("/en/action-kits/universities/download/", HTTP_RANGE=f"bytes={size + 10}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_several_ranges_get_the_whole_file(client):
    make_kit()
    response = client.get("/en/action-kits/universities/download/", HTTP_RANGE="bytes=0-1,5-9")
    assert response.status_code == 200
    assert read(response).startswith(b"%PDF")


def test_x_accel_redirect_hands_the_file_to_the_proxy(client, settings):
    settings.ACTIONKITS_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    kit = make_kit()
    response = client.get("/en/action-kits/universities/download/")
    name = KitTranslation.objects.get(kit=kit, language="en").file.name
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert response.content == b""
    assert KitDownloadCount.objects.get().count == 1


def test_a_restricted_kit_sends_anonymous_visitors_to_sign_in_without_the_file(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    response = client.get("/en/action-kits/impact-guide/download/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=/en/action-kits/impact-guide/download/")
    assert b"%PDF" not in response.content
    page = client.get("/en/action-kits/impact-guide/").content.decode()
    assert "/download/" not in page
    assert "Body in en" not in page
    assert not KitDownloadCount.objects.exists()


def test_a_partner_user_of_the_sector_downloads_a_restricted_kit(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    member = MembershipFactory(partner=PartnerFactory(sector="university"))
    client.force_login(member.user)
    response = client.get("/en/action-kits/impact-guide/download/")
    assert response.status_code == 200
    assert read(response).startswith(b"%PDF")
    assert KitDownloadCount.objects.get().count == 1


def test_a_partner_user_of_another_sector_is_refused(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    member = MembershipFactory(partner=PartnerFactory(sector="corporation"))
    client.force_login(member.user)
    assert client.get("/en/action-kits/impact-guide/download/").status_code == 403
    client.force_login(UserFactory())
    assert client.get("/en/action-kits/impact-guide/download/").status_code == 403
    assert not KitDownloadCount.objects.exists()


def test_the_partner_panel_lists_the_kits_of_the_partners_sector(client):
    from django.template.loader import render_to_string

    make_kit(slug="universities", audience="universities")
    make_kit(slug="impact-guide", audience="universities", restricted_to_sector="university")
    make_kit(slug="corporations", audience="corporations")
    partner = PartnerFactory(sector="university")
    html = render_to_string("actionkits/partials/partner_panel.html", {"partner": partner})
    assert "Kit universities [en]" in html
    assert "Kit impact-guide [en]" in html
    assert "Kit corporations [en]" not in html
    assert "/en/action-kits/universities/download/" in html


def test_the_pages_are_translated_and_arabic_is_right_to_left(client):
    make_kit(languages=("en", "fr"))
    html = client.get("/fr/action-kits/").content.decode()
    assert "Kits d'action multilingues" in html
    html = client.get("/ar/action-kits/universities/").content.decode()
    assert 'dir="rtl"' in html
    assert "هذه المجموعة غير متوفرة بلغتك بعد" in html
    assert '<article class="kit" lang="en" dir="ltr">' in html


def test_object_storage_downloads_redirect_to_a_url_signed_for_minutes(client, settings):
    kit = make_kit()
    name = KitTranslation.objects.get(kit=kit, language="en").file.name
    # From now on the files are read through a storage without local paths.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.actionkits.storages.UrlOnlyStorage"},
    }
    settings.MEDIA_SIGNED_URL_SECONDS = 300
    response = client.get("/en/action-kits/universities/download/")
    assert response.status_code == 302
    assert response["Location"] == f"https://bucket.example/{name}?X-Amz-Expires=300&X-Amz-Signature=test"
    assert KitDownloadCount.objects.get().count == 1


def test_a_stale_if_range_gets_the_whole_file(client):
    make_kit()
    response = client.get(
        "/en/action-kits/universities/download/", HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE='"kit-1-v0-1"'
    )
    assert response.status_code == 200
    etag = response["ETag"]
    response = client.get("/en/action-kits/universities/download/", HTTP_RANGE="bytes=10-19", HTTP_IF_RANGE=etag)
    assert response.status_code == 206


def test_an_unknown_filter_value_is_a_400_that_still_lists_every_kit(client):
    make_kit(slug="universities", audience="universities")
    make_kit(slug="corporations", audience="corporations")
    response = client.get("/fr/action-kits/?pillar=zzz")
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        '<ul class="errorlist" id="id_pillar_error"><li>Sélectionnez un choix valide. zzz n’en fait pas partie.</li></ul>'
        in html
    )
    assert "Kit universities [en]" in html
    assert "Kit corporations [en]" in html
