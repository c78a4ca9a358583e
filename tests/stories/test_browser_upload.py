"""The resumable upload in real Chromium: a chunk is lost on the way and the upload resumes."""

from __future__ import annotations

import pytest
from django.db import connections

from stories.models import MediaFile, MediaStatus
from tests.stories.factories import StoryFactory, make_video, partner_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_video_upload_survives_a_dropped_chunk_and_resumes(page, live_server, client, settings, tmp_path):
    settings.STORIES_UPLOAD_CHUNK_SIZE = 16 * 1024
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    video = make_video(tmp_path / "clip.mp4", size="640x360", seconds=2)
    size = video.stat().st_size
    assert size > 3 * 16 * 1024

    seen: list[str] = []
    dropped = {"done": False}

    def flaky(route, request):
        seen.append(request.method)
        if request.method == "PATCH" and seen.count("PATCH") == 2 and not dropped["done"]:
            dropped["done"] = True
            route.abort("connectionreset")  # the weak connection drops mid-upload
            return
        route.continue_()

    page.route("**/uploads/**", flaky)
    page.goto(f"{live_server.url}/en/stories/submit/{story.pk}/media/")
    page.set_input_files("#id_file", str(video))
    page.click("#upload-form button[type=submit]")
    # The progress bar shows while uploading; on success the page reloads with the file listed.
    page.wait_for_selector(".media-item", timeout=60_000)

    try:
        media = MediaFile.objects.get(story=story)
    finally:
        # Under Playwright's event loop the ORM opened a connection of its own
        # context; close it or the test database cannot be dropped at the end.
        connections.close_all()
    assert media.size == size and media.kind == "video"
    assert dropped["done"] and "HEAD" in seen  # the client asked where to resume
    assert seen.count("PATCH") > size // (16 * 1024)
    assert media.status == MediaStatus.READY
    assert "Ready" in page.inner_text(".media-list")
