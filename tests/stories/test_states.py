from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from stories import services
from stories.models import TRANSITIONS, ConsentKind, MediaStatus, StoryAuditEntry, StoryState
from tests.stories.factories import StoryFactory, grant, partner_member

pytestmark = pytest.mark.django_db


def submittable(**kwargs):
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user, **kwargs)
    story.media.create(kind="photo", extension="jpg", original="stories/originals/x.jpg", status=MediaStatus.READY)
    grant(story, ConsentKind.PUBLISH, ConsentKind.MEDIA, user=user)
    return story, user


def test_a_partner_submits_and_a_curator_publishes_with_an_audit_entry_per_step(
    curator, django_capture_on_commit_callbacks
):
    story, user = submittable()
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        for state in (StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED):
            services.story_transition(story=story, to_state=state, user=curator, comment=f"to {state}")
    story.refresh_from_db()
    assert story.state == StoryState.PUBLISHED
    assert story.published_at is not None
    assert story.original["title"] == story.title
    entries = list(StoryAuditEntry.objects.filter(story=story, action="transition").order_by("created_at", "pk"))
    assert [(e.from_state, e.to_state) for e in entries] == [
        ("draft", "submitted"),
        ("submitted", "in_review"),
        ("in_review", "approved"),
        ("approved", "published"),
    ]
    assert entries[0].actor == user and entries[-1].actor == curator and entries[-1].comment == "to published"
    assert entries[-1].created_at is not None


def test_publishing_replaces_the_placeholder_slug_with_one_made_from_the_headline(curator):
    story, user = submittable(slug="story-0a1b2c", title="The husband school of Zinder")
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    for state in (StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED):
        services.story_transition(story=story, to_state=state, user=curator)
    story.refresh_from_db()
    assert re.fullmatch(r"the-husband-school-of-zinder-[0-9a-f]{6}", story.slug)


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [(f, t) for f in StoryState.values for t in StoryState.values if t not in TRANSITIONS[f] and t != f],
)
def test_every_transition_outside_the_table_is_refused(curator, from_state, to_state):
    story = StoryFactory(state=from_state, published_at="2026-01-01T00:00Z")
    with pytest.raises(services.StoryError):
        services.story_transition(story=story, to_state=to_state, user=curator, comment="x")
    story.refresh_from_db()
    assert story.state == from_state
    assert not StoryAuditEntry.objects.filter(story=story).exists()


def test_a_partner_cannot_moderate_even_their_own_story():
    story, user = submittable()
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    with pytest.raises(PermissionDenied):
        services.story_transition(story=story, to_state=StoryState.IN_REVIEW, user=user)


def test_another_organisation_cannot_submit_or_withdraw_the_story():
    story, _user = submittable()
    outsider, _partner = partner_member()
    with pytest.raises(PermissionDenied):
        services.story_transition(story=story, to_state=StoryState.WITHDRAWN, user=outsider)


@pytest.mark.parametrize("to_state", [StoryState.REJECTED, StoryState.CHANGES_REQUESTED])
def test_rejecting_or_requesting_changes_needs_a_reason(curator, to_state):
    story = StoryFactory(state=StoryState.IN_REVIEW)
    with pytest.raises(services.StoryError):
        services.story_transition(story=story, to_state=to_state, user=curator, comment="  ")


@pytest.mark.parametrize(
    ("to_state", "language", "expected"),
    [
        (StoryState.APPROVED, "fr", "Votre histoire a été approuvée"),
        (StoryState.REJECTED, "es", "Su historia no fue aceptada"),
        (StoryState.CHANGES_REQUESTED, "en", "Changes requested for your story"),
    ],
)
def test_the_submitter_is_emailed_in_their_language_on_commit(
    curator, django_capture_on_commit_callbacks, to_state, language, expected
):
    story = StoryFactory(state=StoryState.IN_REVIEW, language=language)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.story_transition(
            story=story, to_state=to_state, user=curator, comment="Please add a photo of the group."
        )
    assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [story.created_by.email]
    assert expected in message.subject
    if to_state != StoryState.APPROVED:
        assert "Please add a photo of the group." in message.body


def test_changes_requested_lets_the_partner_edit_and_resubmit(curator):
    story, user = submittable()
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    services.story_transition(story=story, to_state=StoryState.CHANGES_REQUESTED, user=curator, comment="Add ages")
    services.story_update_draft(story=story, user=user, data={"ages": "41 and 43"})
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    story.refresh_from_db()
    assert story.original["ages"] == "41 and 43"


def test_a_submitted_story_is_not_editable_by_the_partner():
    story, user = submittable()
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    with pytest.raises(services.StoryError):
        services.story_update_draft(story=story, user=user, data={"title": "Changed"})


def test_curator_edits_keep_the_submitters_original(curator):
    story, user = submittable(title="Original headline")
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    story.refresh_from_db()
    story.title = "Edited by a curator"
    story.save(update_fields=["title"])
    services.story_curate(story=story, user=curator, changed=["title"])
    story.refresh_from_db()
    assert story.original["title"] == "Original headline"
    assert StoryAuditEntry.objects.filter(story=story, action="edited", actor=curator).exists()


def test_featuring_is_for_curators_and_audited(curator):
    story, user = submittable()
    with pytest.raises(PermissionDenied):
        services.story_set_featured(story=story, featured=True, user=user)
    services.story_set_featured(story=story, featured=True, user=curator)
    story.refresh_from_db()
    assert story.featured
    assert StoryAuditEntry.objects.filter(story=story, action="featured").count() == 1
