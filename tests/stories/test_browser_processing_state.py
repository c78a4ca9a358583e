"""After the last chunk the page says the file is being processed, with its progress, until it is ready."""

from __future__ import annotations

import pytest
from django.db import connections

from stories.models import MediaFile, MediaStatus
from tests.stories.factories import StoryFactory, make_video, partner_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_upload_shows_a_processing_state_then_the_ready_file(page, live_server, client, settings, tmp_path):
    settings.TASKS_EAGER_IN_BACKGROUND = True  # the embedded defaults: no broker, no worker
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    video = make_video(tmp_path / "clip.mp4", size="1280x720", seconds=3)
    page.goto(f"{live_server.url}/en/stories/submit/{story.pk}/media/")
    page.set_input_files("#id_file", str(video))
    page.click("#upload-form button[type=submit]")
    status = page.locator(".upload-status")
    status.filter(has_text="Processing the file").wait_for(timeout=30_000)
    assert "100%" not in status.inner_text()
    # When processing is over the page reloads with the file listed as ready.
    page.locator(".media-item [data-role=status]", has_text="Ready").wait_for(timeout=120_000)
    try:
        assert MediaFile.objects.get(story=story).status == MediaStatus.READY
    finally:
        connections.close_all()
