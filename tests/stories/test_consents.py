from __future__ import annotations

import pytest

from stories import services
from stories.models import Consent, ConsentKind, MediaStatus, StoryAuditEntry, StoryState
from tests.stories.factories import StoryFactory, grant, partner_member, published_story

pytestmark = pytest.mark.django_db


def draft_with_media(**kwargs):
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user, **kwargs)
    story.media.create(kind="photo", extension="jpg", original="x.jpg", status=MediaStatus.READY)
    return story, user


def test_each_consent_is_recorded_separately_with_who_and_when():
    story, user = draft_with_media()
    services.consents_record(story=story, user=user, kinds={ConsentKind.PUBLISH, ConsentKind.QUOTE})
    consents = {c.kind: c for c in Consent.objects.filter(story=story)}
    assert set(consents) == {"publish", "quote"}
    assert all(c.granted_by == user and c.granted_at for c in consents.values())


def test_a_story_cannot_be_submitted_without_consent_to_publish_it():
    story, user = draft_with_media()
    grant(story, ConsentKind.MEDIA, user=user)
    with pytest.raises(services.StoryError) as info:
        services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    assert any("Publish the story" in m for m in info.value.messages)
    assert StoryState.DRAFT == type(story).objects.get(pk=story.pk).state


def test_a_minor_named_needs_a_guardians_consent():
    story, user = draft_with_media(has_minor=True)
    grant(story, ConsentKind.PUBLISH, ConsentKind.MEDIA, user=user)
    with pytest.raises(services.StoryError) as info:
        services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
    assert any("guardian" in m for m in info.value.messages)
    grant(story, ConsentKind.GUARDIAN, user=user)
    services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)


def test_photos_need_consent_to_use_them():
    story, user = draft_with_media()
    grant(story, ConsentKind.PUBLISH, user=user)
    assert any("photos and video" in p for p in services.submission_problems(story))


def test_withdrawing_consent_to_publish_unpublishes_the_story(client):
    story = published_story()
    assert client.get(f"/en/stories/{story.slug}/").status_code == 200
    services.consent_withdraw(story=story, kind=ConsentKind.PUBLISH, user=story.created_by)
    story.refresh_from_db()
    assert story.state == StoryState.WITHDRAWN
    assert client.get(f"/en/stories/{story.slug}/").status_code == 404
    assert client.get("/api/v1/stories/").json()["count"] == 0
    consent = Consent.objects.get(story=story, kind=ConsentKind.PUBLISH)
    assert consent.withdrawn_at and consent.withdrawn_by == story.created_by
    entry = StoryAuditEntry.objects.filter(story=story, action="transition").latest("created_at")
    assert (entry.from_state, entry.to_state) == ("published", "withdrawn")


def test_withdrawing_the_quote_consent_hides_only_the_quote(client):
    story = published_story(quote="A quote that must disappear")
    services.consent_withdraw(story=story, kind=ConsentKind.QUOTE, user=story.created_by)
    html = client.get(f"/en/stories/{story.slug}/").content.decode()
    assert "A quote that must disappear" not in html
    assert client.get(f"/api/v1/stories/{story.slug}/").json()["quote"] is None


def test_a_withdrawn_consent_can_be_given_again_and_history_is_kept():
    story, user = draft_with_media()
    services.consents_record(story=story, user=user, kinds={ConsentKind.PUBLISH})
    services.consents_record(story=story, user=user, kinds=set())
    services.consents_record(story=story, user=user, kinds={ConsentKind.PUBLISH})
    assert Consent.objects.filter(story=story, kind="publish").count() == 2
    assert Consent.objects.filter(story=story, kind="publish", withdrawn_at__isnull=True).count() == 1
