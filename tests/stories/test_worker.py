"""The whole path on a real Celery worker (Redis + the PostgreSQL test database)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail  # noqa: F401 - the worker sends mail in its own process

from stories import services
from stories.models import MediaFile, MediaStatus, Story, StoryState
from tests.conftest import requires_services, wait_for
from tests.stories.factories import CallFactory, jpeg_bytes, make_video, partner_member, upload

pytestmark = [requires_services, pytest.mark.worker]
LANGS = [code for code, _name in settings.LANGUAGES]


def _status(pk: int) -> str | None:
    status = MediaFile.objects.filter(pk=pk).values_list("status", flat=True).first()
    return status if status in (MediaStatus.READY, MediaStatus.FAILED) else None


def test_a_partner_submits_photo_and_video_a_curator_publishes_and_it_is_public_everywhere(
    media_worker, client, curator
):
    user, partner = partner_member()
    CallFactory()
    client.force_login(user)
    client.post("/fr/stories/submit/")
    story = Story.objects.get(partner=partner)
    base = f"/fr/stories/submit/{story.pk}"
    client.post(
        f"{base}/people/",
        {"title": "École des maris", "heroes": "Moussa", "ages": "45", "city": "Zinder", "country": "NE"},
    )
    client.post(
        f"{base}/action/", {"actions": "Des réunions chaque vendredi.", "started_on": "2014-01-01", "is_ongoing": "on"}
    )
    client.post(f"{base}/quote/", {"quote": "Écouter d'abord.", "pillar": "violence"})
    client.post(f"{base}/media/", {"file": upload("photo.jpg", jpeg_bytes(2000, 1300, gps=True))})
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(Path(tmp) / "v.mp4", size="1920x1080", seconds=2)
        client.post(f"{base}/media/", {"file": upload("film.mp4", video.read_bytes())})
    photo, clip = MediaFile.objects.filter(story=story).order_by("pk")
    assert wait_for(lambda: _status(photo.pk), timeout=60) == MediaStatus.READY
    assert wait_for(lambda: _status(clip.pk), timeout=120) == MediaStatus.READY
    clip.refresh_from_db()
    assert {r.label for r in clip.renditions.all()} == {"1080p.mp4", "720p.mp4"}
    assert clip.poster and clip.warnings == []
    # The partner sees the processing states.
    states = client.get(f"{base}/media.json").json()["media"]
    assert [m["status"] for m in states] == ["ready", "ready"]

    client.post(f"{base}/consents/", {"consents": ["publish", "quote", "media"]})
    client.post(f"{base}/state/", {"action": "submit"})
    story.refresh_from_db()
    assert story.state == StoryState.SUBMITTED

    client.force_login(curator)
    for state in ("in_review", "approved", "published"):
        response = client.post(f"/admin/stories/story/{story.pk}/transition/", {"to_state": state, "comment": ""})
        assert response.status_code == 302
    client.post("/admin/stories/story/", {"action": "feature", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.state == StoryState.PUBLISHED and story.featured
    wait_for(lambda: Story.objects.filter(pk=story.pk).exclude(share_image="").exists(), timeout=60)
    story.refresh_from_db()

    client.logout()
    for lang in LANGS:
        assert "École des maris" in client.get(f"/{lang}/stories/").content.decode()
        page = client.get(f"/{lang}/stories/{story.slug}/").content.decode()
        assert f'<html lang="{lang}"' in page and "<video controls" in page and "og:image" in page
    assert "École des maris" in client.get("/en/stories/feed/").content.decode()
    api = client.get(f"/api/v1/stories/{story.slug}/").json()
    assert api["title"] == "École des maris" and api["featured"] is True
    assert {m["kind"] for m in api["media"]} == {"photo", "video"}


def test_a_bad_file_fails_with_a_reason_and_does_not_block_the_next_one(media_worker):
    user, partner = partner_member()
    story = Story.objects.create(call=CallFactory(), partner=partner, created_by=user, slug="bad-file-story")
    data = jpeg_bytes(1600, 1000)
    broken = services.media_add(story=story, user=user, fileobj=upload("a.jpg", data[:4000]), name="a.jpg", size=4000)
    good = services.media_add(story=story, user=user, fileobj=upload("b.jpg", data), name="b.jpg", size=len(data))
    assert wait_for(lambda: _status(broken.pk), timeout=60) == MediaStatus.FAILED
    assert wait_for(lambda: _status(good.pk), timeout=60) == MediaStatus.READY
    broken.refresh_from_db()
    assert broken.failure == "corrupt"
    assert media_worker.proc.poll() is None  # the worker is still alive


def test_a_killed_worker_leaves_work_that_the_sweeper_sends_again(media_worker):
    from datetime import timedelta

    from django.utils import timezone

    user, partner = partner_member()
    story = Story.objects.create(call=CallFactory(), partner=partner, created_by=user, slug="sweeper-story")
    # A file whose task was lost (the broker was down when the row was written).
    media = MediaFile.objects.create(
        story=story, kind="photo", extension="jpg", original=upload("x.jpg", jpeg_bytes(800, 600))
    )
    MediaFile.objects.filter(pk=media.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert services.media_requeue_unfinished() == 1
    assert wait_for(lambda: _status(media.pk), timeout=60) == MediaStatus.READY
