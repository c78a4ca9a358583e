"""A refused upload in real Chromium: the server's reason is shown and the client stops retrying."""

from __future__ import annotations

import os

import pytest

from tests.stories.factories import StoryFactory, partner_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_random_bytes_named_mp4_show_the_servers_reason_and_are_not_retried(
    page, live_server, client, settings, tmp_path
):
    settings.STORIES_UPLOAD_CHUNK_SIZE = 16 * 1024
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    junk = tmp_path / "holiday.mp4"
    junk.write_bytes(os.urandom(40 * 1024))
    answers: list[int] = []
    page.on(
        "response", lambda r: answers.append(r.status) if "/uploads/" in r.url and r.request.method == "PATCH" else None
    )

    page.goto(f"{live_server.url}/en/stories/submit/{story.pk}/media/")
    page.set_input_files("#id_file", str(junk))
    page.click("#upload-form button[type=submit]")
    status = page.locator(".upload-status")
    status.filter(has_text="not a photo").wait_for(timeout=30_000)
    assert "This file is not a photo" in status.inner_text()
    page.wait_for_timeout(2500)  # long enough for the first retry delays, had there been retries
    assert answers.count(415) == 1
    assert "Retrying" not in status.inner_text()
