"""The last chunk of an upload answers at once: the transcode never runs inside that request."""

from __future__ import annotations

import time

import pytest
from django.db import connections

from stories.models import MediaFile, MediaStatus
from tests.stories.factories import StoryFactory, make_video, partner_member
from tests.stories.test_tus import create, patch

pytestmark = pytest.mark.django_db(transaction=True)


def test_without_a_broker_the_last_chunk_answers_before_the_transcode(client, settings, tmp_path):
    # The embedded defaults: no broker, tasks eager (the test conftest makes them eager).
    settings.TASKS_EAGER_IN_BACKGROUND = True
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    data = make_video(tmp_path / "v.mp4", size="640x360", seconds=2).read_bytes()
    location = create(client, story, len(data))["Location"].removeprefix("http://testserver")
    response = patch(client, location, 0, data)
    assert response.status_code == 204
    media = MediaFile.objects.get(pk=response["Stories-Media-Id"])
    # The request came back while the file was still waiting or being processed...
    assert media.status in (MediaStatus.PENDING, MediaStatus.PROCESSING)
    # The status page answers meanwhile, with the file it holds (its progress moves with the worker).
    states = client.get(f"/en/stories/submit/{story.pk}/media.json").json()["media"]
    assert [s["id"] for s in states] == [media.pk]
    # ...and the processing finishes on its own afterwards.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        media.refresh_from_db()
        if media.status == MediaStatus.READY:
            break
        time.sleep(0.5)
    assert media.status == MediaStatus.READY
    assert client.get(f"/en/stories/submit/{story.pk}/media.json").json()["media"][0]["progress"] == 100
    connections.close_all()
