from __future__ import annotations

import pytest

from tests.conftest import _clear_cache
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
        make_kit(slug=f"kit-{n}", languages=("en", "fr"), restricted_to_sector="university" if n % 2 else "")
    _clear_cache()
    # count, page of kits, pillars, translations: whatever the number of kits, with a cold cache.
    with django_assert_num_queries(4):
        response = client.get("/api/v1/action-kits/")
    assert len(response.json()["results"]) == 5


def test_the_public_list_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(5):
        make_kit(slug=f"kit-{n}", languages=("en", "fr"), restricted_to_sector="university" if n % 2 else "")
    _clear_cache()
    # kits, pillars, translations, with a cold cache.
    with django_assert_num_queries(3):
        response = client.get("/fr/action-kits/")
    assert response.content.decode().count("kit-card-title") == 5


def test_the_kit_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    make_kit(slug="universities", languages=("en", "fr", "es", "ru"))
    _clear_cache()
    # kit, pillars, translations (anonymous visitor, public kit), with a cold cache.
    with django_assert_num_queries(3):
        response = client.get("/ar/action-kits/universities/")
    assert response.status_code == 200


@pytest.mark.parametrize(("param", "value"), [("pillar", "zzz"), ("audience", "x" * 5000)])
def test_an_unknown_filter_value_is_refused(client, param, value):
    make_kit()
    response = client.get(f"/api/v1/action-kits/?{param}={value}")
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": {param: [f'"{value}" is not a valid choice.']}}


def test_an_empty_filter_lists_every_kit(client):
    make_kit()
    response = client.get("/api/v1/action-kits/?audience=&pillar=")
    assert [kit["slug"] for kit in response.json()["results"]] == ["universities"]


def test_a_restricted_kit_tells_others_nothing_about_its_file(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    (kit,) = client.get("/api/v1/action-kits/").json()["results"]
    (english,) = kit["languages"]
    assert (english["file_format"], english["file_size"], english["download_url"]) == (None, None, None)

    client.force_login(MembershipFactory(partner=PartnerFactory(sector="corporation")).user)
    (kit,) = client.get("/api/v1/action-kits/").json()["results"]
    (english,) = kit["languages"]
    assert (english["file_format"], english["file_size"], english["download_url"]) == (None, None, None)


def test_a_restricted_kit_shows_its_file_to_its_sector(client):
    make_kit(slug="impact-guide", restricted_to_sector="university")
    client.force_login(MembershipFactory(partner=PartnerFactory(sector="university")).user)
    (kit,) = client.get("/api/v1/action-kits/").json()["results"]
    (english,) = kit["languages"]
    assert english["file_format"] == "pdf"
    assert english["file_size"] > 0


def test_the_api_list_for_a_partner_user_runs_a_fixed_number_of_queries_with_a_cold_cache(
    client, django_assert_num_queries
):
    for n in range(4):
        make_kit(slug=f"restricted-{n}", restricted_to_sector="university")
    client.force_login(MembershipFactory(partner=PartnerFactory(sector="university")).user)
    _clear_cache()
    # session, user, count, page of kits, pillars, translations, the user's membership: one for all four kits.
    with django_assert_num_queries(7):
        response = client.get("/api/v1/action-kits/")
    assert all(kit["languages"][0]["download_url"] for kit in response.json()["results"])
