"""The partner's multi-step submission pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stories.models import Consent, MediaFile, MediaStatus, Story, StoryState
from tests.factories import UserFactory
from tests.stories.factories import CallFactory, StoryFactory, jpeg_bytes, partner_member, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client):
    user, partner = partner_member()
    client.force_login(user)
    client.user, client.partner = user, partner
    return client


def test_people_without_a_partner_membership_cannot_submit(client):
    client.force_login(UserFactory())
    assert client.get("/en/stories/submit/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/stories/submit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_partner_writes_a_draft_step_by_step_and_submits_it(member_client, django_capture_on_commit_callbacks):
    CallFactory()
    response = member_client.post("/en/stories/submit/")
    story = Story.objects.get(partner=member_client.partner)
    assert response["Location"] == f"/en/stories/submit/{story.pk}/people/"
    assert story.state == StoryState.DRAFT and story.created_by == member_client.user
    base = f"/en/stories/submit/{story.pk}"
    r = member_client.post(
        f"{base}/people/",
        {
            "title": "The husband school",
            "heroes": "Moussa",
            "ages": "45",
            "city": "Zinder",
            "country": "NE",
            "next": "1",
        },
    )
    assert r["Location"] == f"{base}/action/"
    r = member_client.post(
        f"{base}/action/", {"actions": "Weekly meetings.", "started_on": "2014-01-01", "is_ongoing": "on", "next": "1"}
    )
    assert r.status_code == 302
    r = member_client.post(
        f"{base}/quote/", {"quote": "Listen first.", "pillar": "violence", "contact_details": "", "next": "1"}
    )
    assert r.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        r = member_client.post(f"{base}/media/", {"file": upload("me.jpg", jpeg_bytes(1300, 900))})
    assert r.status_code == 302
    assert MediaFile.objects.get(story=story).status == MediaStatus.READY  # tasks run eagerly here
    r = member_client.post(f"{base}/consents/", {"consents": ["publish", "quote", "media", "follow_up"]})
    assert r["Location"] == f"{base}/"
    assert Consent.objects.filter(story=story, granted_by=member_client.user).count() == 4
    page = member_client.get(f"{base}/").content.decode()
    assert "Submit the story to the curators" in page
    r = member_client.post(f"{base}/state/", {"action": "submit"})
    story.refresh_from_db()
    assert story.state == StoryState.SUBMITTED
    assert story.original["heroes"] == "Moussa"
    # Once submitted, the steps are closed to the partner.
    assert member_client.get(f"{base}/people/")["Location"] == f"{base}/"


def test_a_draft_is_saved_even_when_incomplete_and_the_page_says_what_is_missing(member_client):
    story = StoryFactory(partner=member_client.partner, created_by=member_client.user, title="", quote="")
    r = member_client.post(
        f"/en/stories/submit/{story.pk}/people/",
        {"title": "Only a title", "heroes": "", "city": "", "country": "", "stay": "1"},
    )
    assert r.status_code == 302
    story.refresh_from_db()
    assert story.title == "Only a title"
    page = member_client.get(f"/en/stories/submit/{story.pk}/").content.decode()
    assert "Before you can submit" in page
    assert "Consent is required" in page
    r = member_client.post(f"/en/stories/submit/{story.pk}/state/", {"action": "submit"}, follow=True)
    story.refresh_from_db()
    assert story.state == StoryState.DRAFT
    assert "Consent is required" in r.content.decode()


def test_a_quote_over_280_characters_is_refused_with_the_error_tied_to_the_field(member_client):
    story = StoryFactory(partner=member_client.partner, created_by=member_client.user)
    r = member_client.post(f"/en/stories/submit/{story.pk}/quote/", {"quote": "x" * 281, "pillar": "violence"})
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="id_quote_error"' in html
    assert 'aria-describedby="id_quote_helptext id_quote_error"' in html
    assert 'id="quote-counter"' in html


def test_html_and_script_in_text_fields_are_stored_as_text_and_escaped(member_client, client):
    story = StoryFactory(partner=member_client.partner, created_by=member_client.user)
    payload = '<script>alert("x")</script><b>bold</b>'
    member_client.post(
        f"/en/stories/submit/{story.pk}/people/",
        {"title": payload, "heroes": payload, "city": "Zinder", "country": "NE"},
    )
    story.refresh_from_db()
    assert story.title == payload
    html = member_client.get(f"/en/stories/submit/{story.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_after_the_deadline_the_form_says_so_and_no_draft_is_started(member_client):
    CallFactory(opens_at=timezone.now() - timedelta(days=60), deadline=timezone.now() - timedelta(days=1))
    html = member_client.get("/en/stories/submit/").content.decode()
    assert "closed on" in html
    assert "Start a new story" not in html
    r = member_client.post("/en/stories/submit/", follow=True)
    assert "closed on" in r.content.decode()
    assert not Story.objects.exists()


def test_a_draft_cannot_be_submitted_after_the_deadline_but_is_kept(member_client):
    call = CallFactory()
    story = StoryFactory(call=call, partner=member_client.partner, created_by=member_client.user)
    call.opens_at = timezone.now() - timedelta(days=90)
    call.deadline = timezone.now() - timedelta(minutes=1)
    call.save()
    from tests.stories.factories import grant

    grant(story, "publish", "media")
    story.media.create(kind="photo", original="x.jpg", status="ready")
    r = member_client.post(f"/en/stories/submit/{story.pk}/state/", {"action": "submit"}, follow=True)
    story.refresh_from_db()
    assert story.state == StoryState.DRAFT
    assert "closed" in r.content.decode()


def test_partners_see_only_their_own_organisations_stories(member_client):
    other = StoryFactory(title="Someone else's story")
    assert member_client.get(f"/en/stories/submit/{other.pk}/").status_code == 404
    assert member_client.get(f"/en/stories/submit/{other.pk}/people/").status_code == 404
    assert member_client.post(f"/en/stories/submit/{other.pk}/state/", {"action": "withdraw"}).status_code == 404
    assert "Someone else's story" not in member_client.get("/en/stories/submit/").content.decode()


def test_a_colleague_in_the_same_organisation_sees_the_story(client):
    user, partner = partner_member()
    colleague, _p = partner_member(partner=partner)
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(colleague)
    assert client.get(f"/en/stories/submit/{story.pk}/").status_code == 200


def test_an_upload_error_is_shown_on_the_field_and_earlier_files_are_kept(member_client):
    story = StoryFactory(partner=member_client.partner, created_by=member_client.user)
    member_client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("ok.jpg", jpeg_bytes(500, 400))})
    r = member_client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("evil.jpg", b"MZ" + b"\x00" * 300)})
    html = r.content.decode()
    assert r.status_code == 400
    assert "not a photo" in html and 'id="id_file_error"' in html
    assert story.media.count() == 1


def test_the_status_page_shows_each_files_processing_state(member_client):
    story = StoryFactory(partner=member_client.partner, created_by=member_client.user)
    story.media.create(
        kind="video", original="x.mp4", original_name="clip.mp4", status="failed", failure="no_video_stream"
    )
    html = member_client.get(f"/en/stories/submit/{story.pk}/").content.decode()
    assert "clip.mp4" in html and "contains no video stream" in html
    data = member_client.get(f"/en/stories/submit/{story.pk}/media.json").json()
    assert data["media"][0]["status"] == "failed"


def test_a_partner_withdraws_a_consent_from_the_status_page(member_client):
    story = StoryFactory(partner=member_client.partner, created_by=member_client.user)
    Consent.objects.create(story=story, kind="quote", granted_by=member_client.user)
    member_client.post(f"/en/stories/submit/{story.pk}/consent/withdraw/", {"kind": "quote"})
    assert Consent.objects.get(story=story).withdrawn_by == member_client.user


def test_the_partner_dashboard_panel_lists_the_partners_stories_with_their_state():
    from django.template.loader import render_to_string

    user, partner = partner_member()
    StoryFactory(partner=partner, title="Our first story", state=StoryState.SUBMITTED)
    StoryFactory(title="Not ours")
    html = render_to_string("stories/partials/partner_panel.html", {"partner": partner})
    assert "Our first story" in html and "Submitted" in html and "Not ours" not in html
