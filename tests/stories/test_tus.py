"""The tus 1.0 resumable upload endpoints, driven with Django's test client."""

from __future__ import annotations

import base64

import pytest

from stories import tus
from stories.models import MediaFile, UploadSession
from tests.stories.factories import StoryFactory, jpeg_bytes, make_video, partner_member

pytestmark = pytest.mark.django_db
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


@pytest.fixture
def setup(client):
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    return client, story


def create(client, story, length: int, filename: str = "clip.mp4"):
    meta = "filename " + base64.b64encode(filename.encode()).decode()
    return client.post(
        f"/en/stories/submit/{story.pk}/uploads/", HTTP_UPLOAD_LENGTH=str(length), HTTP_UPLOAD_METADATA=meta, **TUS
    )


def patch(client, location: str, offset: int, chunk: bytes):
    return client.patch(
        location, data=chunk, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET=str(offset), **TUS
    )


def test_options_advertises_the_protocol(setup):
    client, story = setup
    response = client.options(f"/en/stories/submit/{story.pk}/uploads/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert "creation" in response["Tus-Extension"] and "termination" in response["Tus-Extension"]
    assert int(response["Tus-Max-Size"]) == 2 * 1024**3


def test_a_video_arrives_in_several_chunks_resumes_after_a_break_and_is_processed(
    setup, tmp_path, django_capture_on_commit_callbacks
):
    client, story = setup
    data = make_video(tmp_path / "v.mp4", size="320x240", seconds=1).read_bytes()
    response = create(client, story, len(data))
    assert response.status_code == 201
    location = response["Location"].removeprefix("http://testserver")
    assert response["Tus-Resumable"] == "1.0.0"
    third = len(data) // 3
    assert patch(client, location, 0, data[:third]).status_code == 204
    # The connection drops; the client asks where to resume.
    head = client.head(location, **TUS)
    assert head.status_code == 200 and head["Upload-Offset"] == str(third) and head["Upload-Length"] == str(len(data))
    assert head["Cache-Control"] == "no-store"
    r = patch(client, location, third, data[third : 2 * third])
    assert r.status_code == 204 and r["Upload-Offset"] == str(2 * third)
    with django_capture_on_commit_callbacks(execute=True):
        r = patch(client, location, 2 * third, data[2 * third :])
    assert r.status_code == 204 and r["Upload-Offset"] == str(len(data))
    media = MediaFile.objects.get(story=story)
    assert media.kind == "video" and media.size == len(data) and media.original_name == "clip.mp4"
    assert media.status == "ready"
    assert not list(tus.upload_dir().iterdir())  # the temporary file is gone


def test_a_chunk_at_the_wrong_offset_gets_409(setup):
    client, story = setup
    location = create(client, story, 1000)["Location"]
    assert patch(client, location, 0, b"\x00" * 100).status_code == 204
    response = patch(client, location, 50, b"\x00" * 100)
    assert response.status_code == 409
    assert response["Upload-Offset"] == "100"


def test_an_upload_over_2_gb_is_refused_at_creation_with_413(setup):
    client, story = setup
    response = create(client, story, 3 * 1024**3)
    assert response.status_code == 413
    assert "2 GB" in response.content.decode()
    assert not UploadSession.objects.exists()


def test_a_chunk_past_the_declared_length_gets_413(setup):
    client, story = setup
    location = create(client, story, 100)["Location"]
    assert patch(client, location, 0, b"\x00" * 150).status_code == 413


def test_the_wrong_content_type_or_protocol_version_is_refused(setup):
    client, story = setup
    location = create(client, story, 100)["Location"]
    assert (
        client.patch(location, data=b"x", content_type="text/plain", HTTP_UPLOAD_OFFSET="0", **TUS).status_code == 415
    )
    assert (
        client.patch(
            location, data=b"x", content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0"
        ).status_code
        == 412
    )


def test_a_finished_upload_that_is_not_media_is_refused_and_removed(setup):
    client, story = setup
    payload = b"MZ\x90\x00" + b"\x00" * 500
    location = create(client, story, len(payload), "movie.mp4")["Location"]
    response = patch(client, location, 0, payload)
    assert response.status_code == 415
    assert "not a photo" in response.content.decode()
    assert not MediaFile.objects.exists() and not UploadSession.objects.exists()


def test_termination_deletes_the_upload(setup):
    client, story = setup
    location = create(client, story, 1000)["Location"]
    patch(client, location, 0, b"\x00" * 10)
    assert client.delete(location, **TUS).status_code == 204
    assert client.head(location, **TUS).status_code == 404
    assert not list(tus.upload_dir().iterdir())


def test_another_organisation_cannot_use_or_see_the_upload(setup, client):
    owner_client, story = setup
    location = create(owner_client, story, 1000)["Location"]
    from django.test import Client

    outsider_client = Client()
    outsider, _p = partner_member()
    outsider_client.force_login(outsider)
    assert outsider_client.head(location, **TUS).status_code == 404
    assert create(outsider_client, story, 10).status_code == 404
    assert patch(outsider_client, location, 0, b"\x00").status_code == 404


def test_uploads_need_a_csrf_token(setup):
    _client, story = setup
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(story.created_by)
    assert create(strict, story, 10).status_code == 403


def test_a_submitted_story_accepts_no_more_uploads(setup):
    client, story = setup
    story.state = "submitted"
    story.save(update_fields=["state"])
    assert create(client, story, 10).status_code == 403


def test_a_photo_can_also_go_through_tus(setup):
    client, story = setup
    data = jpeg_bytes(600, 400)
    location = create(client, story, len(data), "p.jpg")["Location"]
    assert patch(client, location, 0, data).status_code == 204
    assert MediaFile.objects.get(story=story).kind == "photo"


def test_abandoned_uploads_are_removed_after_a_day(setup):
    from datetime import timedelta

    from django.utils import timezone

    client, story = setup
    location = create(client, story, 1000)["Location"]
    patch(client, location, 0, b"\x00" * 10)
    assert tus.uploads_expire() == 0
    UploadSession.objects.update(updated_at=timezone.now() - timedelta(days=2))
    assert tus.uploads_expire() == 1
    assert not UploadSession.objects.exists() and not list(tus.upload_dir().iterdir())
