"""Curation in the Django admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from stories.models import StoryAuditEntry, StoryState
from tests.factories import UserFactory
from tests.stories.factories import StoryFactory, grant, partner_member

pytestmark = pytest.mark.django_db


def test_the_curators_group_holds_the_moderation_permission(curator):
    assert curator.has_perm("stories.moderate_story")
    assert curator.has_perm("stories.change_story")


def test_the_queue_shows_stories_with_filters_and_search(curator_client):
    StoryFactory(title="Needle in the queue", state=StoryState.SUBMITTED)
    StoryFactory(title="Another one", state=StoryState.DRAFT)
    response = curator_client.get("/admin/stories/story/?state__exact=submitted")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Needle in the queue" in html and "Another one" not in html
    assert "Needle" in curator_client.get("/admin/stories/story/?q=needle").content.decode()
    for query in ("media=warnings", "media=failed", "media=processing", "pillar__exact=violence", "country__exact=NE"):
        assert curator_client.get(f"/admin/stories/story/?{query}").status_code == 200


def test_a_curator_approves_with_a_comment_through_the_admin_and_it_is_audited(curator_client, curator):
    user, partner = partner_member()
    story = StoryFactory(state=StoryState.IN_REVIEW, partner=partner, created_by=user)
    grant(story, "publish")
    change = curator_client.get(f"/admin/stories/story/{story.pk}/change/")
    assert change.status_code == 200 and "Change state" in change.content.decode()
    response = curator_client.post(
        f"/admin/stories/story/{story.pk}/transition/", {"to_state": "approved", "comment": "Lovely story"}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == StoryState.APPROVED
    entry = StoryAuditEntry.objects.get(story=story, action="transition")
    assert (entry.actor, entry.from_state, entry.to_state, entry.comment) == (
        curator,
        "in_review",
        "approved",
        "Lovely story",
    )
    assert "Lovely story" in curator_client.get(f"/admin/stories/story/{story.pk}/change/").content.decode()


def test_a_rejection_without_a_reason_shows_an_error(curator_client):
    story = StoryFactory(state=StoryState.IN_REVIEW)
    response = curator_client.post(
        f"/admin/stories/story/{story.pk}/transition/", {"to_state": "rejected", "comment": ""}
    )
    assert response.status_code == 200 and "reason" in response.content.decode()
    story.refresh_from_db()
    assert story.state == StoryState.IN_REVIEW


def test_bulk_actions_publish_and_feature_through_services(curator_client):
    story = StoryFactory(state=StoryState.APPROVED)
    grant(story, "publish")
    url = "/admin/stories/story/"
    curator_client.post(url, {"action": "publish", "_selected_action": [story.pk]})
    curator_client.post(url, {"action": "feature", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.state == StoryState.PUBLISHED and story.featured
    assert set(StoryAuditEntry.objects.filter(story=story).values_list("action", flat=True)) == {
        "transition",
        "featured",
    }


def test_a_curator_edits_the_copy_and_the_original_is_kept(curator_client):
    story = StoryFactory(state=StoryState.IN_REVIEW, original={"title": "Submitted headline"})
    data = {
        "featured": "",
        "cover": "",
        "follow_up_notes": "Call the committee in Niamey",
        "title": "Curated headline",
        "heroes": story.heroes,
        "ages": story.ages,
        "city": story.city,
        "country": story.country.code,
        "actions": story.actions,
        "started_on": "2014-01-01",
        "is_ongoing": "on",
        "quote": story.quote,
        "pillar": story.pillar,
        "contact_details": story.contact_details,
    }
    for prefix in ("media", "consents", "audit_entries"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = curator_client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert story.title == "Curated headline" and story.original["title"] == "Submitted headline"
    assert story.follow_up_notes == "Call the committee in Niamey"
    assert story.state == StoryState.IN_REVIEW
    assert StoryAuditEntry.objects.filter(story=story, action="edited").exists()


def test_staff_without_the_moderation_permission_cannot_change_states(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_story"))
    client.force_login(staff)
    story = StoryFactory(state=StoryState.IN_REVIEW)
    response = client.post(f"/admin/stories/story/{story.pk}/transition/", {"to_state": "approved"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.state == StoryState.IN_REVIEW


def test_partner_users_have_no_admin_access(client):
    user, _partner = partner_member()
    client.force_login(user)
    assert client.get("/admin/stories/story/").status_code == 302
