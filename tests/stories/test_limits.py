"""What one organisation may store: drafts, files per story, and bodies refused before they are read."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import translation

from stories.models import Story
from tests.stories.factories import CallFactory, StoryFactory, jpeg_bytes, partner_member, upload

pytestmark = pytest.mark.django_db
BOUNDARY = "BoUnDaRyH2"


class CountingInput(io.RawIOBase):
    """A request body that records how many of its bytes the server read."""

    def __init__(self, data: bytes = b"") -> None:
        self._data = io.BytesIO(data)
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._data.read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self._data.readline(size)
        self.bytes_read += len(line)
        return line


def multipart(name: str, content: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.fixture
def member():
    user, partner = partner_member()
    client = Client()
    client.force_login(user)
    return client, StoryFactory(partner=partner, created_by=user)


def post_body(client, story, body: CountingInput, content_length: int):
    return client.generic(
        "POST",
        f"/en/stories/submit/{story.pk}/media/",
        b"",
        # With no data the client sets no body headers of its own: these are the request's.
        **{
            "wsgi.input": body,
            "CONTENT_LENGTH": str(content_length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )


def test_a_body_larger_than_any_file_we_accept_is_refused_from_its_content_length_unread(member):
    client, story = member
    body = CountingInput(multipart("huge.jpg", jpeg_bytes(100, 100)))
    response = post_body(client, story, body, content_length=5 * 1024**3)
    assert response.status_code == 413
    assert body.bytes_read == 0
    assert "This video is too large: videos may be up to 2 GB." in response.content.decode()
    assert not story.media.exists()


def test_a_photo_over_25_mb_is_cut_off_at_the_limit_not_read_in_full(member):
    client, story = member
    data = multipart("big.jpg", jpeg_bytes(100, 100) + b"\x00" * (60 * 1024 * 1024))
    body = CountingInput(data)
    response = post_body(client, story, body, content_length=len(data))
    assert response.status_code == 413
    assert "This file is too large: photos may be up to 25 MB, videos up to 2 GB." in response.content.decode()
    assert body.bytes_read < 27 * 1024 * 1024
    assert not story.media.exists()


def test_the_upload_form_still_needs_a_csrf_token(member):
    _client, story = member
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(story.created_by)
    response = strict.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("p.jpg", jpeg_bytes(50, 50))})
    assert response.status_code == 403
    assert not story.media.exists()


def test_an_organisation_cannot_start_more_drafts_than_its_limit(settings):
    settings.STORIES_MAX_DRAFTS_PER_PARTNER = 2
    CallFactory()
    user, partner = partner_member()
    client = Client()
    client.force_login(user)
    for _ in range(2):
        assert client.post("/en/stories/submit/").status_code == 302
    response = client.post("/en/stories/submit/", follow=True)
    assert Story.objects.filter(partner=partner).count() == 2
    assert (
        "Your organisation has reached the maximum number of stories in draft (2). Submit or withdraw one before starting another."
        in response.content.decode()
    )


def test_submitted_stories_do_not_count_against_the_draft_limit(settings):
    settings.STORIES_MAX_DRAFTS_PER_PARTNER = 1
    CallFactory()
    user, partner = partner_member()
    StoryFactory(partner=partner, created_by=user, state="submitted")
    client = Client()
    client.force_login(user)
    assert client.post("/en/stories/submit/").status_code == 302
    assert Story.objects.filter(partner=partner, state="draft").count() == 1


def test_a_story_cannot_hold_more_files_than_its_limit_through_the_form(member, settings):
    client, story = member
    settings.STORIES_MAX_MEDIA_PER_STORY = 1
    client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("a.jpg", jpeg_bytes(60, 60))})
    response = client.post(f"/en/stories/submit/{story.pk}/media/", {"file": upload("b.jpg", jpeg_bytes(60, 60))})
    assert (
        "This story has reached the maximum number of photos and videos (1). Remove one to add another."
        in response.content.decode()
    )
    assert story.media.count() == 1


def test_the_draft_limit_is_explained_in_the_partners_language(settings):
    settings.STORIES_MAX_DRAFTS_PER_PARTNER = 0
    CallFactory()
    user, _partner = partner_member()
    client = Client()
    client.force_login(user)
    with translation.override("en"):  # restores the language the French request activates
        response = client.post("/fr/stories/submit/", follow=True)
    assert "Votre organisation a atteint le nombre maximal d’histoires en brouillon (0)." in response.content.decode()
