"""Hostile input to the stories pages, API and admin gets a 4xx answer, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from stories import services
from stories.models import Story
from tests.stories.factories import StoryFactory, jpeg_bytes, partner_member, published_story, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("country=%00", "country"),
        ("country=ZZ", "country"),
        ("country=" + "A" * 5000, "country"),
        ("pillar=zzz", "pillar"),
    ],
)
def test_an_unknown_api_filter_value_is_refused_with_400(client, query, field):
    published_story(country="NE")
    response = client.get(f"/api/v1/stories/?{query}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_country_filter_in_lower_case_still_works(client):
    published_story(country="BR")
    published_story(country="NE")
    assert client.get("/api/v1/stories/?country=br").json()["count"] == 1


@pytest.mark.parametrize("query", ["state=%00", "country=%00", "pillar=%00"])
def test_a_nul_character_in_an_admin_filter_is_refused_like_any_bad_filter(curator_client, query):
    response = curator_client.get(f"/admin/stories/story/?{query}")
    assert (response.status_code, response["Location"]) == (302, "/admin/stories/story/?e=1")


def test_a_nul_character_in_a_media_label_gets_404():
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    media = services.media_add(
        story=story, user=user, fileobj=upload("p.jpg", jpeg_bytes(80, 60)), name="p.jpg", size=1
    )
    client = Client()
    client.force_login(user)
    assert client.get(f"/en/stories/submit/{story.pk}/media/{media.pk}/file/w400%00.jpg").status_code == 404


def test_follow_up_contact_details_are_limited_to_2000_characters():
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user, contact_details="")
    client = Client()
    client.force_login(user)
    response = client.post(
        f"/en/stories/submit/{story.pk}/quote/",
        {"quote": "Listen first.", "pillar": "violence", "contact_details": "x" * 2001},
    )
    assert response.status_code == 200
    assert 'id="id_contact_details_error"' in response.content.decode()
    assert Story.objects.get(pk=story.pk).contact_details == ""
