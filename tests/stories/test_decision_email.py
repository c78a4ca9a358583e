"""The curators' decision email: typed text arrives as typed."""

from __future__ import annotations

import pytest
from django.core import mail

from stories import services
from stories.models import StoryState
from tests.stories.factories import StoryFactory

pytestmark = pytest.mark.django_db

TITLE = 'Fathers & sons: <the> "long" walk'


def test_the_decision_subject_keeps_a_titles_ampersand_and_angle_brackets(curator, django_capture_on_commit_callbacks):
    story = StoryFactory(state=StoryState.IN_REVIEW, language="en", title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(story=story, to_state=StoryState.APPROVED, user=curator)
    assert [m.subject for m in mail.outbox] == [f"Your story was approved: {TITLE}"]


def test_the_decision_body_keeps_the_title_and_comment_as_typed(curator, django_capture_on_commit_callbacks):
    story = StoryFactory(state=StoryState.IN_REVIEW, language="en", title=TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(
            story=story, to_state=StoryState.CHANGES_REQUESTED, user=curator, comment="Say <who> & when."
        )
    body = mail.outbox[0].body
    assert f"“{TITLE}”" in body
    assert "Say <who> & when." in body


def test_the_decision_email_says_its_language(curator, django_capture_on_commit_callbacks):
    story = StoryFactory(state=StoryState.IN_REVIEW, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(story=story, to_state=StoryState.REJECTED, user=curator, comment="No.")
    assert mail.outbox[0].extra_headers["Content-Language"] == "es"
