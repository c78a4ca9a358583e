"""The Atom feed: text never reaches a feed reader as markup, RFC 4287 authors, conditional GET."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from stories import services
from stories.models import ConsentKind, Story
from tests.stories.factories import published_story

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_QUOTE = "<script>alert('quote')</script>"
HOSTILE_TITLE = '<img src=x onerror="alert(1)">'


def parse(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own output, under test


def hostile_story():
    return published_story(title=HOSTILE_TITLE, quote=HOSTILE_QUOTE)


def test_a_story_summary_is_sent_as_text_with_its_markup_escaped(client):
    hostile_story()
    entry = parse(client.get("/en/stories/feed/")).find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == HOSTILE_QUOTE
    assert list(summary) == []  # no child elements: nothing a reader could run


def test_a_story_title_is_text_and_no_script_or_event_handler_appears_as_markup(client):
    hostile_story()
    root = parse(client.get("/en/stories/feed/"))
    entry = root.find(f"{ATOM}entry")
    title = entry.find(f"{ATOM}title")
    assert title.get("type") in (None, "text")
    assert title.text == HOSTILE_TITLE
    assert [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("script", "img")] == []
    assert all("onerror" not in el.attrib for el in root.iter())


def test_without_consent_to_quote_the_summary_is_the_action_as_text(client):
    story = published_story(actions="<b onmouseover=alert(2)>We meet on Fridays</b>")
    services.consent_withdraw(story=story, kind=ConsentKind.QUOTE, user=story.created_by)
    summary = parse(client.get("/en/stories/feed/")).find(f"{ATOM}entry/{ATOM}summary")
    assert (summary.get("type"), summary.text) == ("text", "<b onmouseover=alert(2)>We meet on Fridays</b>")


def test_every_entry_has_an_author_and_the_feed_has_one_too(client):
    story = hostile_story()
    root = parse(client.get("/en/stories/feed/"))
    assert root.find(f"{ATOM}author/{ATOM}name").text == "HeForShe"
    assert root.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == story.partner.name


def test_a_reader_with_the_current_etag_gets_304(client):
    hostile_story()
    first = client.get("/en/stories/feed/")
    assert first.status_code == 200
    again = client.get("/en/stories/feed/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_a_reader_with_a_current_copy_by_date_gets_304(client):
    hostile_story()
    first = client.get("/en/stories/feed/")
    again = client.get("/en/stories/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_withdrawing_consent_to_quote_changes_the_etag_and_the_date(client):
    story = hostile_story()
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    first = client.get("/en/stories/feed/")
    services.consent_withdraw(story=story, kind=ConsentKind.QUOTE, user=story.created_by)
    assert client.get("/en/stories/feed/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    assert client.get("/en/stories/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 200


def test_a_story_taken_down_makes_the_feed_newer(client, curator):
    story = hostile_story()
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    first = client.get("/en/stories/feed/")
    services.story_transition(story=story, to_state="withdrawn", user=curator)
    again = client.get("/en/stories/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200
    assert parse(again).find(f"{ATOM}entry") is None
