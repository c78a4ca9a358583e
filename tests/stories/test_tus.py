"""The tus 1.0 resumable upload endpoints, driven with Django's test client."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.db.models import F

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


# --- racing requests, expiry, discovery, refusals -------------------------------------


def _live_patch_start(live_server, path: str, session_cookie: str, offset: int, length: int, first: bytes):
    """Open a PATCH to the live server and send its headers and the first part of its body."""
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.putrequest("PATCH", path)
    csrf = "a" * 32  # the cookie's secret, sent back unmasked in the header
    for name, value in (
        ("Tus-Resumable", "1.0.0"),
        ("Upload-Offset", str(offset)),
        ("Content-Type", "application/offset+octet-stream"),
        ("Content-Length", str(length)),
        ("X-CSRFToken", csrf),
        ("Cookie", f"sessionid={session_cookie}; csrftoken={csrf}"),
    ):
        conn.putheader(name, value)
    conn.endheaders()
    conn.send(first)
    return conn


@pytest.mark.django_db(transaction=True)
def test_of_two_patches_racing_at_one_offset_the_acknowledged_bytes_are_kept(live_server, client):
    import time

    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    client.force_login(user)
    half = tus.READ_BLOCK  # the server has written one block of each body while both wait for the rest
    chunk_a, chunk_b = b"A" * (2 * half), b"B" * (2 * half)
    location = create(client, story, 4 * half)["Location"].removeprefix("http://testserver")
    cookie = client.cookies["sessionid"].value
    first = _live_patch_start(live_server, location, cookie, 0, len(chunk_a), chunk_a[:half])
    second = _live_patch_start(live_server, location, cookie, 0, len(chunk_b), chunk_b[:half])
    time.sleep(1)  # both requests are past the offset check, their first halves received
    first.send(chunk_a[half:])
    answer_a = first.getresponse()
    second.send(chunk_b[half:])
    answer_b = second.getresponse()
    assert (answer_a.status, answer_b.status) == (204, 409)
    session = UploadSession.objects.get()
    assert session.offset == len(chunk_a)
    assert tus.part_path(session).read_bytes() == chunk_a
    assert answer_b.getheader("Upload-Offset") == str(len(chunk_a))
    assert [p.name for p in tus.upload_dir().iterdir()] == [tus.part_path(session).name]


def test_each_chunk_moves_the_upload_expiry_forward(setup):
    from datetime import timedelta

    from django.utils import timezone

    client, story = setup
    location = create(client, story, 1000)["Location"]
    UploadSession.objects.update(updated_at=timezone.now() - timedelta(hours=23))
    assert patch(client, location, 0, b"\x00" * 10).status_code == 204
    UploadSession.objects.update(updated_at=F("updated_at") - timedelta(hours=2))
    assert tus.uploads_expire() == 0
    assert UploadSession.objects.get().offset == 10


def test_the_expiration_extension_is_advertised_with_upload_expires(setup):
    from django.utils.http import parse_http_date

    client, story = setup
    assert "expiration" in client.options(f"/en/stories/submit/{story.pk}/uploads/")["Tus-Extension"].split(",")
    created = create(client, story, 1000)
    session = UploadSession.objects.get()
    expected = int((session.updated_at + tus.UPLOAD_EXPIRES_AFTER).timestamp())
    assert parse_http_date(created["Upload-Expires"]) == expected
    patched = patch(client, created["Location"], 0, b"\x00" * 10)
    session.refresh_from_db()
    assert parse_http_date(patched["Upload-Expires"]) == int(
        (session.updated_at + tus.UPLOAD_EXPIRES_AFTER).timestamp()
    )
    assert client.head(created["Location"], **TUS)["Upload-Expires"] == patched["Upload-Expires"]


def test_an_expired_upload_cannot_be_continued(setup):
    from datetime import timedelta

    from django.utils import timezone

    client, story = setup
    location = create(client, story, 1000)["Location"]
    UploadSession.objects.update(updated_at=timezone.now() - timedelta(days=2))
    assert client.head(location, **TUS).status_code == 410
    assert patch(client, location, 0, b"\x00" * 10).status_code == 410


def test_discovery_needs_no_session(client):
    story = StoryFactory()
    response = client.options(f"/en/stories/submit/{story.pk}/uploads/")
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    upload_options = client.options(f"/en/stories/submit/{story.pk}/uploads/{uuid.uuid4()}")
    assert upload_options.status_code == 204


def test_a_visitor_without_a_session_gets_403_with_tus_resumable_not_a_redirect(client):
    story = StoryFactory()
    response = client.post(f"/en/stories/submit/{story.pk}/uploads/", HTTP_UPLOAD_LENGTH="10", **TUS)
    assert response.status_code == 403
    assert response["Tus-Resumable"] == "1.0.0"


def test_a_refused_csrf_token_answers_with_tus_resumable(setup):
    _client, story = setup
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(story.created_by)
    response = create(strict, story, 10)
    assert response.status_code == 403
    assert response["Tus-Resumable"] == "1.0.0"


def test_refusals_carry_tus_resumable(setup):
    client, story = setup
    location = create(client, story, 100)["Location"]
    answers = [
        client.head(f"/en/stories/submit/{story.pk}/uploads/{uuid.uuid4()}", **TUS),  # 404
        patch(client, location, 5, b"x"),  # 409
        client.patch(location, data=b"x", content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0"),
        client.get(location, **TUS),  # 405
    ]
    assert [(r.status_code, r["Tus-Resumable"]) for r in answers] == [
        (404, "1.0.0"),
        (409, "1.0.0"),
        (412, "1.0.0"),
        (405, "1.0.0"),
    ]


def test_a_post_with_a_method_override_acts_as_patch(setup):
    client, story = setup
    location = create(client, story, 100)["Location"]
    response = client.post(
        location,
        data=b"\x00" * 40,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
        HTTP_X_HTTP_METHOD_OVERRIDE="PATCH",
        **TUS,
    )
    assert response.status_code == 204
    assert response["Upload-Offset"] == "40"
    assert UploadSession.objects.get().offset == 40


def test_a_post_with_a_method_override_acts_as_delete(setup):
    client, story = setup
    location = create(client, story, 100)["Location"]
    response = client.post(location, HTTP_X_HTTP_METHOD_OVERRIDE="DELETE", **TUS)
    assert response.status_code == 204
    assert not UploadSession.objects.exists()


@pytest.mark.parametrize("value", ["9" * 5000, "-5", "1e9", "٣٠٠"])
def test_a_malformed_upload_length_gets_400(setup, value):
    client, story = setup
    response = client.post(f"/en/stories/submit/{story.pk}/uploads/", HTTP_UPLOAD_LENGTH=value, **TUS)
    assert response.status_code == 400
    assert not UploadSession.objects.exists()


def test_a_malformed_upload_offset_gets_400(setup):
    client, story = setup
    location = create(client, story, 100)["Location"]
    assert patch(client, location, "9" * 5000, b"x").status_code == 400


def test_control_characters_in_the_file_name_are_dropped(setup):
    client, story = setup
    assert create(client, story, 100, "clip\x00\x07.mp4").status_code == 201
    assert UploadSession.objects.get().filename == "clip.mp4"


def test_an_empty_patch_while_the_last_chunk_is_being_finished_stores_nothing(setup):
    client, story = setup
    data = jpeg_bytes(300, 200)
    location = create(client, story, len(data), "p.jpg")["Location"]
    # The moment after the last chunk was appended, before its request stored the file.
    session = UploadSession.objects.get()
    tus.part_path(session).write_bytes(data)
    UploadSession.objects.update(offset=len(data))
    response = client.patch(
        location, data=b"", CONTENT_TYPE="application/offset+octet-stream", HTTP_UPLOAD_OFFSET=str(len(data)), **TUS
    )
    assert response.status_code == 204
    assert not MediaFile.objects.exists()


def test_an_organisation_cannot_open_more_upload_bytes_than_its_limit(setup, settings):
    client, story = setup
    settings.STORIES_MAX_OPEN_UPLOAD_BYTES_PER_PARTNER = 1500
    colleague_story = StoryFactory(partner=story.partner, created_by=story.created_by)
    assert create(client, story, 1000).status_code == 201
    refused = create(client, colleague_story, 600)
    assert refused.status_code == 413
    assert refused.content.decode() == (
        "Your organisation has too many unfinished uploads. Let them finish, or remove them, before starting another."
    )
    assert UploadSession.objects.count() == 1


def test_a_story_cannot_hold_more_files_than_its_limit(setup, settings):
    client, story = setup
    settings.STORIES_MAX_MEDIA_PER_STORY = 2
    assert create(client, story, 1000).status_code == 201
    assert create(client, story, 1000).status_code == 201
    refused = create(client, story, 1000)
    assert refused.status_code == 403
    assert (
        refused.content.decode()
        == "This story has reached the maximum number of photos and videos (2). Remove one to add another."
    )


def test_a_photo_over_25_mb_sent_through_tus_is_refused_with_413(setup):
    client, story = setup
    data = jpeg_bytes(60, 40) + b"\x00" * (25 * 1024 * 1024)
    location = create(client, story, len(data), "big.jpg")["Location"]
    response = patch(client, location, 0, data)
    assert response.status_code == 413
    assert response.content.decode() == "This file is too large: photos may be up to 25 MB, videos up to 2 GB."
    assert not MediaFile.objects.exists() and not UploadSession.objects.exists()
