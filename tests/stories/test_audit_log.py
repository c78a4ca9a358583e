"""Story transitions keep their own history and also write the site's audit log."""

from __future__ import annotations

import pytest

from heforshe.lib.audit import entries_for
from heforshe.models import LogEntry
from stories import services
from stories.models import ConsentKind, MediaStatus, StoryState
from tests.stories.factories import StoryFactory, grant, partner_member

pytestmark = pytest.mark.django_db


def test_each_transition_writes_one_audit_log_entry_with_who_and_why(curator):
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    story.media.create(kind="photo", extension="jpg", original="stories/originals/x.jpg", status=MediaStatus.READY)
    grant(story, ConsentKind.PUBLISH, ConsentKind.MEDIA, user=user)
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    services.story_transition(story=story, to_state=StoryState.IN_REVIEW, user=curator)
    services.story_transition(story=story, to_state=StoryState.CHANGES_REQUESTED, user=curator, comment="Add a date")
    entries = [(e.action, e.user, e.data) for e in reversed(entries_for(story))]
    assert entries == [
        ("stories.submitted", user, {"from": "draft", "comment": ""}),
        ("stories.in_review", curator, {"from": "submitted", "comment": ""}),
        ("stories.changes_requested", curator, {"from": "in_review", "comment": "Add a date"}),
    ]


def test_a_refused_transition_writes_no_entry(curator):
    story = StoryFactory(state=StoryState.DRAFT)
    with pytest.raises(services.StoryError):
        services.story_transition(story=story, to_state=StoryState.PUBLISHED, user=curator)
    assert not LogEntry.objects.exists()
