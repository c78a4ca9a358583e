"""Every page that can be shared carries Open Graph and Twitter card tags, so a share shows a preview."""

from __future__ import annotations

import re

import pytest

from tests.champions.factories import ChampionFactory
from tests.events.factories import EventFactory
from tests.stories.factories import published_story

pytestmark = pytest.mark.django_db

REQUIRED = ["og:title", "og:description", "og:url", "og:image", "og:type", "og:site_name"]


def _meta(html: str) -> dict[str, str]:
    found = {}
    for _attr, name, content in re.findall(r'<meta (property|name)="([^"]+)" content="([^"]*)"', html):
        found[name] = content
    return found


@pytest.fixture
def pages(db):
    champion = ChampionFactory(slug="amina")
    event = EventFactory(slug="nairobi-launch")
    story = published_story(slug="shared-story")
    return {
        "home": "/en/",
        "pledge": "/en/pledge/",
        "map": "/en/map/",
        "share link": "/en/pledge/?source=champion-amina",
        "champion": f"/en/champions/{champion.slug}/",
        "champions": "/en/champions/",
        "event": f"/en/events/{event.slug}/",
        "events": "/en/events/",
        "story": f"/en/stories/{story.slug}/",
    }


@pytest.mark.parametrize(
    "name", ["home", "pledge", "map", "share link", "champion", "champions", "event", "events", "story"]
)
def test_the_page_has_open_graph_and_twitter_card_tags(client, pages, name):
    html = client.get(pages[name]).content.decode()
    meta = _meta(html)
    for tag in REQUIRED:
        assert meta.get(tag), f"{name}: {tag} missing"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"].startswith("http")
    assert len([m for m in re.findall(r'property="og:title"', html)]) == 1


def test_the_champion_preview_uses_the_champions_card_and_statement(client, pages):
    meta = _meta(client.get(pages["champion"]).content.decode())
    assert meta["og:image"].endswith("/en/champions/amina/share.png")
    assert meta["og:title"].startswith("Champion")


def test_the_arabic_page_previews_the_arabic_card(client, pages):
    meta = _meta(client.get("/ar/").content.decode())
    assert meta["og:image"].endswith("/ar/pledge/share.png")
    assert meta["og:locale"] == "ar"
