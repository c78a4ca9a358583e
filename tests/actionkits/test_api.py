from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, PartnerFactory

from .factories import make_kit

pytestmark = pytest.mark.django_db


def test_the_api_lists_kits_with_languages_and_download_urls(client):
    make_kit(slug="universities", languages=("en", "fr", "es"))
    response = client.get("/api/v1/action-kits/")
    assert response.status_code == 200
    (kit,) = response.json()["results"]
    assert kit["slug"] == "universities"
    assert kit["pillars"] == ["violence"]
    languages = {item["language"]: item for item in kit["languages"]}
    assert set(languages) == {"en", "fr", "es"}
    assert languages["fr"]["download_url"] == "http://testserver/fr/action-kits/universities/download/"
    assert languages["fr"]["page_url"] == "http://testserver/fr/action-kits/universities/"
    assert languages["fr"]["file_format"] == "pdf"
    assert languages["fr"]["file_size"] > 0


def test_restricted_kits_have_no_download_url_for_anonymous_callers(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    (kit,) = client.get("/api/v1/action-kits/").json()["results"]
    assert kit["restricted_to_sector"] == "university"
    assert kit["languages"][0]["download_url"] is None

    client.force_login(MembershipFactory(partner=PartnerFactory(sector="university")).user)
    (kit,) = client.get("/api/v1/action-kits/").json()["results"]
    assert kit["languages"][0]["download_url"].endswith("/en/action-kits/impact-guide/download/")


def test_the_api_filters_by_audience(client):
    make_kit(slug="universities", audience="universities")
    make_kit(slug="corporations", audience="corporations")
    slugs = [k["slug"] for k in client.get("/api/v1/action-kits/?audience=corporations").json()["results"]]
    assert slugs == ["corporations"]


def test_the_api_list_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(5):
        make_kit(slug=f"kit-{n}", languages=("en", "fr"))
    # count, page of kits, pillars, translations: whatever the number of kits.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/action-kits/")
    assert len(response.json()["results"]) == 5


def test_the_public_list_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(5):
        make_kit(slug=f"kit-{n}", languages=("en", "fr"))
    with django_assert_num_queries(3):
        response = client.get("/fr/action-kits/")
    assert response.content.decode().count("kit-card-title") == 5


def test_the_kit_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_kit(slug="universities", languages=("en", "fr", "es", "ru"))
    # kit, pillars, translations (anonymous visitor, public kit).
    with django_assert_num_queries(3):
        response = client.get("/ar/action-kits/universities/")
    assert response.status_code == 200
