"""The curators' workspace: the review queue, the review page, one-click decisions, previews, notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from stories import services
from stories.models import CuratorSetting, MediaStatus, StoryAuditEntry, StoryState
from tests.stories.factories import StoryFactory, grant, partner_member

pytestmark = pytest.mark.django_db


def _submitted(**kwargs):
    user, partner = partner_member()
    kwargs.setdefault("state", StoryState.SUBMITTED)
    kwargs.setdefault("submitted_at", timezone.now())
    story = StoryFactory(partner=partner, created_by=user, **kwargs)
    story.media.create(kind="photo", extension="jpg", original="x.jpg", status=MediaStatus.READY)
    grant(story, "publish", "quote", "media")
    return story


def test_the_queue_counts_each_state_and_lists_the_oldest_waiting_first(curator_client):
    now = timezone.now()
    newer = _submitted(title="Newer one", submitted_at=now - timedelta(hours=1))
    older = _submitted(title="Older one", submitted_at=now - timedelta(days=3))
    _submitted(title="Already out", state=StoryState.PUBLISHED, published_at=now)
    html = curator_client.get("/admin/stories/story/queue/?state=waiting").content.decode()
    assert html.index("Older one") < html.index("Newer one")
    assert "Already out" not in html
    assert '<span class="hfs-count">2</span> <span>Waiting for a decision</span>' in html
    assert '<span class="hfs-count">1</span> <span>Published</span>' in html
    assert f'data-story="{older.pk}"' in html and f'data-story="{newer.pk}"' in html


def test_the_queue_keeps_its_filters_between_visits(curator_client):
    _submitted(title="Zinder husbands")
    _submitted(title="Other story")
    curator_client.get("/admin/stories/story/queue/?state=waiting&q=husbands")
    html = curator_client.get("/admin/stories/story/queue/").content.decode()
    assert "Zinder husbands" in html and "Other story" not in html
    assert 'value="husbands"' in html
    cleared = curator_client.get("/admin/stories/story/queue/?clear=1").content.decode()
    assert "Other story" in cleared


def test_a_filter_matching_nothing_says_so_and_offers_to_clear(curator_client):
    _submitted(title="Something")
    html = curator_client.get("/admin/stories/story/queue/?state=waiting&q=nothing-like-this").content.decode()
    assert "No story matches these filters." in html and "?clear=1" in html


def test_assign_to_me_from_the_queue(curator_client, curator):
    story = _submitted()
    response = curator_client.post(
        f"/admin/stories/story/{story.pk}/review/", {"action": "assign", "next": "/admin/stories/story/queue/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/stories/story/queue/"
    story.refresh_from_db()
    assert story.assigned_to == curator
    html = curator_client.get("/admin/stories/story/queue/?state=waiting&assigned=me").content.decode()
    assert str(story) in html


def test_the_review_page_shows_original_beside_copy_consents_and_history_in_words(curator_client):
    story = _submitted(title="Original headline")
    story.original = {**story.original, "title": "Original headline"}
    story.save()
    story.title = "Curated headline"
    story.save()
    services.story_curate(story=story, user=None, changed=["title"])
    StoryAuditEntry.objects.create(story=story, action="consent_granted", comment="publish")
    StoryAuditEntry.objects.create(story=story, action="media_added", comment="video clip.mp4")
    html = curator_client.get(f"/admin/stories/story/{story.pk}/review/").content.decode()
    assert "Original headline" in html and "Curated headline" in html
    assert "Consent given: Publish the story on the HeForShe website" in html
    assert "Video added: clip.mp4" in html
    assert "Copy edited by a curator: headline" in html
    assert "consent_granted" not in html and "media_added" not in html
    assert story.created_by.email in html  # who gave the consents
    assert story.partner.name in html


def test_approve_and_publish_is_one_action_through_the_state_machine(
    curator_client, curator, django_capture_on_commit_callbacks
):
    story = _submitted()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(f"/admin/stories/story/{story.pk}/review/", {"decision": "publish"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == StoryState.PUBLISHED
    steps = list(
        StoryAuditEntry.objects.filter(story=story, action="transition")
        .order_by("pk")
        .values_list("to_state", flat=True)
    )
    assert steps == ["in_review", "approved", "published"]
    # One email to the partner, with the public link (not "approved" then "published").
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [story.created_by.email]
    assert f"/en/stories/{story.slug}/" in mail.outbox[0].body
    page = curator_client.get(f"/admin/stories/story/{story.pk}/review/").content.decode()
    assert "View on site" in page and f"/stories/{story.slug}/" in page


def test_schedule_approves_and_the_beat_task_publishes_when_due(curator_client):
    story = _submitted()
    when = timezone.localtime() + timedelta(days=1)
    curator_client.post(
        f"/admin/stories/story/{story.pk}/review/",
        {"decision": "schedule", "publish_at": when.strftime("%Y-%m-%dT%H:%M")},
    )
    story.refresh_from_db()
    assert story.state == StoryState.APPROVED and story.publish_at is not None
    assert services.stories_publish_due(now=timezone.now()) == 0
    assert services.stories_publish_due(now=timezone.now() + timedelta(days=2)) == 1
    story.refresh_from_db()
    assert story.state == StoryState.PUBLISHED and story.publish_at is None


def test_request_changes_needs_a_message_and_emails_it(curator_client, django_capture_on_commit_callbacks):
    story = _submitted()
    curator_client.post(f"/admin/stories/story/{story.pk}/review/", {"decision": "changes", "comment": ""})
    story.refresh_from_db()
    assert story.state == StoryState.SUBMITTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        curator_client.post(
            f"/admin/stories/story/{story.pk}/review/", {"decision": "changes", "comment": "Please add the date."}
        )
    story.refresh_from_db()
    assert story.state == StoryState.CHANGES_REQUESTED
    assert "Please add the date." in mail.outbox[0].body


def test_reject_with_a_reason(curator_client):
    story = _submitted()
    curator_client.post(f"/admin/stories/story/{story.pk}/review/", {"decision": "reject", "comment": "Out of scope"})
    story.refresh_from_db()
    assert story.state == StoryState.REJECTED


def test_feature_from_the_review_page(curator_client):
    story = _submitted()
    curator_client.post(f"/admin/stories/story/{story.pk}/review/", {"decision": "feature"})
    story.refresh_from_db()
    assert story.featured


def test_bulk_approve_and_publish_from_the_queue(curator_client):
    a, b = _submitted(), _submitted()
    response = curator_client.post("/admin/stories/story/queue/", {"action": "publish", "story": [a.pk, b.pk]})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == b.state == StoryState.PUBLISHED


def test_preview_renders_the_public_page_in_each_language_before_publishing(curator_client):
    story = _submitted(title="Preview me")
    for language, word in (("en", "Local stories"), ("fr", 'lang="fr"'), ("ar", 'dir="rtl"')):
        response = curator_client.get(f"/admin/stories/story/{story.pk}/preview/{language}/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Preview me" in html and word in html
        assert response["X-Robots-Tag"] == "noindex"
    assert curator_client.get(f"/admin/stories/story/{story.pk}/preview/xx/").status_code == 404


def test_a_partner_user_cannot_open_the_workspace(client):
    user, _partner = partner_member()
    client.force_login(user)
    assert client.get("/admin/stories/story/queue/").status_code == 302  # to the admin login


def test_curators_are_emailed_when_a_story_arrives_in_their_language(curator, django_capture_on_commit_callbacks):
    CuratorSetting.objects.create(user=curator, language="fr")
    story = _submitted(state=StoryState.DRAFT, submitted_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=story.created_by)
    sent = [m for m in mail.outbox if m.to == [curator.email]]
    assert len(sent) == 1
    assert sent[0].subject.startswith("Nouveau récit à relire")
    assert f"/admin/stories/story/{story.pk}/review/" in sent[0].body


def test_a_curator_who_turned_emails_off_gets_none(curator, django_capture_on_commit_callbacks):
    CuratorSetting.objects.create(user=curator, notify_new=False)
    story = _submitted(state=StoryState.DRAFT, submitted_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=story.created_by)
    assert not [m for m in mail.outbox if m.to == [curator.email]]


def test_the_admin_sign_in_asks_for_an_email(client):
    html = client.get("/admin/login/").content.decode()
    assert '<label for="id_username" class="required">Email:</label>' in html
    assert 'type="email"' in html and "Username" not in html


def test_a_new_story_in_the_list_says_it_has_no_media_rather_than_a_dash(curator_client):
    StoryFactory(title="No media yet", state=StoryState.SUBMITTED)
    html = curator_client.get("/admin/stories/story/").content.decode()
    assert "hfs-thumb-empty" in html
    assert 'class="field-state"' in html and 'class="field-submitted_at' in html


def test_the_preview_of_an_unpublished_story_shows_its_photo_through_the_private_view(curator_client):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from stories.models import Rendition
    from tests.stories.factories import jpeg_bytes

    story = _submitted(title="Preview with a photo")
    media = story.media.get()
    name = default_storage.save(f"{media.storage_folder()}/w1200.jpg", ContentFile(jpeg_bytes(1200, 800)))
    Rendition.objects.create(media=media, label="w1200.jpg", file=name, width=1200, height=800, mime_type="image/jpeg")
    html = curator_client.get(f"/admin/stories/story/{story.pk}/preview/en/").content.decode()
    private = media.private_url("w1200.jpg")
    assert f'src="{private}"' in html
    assert curator_client.get(private)["Content-Type"] == "image/jpeg"


def test_a_retry_after_a_mail_server_error_tells_only_the_curators_not_yet_told(curator, settings):
    import smtplib

    from heforshe.roles import CURATORS
    from tests.factories import staff_user
    from tests.smtpserver import SMTPServer, smtp_mailers

    second = staff_user(CURATORS)
    told_first, told_second = sorted([curator, second], key=lambda u: u.pk)
    server = SMTPServer().start()
    try:
        settings.MAILERS = smtp_mailers(server.port)
        story = _submitted()
        server.recorder.refuse.add(told_second.email.lower())
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            services.story_notify_curators(story_id=story.pk)
        server.recorder.refuse.clear()
        services.story_notify_curators(story_id=story.pk)  # the task's retry
        assert sorted(server.recorder.recipients()) == sorted([told_first.email, told_second.email])
    finally:
        server.stop()
