"""The public gallery and story page as a new visitor meets them."""

from __future__ import annotations

import re

import pytest

from stories.models import MediaStatus
from tests.stories.factories import published_story

pytestmark = pytest.mark.django_db


def test_on_the_arabic_gallery_an_english_card_keeps_its_own_direction(client):
    published_story(title="Fathers on the school run", quote="Our children see it.", featured=True)
    html = client.get("/ar/stories/").content.decode()
    # The card body no longer takes its direction from the (Arabic) badge; each user text from itself.
    assert '<div class="story-card-body" dir="auto">' not in html
    assert re.search(r'<h2 class="story-card-title" dir="auto"[^>]*><a [^>]*>Fathers on the school run</a>', html)
    assert re.search(r'<blockquote dir="auto"[^>]*>“Our children see it.”</blockquote>', html)


def test_filtering_the_gallery_to_nothing_says_nothing_matches_and_offers_to_clear(client):
    published_story(country="NE")
    html = client.get("/en/stories/?country=BR").content.decode()
    assert "No story matches these filters." in html
    assert "No stories have been published yet." not in html
    assert 'href="/en/stories/">Clear the filters</a>' in html


def test_an_empty_gallery_still_says_none_is_published_yet(client):
    html = client.get("/en/stories/").content.decode()
    assert "No stories have been published yet." in html


def test_the_gallery_searches_the_text_of_stories(client):
    published_story(title="Husband school", actions="Weekly meetings about anger and respect.")
    published_story(title="Football coaches", actions="Training sessions.")
    html = client.get("/en/stories/?q=anger").content.decode()
    assert "Husband school" in html and "Football coaches" not in html
    assert 'value="anger"' in html


def test_a_video_story_carries_a_video_badge_in_the_gallery(client):
    story = published_story(title="With a clip")
    video = story.media.create(kind="video", extension="mp4", original="v.mp4", status=MediaStatus.READY)
    video.public_folder = video.folder  # its copies are in the public storage, as on publication
    video.save(update_fields=["public_folder"])
    published_story(title="Only words")
    html = client.get("/en/stories/").content.decode()
    assert html.count('<span class="badge badge-video">Video</span>') == 1


def test_a_story_page_offers_share_buttons_and_the_pledge(client, settings):
    from urllib.parse import quote

    settings.SITE_URL = "https://heforshe.example"
    story = published_story(title="Share me")
    html = client.get(f"/en/stories/{story.slug}/").content.decode()
    assert "Share on Facebook" in html and "Share on WhatsApp" in html and "Share on LinkedIn" in html
    # The buttons share the story's absolute address on the site, not a relative path.
    shared = quote(f"https://heforshe.example/en/stories/{story.slug}/", safe="/")
    assert f'href="https://www.facebook.com/sharer/sharer.php?u={shared}"' in html
    assert 'href="/en/pledge/">Take the pledge</a>' in html
