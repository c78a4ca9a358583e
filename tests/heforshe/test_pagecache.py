"""Anonymous visitors of the home page and the stories gallery get a page rendered once per version."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from heforshe.home import home_panels
from pledges.services import pledge_confirm
from pledges.tasks import fold_counts_task
from stories import services as story_services
from stories.models import ConsentKind
from tests.factories import UserFactory
from tests.pledges.factories import PledgeFactory
from tests.stories.factories import published_story

pytestmark = pytest.mark.django_db


def test_the_home_page_renders_with_a_pinned_query_count_then_costs_none(client, django_assert_num_queries):
    fold_counts_task()  # the snapshot the beat keeps fresh
    with translation.override("en"):
        home_panels()  # the other apps' panels, cached for a minute apart from the page
    with django_assert_num_queries(0):  # the counts come from the snapshot; the page has no query of its own
        first = client.get("/en/")
    with django_assert_num_queries(0):
        again = client.get("/en/")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert "Cookie" in again["Vary"]


def test_the_home_page_follows_the_counts(client):
    fold_counts_task()
    assert re.search(r"data-pledge-total [^>]*>0<", client.get("/en/").content.decode())
    pledge_confirm(pledge_id=PledgeFactory().pk)
    fold_counts_task()
    from pledges.selectors import forget_process_memo

    forget_process_memo()  # the next second, in another process
    assert re.search(r"data-pledge-total [^>]*>1<", client.get("/en/").content.decode())


def test_each_language_has_its_own_page(client):
    assert '<html lang="fr"' in client.get("/fr/").content.decode()
    assert '<html lang="es"' in client.get("/es/").content.decode()


def test_a_cached_gallery_costs_no_query_and_loses_a_story_when_its_consent_goes(client, django_assert_num_queries):
    story = published_story(title="The husband school")
    assert "The husband school" in client.get("/en/stories/").content.decode()
    with django_assert_num_queries(0):
        assert "The husband school" in client.get("/en/stories/").content.decode()
    story_services.consent_withdraw(story=story, kind=ConsentKind.PUBLISH, user=story.created_by)
    assert "The husband school" not in client.get("/en/stories/").content.decode()


def test_a_new_story_shows_at_once(client):
    published_story(title="First story")
    client.get("/en/stories/")
    published_story(title="Second story")
    assert "Second story" in client.get("/en/stories/").content.decode()


def test_a_signed_in_visitor_is_never_served_the_anonymous_page(client):
    client.get("/en/")  # cached for anonymous visitors
    user = UserFactory(email="curator@example.org")
    client.force_login(user)
    html = client.get("/en/").content.decode()
    assert "curator@example.org" in html
