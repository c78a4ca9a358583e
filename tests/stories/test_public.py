"""Gallery, story page, feed and the public API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from stories import services
from stories.models import MediaStatus, StoryState
from tests.conftest import _clear_cache
from tests.stories.factories import StoryFactory, jpeg_bytes, published_story, upload

pytestmark = pytest.mark.django_db
LANGS = [code for code, _name in settings.LANGUAGES]


def with_photo(story):
    media = services.media_add(
        story=_editable(story),
        user=story.created_by,
        fileobj=upload("p.jpg", jpeg_bytes(1300, 900)),
        name="p.jpg",
        size=1,
    )
    services.media_process(media_id=media.pk)
    services.story_media_publish(story_id=story.pk)  # the task publishing sends, run here
    media.refresh_from_db()
    type(story).objects.filter(pk=story.pk).update(cover=media)
    return media


def _editable(story):
    story.state = StoryState.DRAFT  # media_add checks the in-memory state only
    return story


def test_the_gallery_lists_published_stories_featured_first(client):
    now = timezone.now()
    published_story(title="Older featured", featured=True, published_at=now - timedelta(days=5))
    published_story(title="Newest", published_at=now)
    StoryFactory(title="A draft", state=StoryState.DRAFT)
    StoryFactory(title="Approved only", state=StoryState.APPROVED)
    html = client.get("/en/stories/").content.decode()
    assert html.index("Older featured") < html.index("Newest")
    assert "A draft" not in html and "Approved only" not in html


def test_the_gallery_filters_by_country_and_pillar(client):
    published_story(title="In Niger", country="NE", pillar="violence")
    published_story(title="In Brazil", country="BR", pillar="economic")
    html = client.get("/en/stories/?country=BR").content.decode()
    assert "In Brazil" in html and "In Niger" not in html
    html = client.get("/en/stories/?pillar=violence").content.decode()
    assert "In Niger" in html and "In Brazil" not in html
    assert client.get("/en/stories/?pillar=<script>&country=ZZ").status_code == 200


def test_the_gallery_is_paginated(client):
    for i in range(14):
        published_story(title=f"Story number {i:02d}")
    first = client.get("/en/stories/").content.decode()
    second = client.get("/en/stories/?page=2").content.decode()
    assert first.count("story-card-title") == 12 and second.count("story-card-title") == 2
    assert 'rel="next"' in first


def test_the_gallery_query_count_does_not_grow_with_stories(client, django_assert_num_queries):
    # Measured with a cold cache each time: nothing cached by an earlier request may hide a query.
    for i in range(3):
        with_photo(published_story(title=f"S{i}"))
    _clear_cache()
    with django_assert_num_queries(7):
        client.get("/en/stories/")
    for i in range(6):
        with_photo(published_story(title=f"T{i}"))
    _clear_cache()
    with django_assert_num_queries(7):
        assert client.get("/en/stories/").status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_gallery_and_story_pages_are_served_in_every_language(client, lang):
    story = published_story(title="Shared everywhere")
    for url in (f"/{lang}/stories/", f"/{lang}/stories/{story.slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert f'<html lang="{lang}"' in response.content.decode()


def test_the_story_page_shows_photo_quote_pillar_place_and_open_graph_tags(client):
    story = published_story(title="The husband school", quote="Listen first.", city="Zinder", country="NE")
    with_photo(story)
    services.story_make_share_image(story_id=story.pk)
    html = client.get(f"/en/stories/{story.slug}/").content.decode()
    assert "<picture>" in html and "w1200.jpg" in html
    assert "Listen first." in html and "Zinder, Niger" in html and "Ending violence against women" in html
    assert '<meta property="og:title" content="The husband school">' in html
    assert 'property="og:image" content="http' in html and "share" in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "amadou@example.org" not in html  # contact data is never published


def test_the_share_image_is_1200_by_630(client):
    from PIL import Image

    from heforshe.lib.storage import public_storage

    story = published_story()
    with_photo(story)
    assert services.story_make_share_image(story_id=story.pk)
    story.refresh_from_db()
    with public_storage().open(story.share_image.name) as fh, Image.open(fh) as im:
        assert im.size == (1200, 630)


def test_a_story_page_with_a_video_has_a_player_with_a_poster(client):
    story = published_story()
    video = story.media.create(
        kind="video",
        original="v.mp4",
        status=MediaStatus.READY,
        width=1920,
        height=1080,
        poster="stories/media/abc/poster.jpg",
        folder="abc",
        public_folder="abc",  # its copies are in the public storage
    )
    video.renditions.create(
        label="1080p.mp4", file="stories/media/abc/1080p.mp4", width=1920, height=1080, mime_type="video/mp4"
    )
    html = client.get(f"/en/stories/{story.slug}/").content.decode()
    assert "<video controls" in html and 'poster="/media/public/stories/media/abc/poster.jpg"' in html
    assert '<source src="/media/public/stories/media/abc/1080p.mp4" type="video/mp4"' in html


def test_media_is_hidden_when_consent_to_use_it_is_withdrawn(client):
    story = published_story()
    with_photo(story)
    services.consent_withdraw(story=story, kind="media", user=story.created_by)
    html = client.get(f"/en/stories/{story.slug}/").content.decode()
    assert "<picture>" not in html
    assert client.get(f"/api/v1/stories/{story.slug}/").json()["media"] == []


def test_unpublished_stories_have_no_public_page(client):
    for state in ("draft", "submitted", "in_review", "approved", "rejected", "withdrawn"):
        story = StoryFactory(state=state)
        assert client.get(f"/en/stories/{story.slug}/").status_code == 404
        assert client.get(f"/api/v1/stories/{story.slug}/").status_code == 404


def test_the_atom_feed_lists_published_stories(client):
    published_story(title="In the feed")
    StoryFactory(title="Not in the feed")
    response = client.get("/en/stories/feed/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "In the feed" in body and "Not in the feed" not in body


def test_the_api_lists_published_stories_without_contact_data(client, django_assert_num_queries):
    for i in range(3):
        with_photo(published_story(title=f"API {i}"))
    StoryFactory(title="Draft")
    _clear_cache()
    with django_assert_num_queries(5):
        data = client.get("/api/v1/stories/").json()
    assert data["count"] == 3
    item = data["results"][0]
    assert "contact_details" not in item and "created_by" not in item
    assert "amadou@example.org" not in str(data)
    assert item["cover"]["renditions"][0]["url"].startswith("http://testserver/media/")
    for i in range(5):
        with_photo(published_story(title=f"More {i}"))
    _clear_cache()
    with django_assert_num_queries(5):
        client.get("/api/v1/stories/")


def test_the_api_detail_and_filters(client):
    story = published_story(title="Detail", country="BR", pillar="economic")
    published_story(country="NE")
    detail = client.get(f"/api/v1/stories/{story.slug}/").json()
    assert detail["title"] == "Detail" and detail["actions"] and "contact_details" not in detail
    assert client.get("/api/v1/stories/?country=br").json()["count"] == 1
    assert client.get("/api/v1/stories/?pillar=economic").json()["count"] == 1


def test_the_api_schema_documents_the_stories_endpoints(client, admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    assert "/api/v1/stories/" in schema["paths"] and "/api/v1/stories/{slug}/" in schema["paths"]


@pytest.mark.parametrize(
    "quote",
    [
        "Real players respect women, on and off the pitch, every single day of the week and of the year.",
        "当我送女儿上学时，她的母亲可以挣到自己的工资。男女平等从家庭开始，我们每个人都可以做出改变。",
        "السلام يبنيه الجميع حول الطاولة، والنساء أولاً، في كل قرية وفي كل مدينة.",
    ],
)
def test_share_image_quotes_wrap_inside_the_image_in_any_script(quote):
    from heforshe.lib.shareimage import MARGIN, SIZE, _font, script_of, wrap

    font = _font(script_of(quote), 44, False)
    lines = wrap(quote, font, SIZE[0] - 2 * MARGIN)
    assert len(lines) >= 2
    assert "".join(lines).replace(" ", "") == quote.replace(" ", "")
    assert all(font.getlength(line) <= SIZE[0] - 2 * MARGIN for line in lines)


def test_the_story_page_query_count_is_pinned(client, django_assert_num_queries):
    story = published_story()
    with_photo(story)
    with_photo(story)
    _clear_cache()
    with django_assert_num_queries(4):
        client.get(f"/en/stories/{story.slug}/")
