"""Media of stories that are not published has no public path: only its organisation and curators see it."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from heforshe.lib.storage import public_storage
from stories import services
from stories.models import ConsentKind, MediaFile, StoryState
from tests.factories import UserFactory
from tests.stories.factories import StoryFactory, grant, jpeg_bytes, partner_member, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_media():
    """A draft's processed photo, with a poster frame as a video would have one."""
    user, partner = partner_member()
    story = StoryFactory(partner=partner, created_by=user)
    data = jpeg_bytes(1300, 900)
    media = services.media_add(story=story, user=user, fileobj=upload("p.jpg", data), name="p.jpg", size=len(data))
    services.media_process(media_id=media.pk)
    media.refresh_from_db()
    poster = default_storage.save(f"{media.storage_folder()}/poster.jpg", ContentFile(jpeg_bytes(64, 36)))
    MediaFile.objects.filter(pk=media.pk).update(poster=poster)
    media.refresh_from_db()
    return media, user


def urls(media) -> dict[str, str]:
    return {label: media.private_url(label) for label in ("original", "w400.jpg", "w1200.webp", "poster")}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_get_404_for_every_kind_of_file_of_a_draft(client, draft_media):
    media, _owner = draft_media
    assert {label: client.get(url).status_code for label, url in urls(media).items()} == {
        "original": 404,
        "w400.jpg": 404,
        "w1200.webp": 404,
        "poster": 404,
    }


@pytest.mark.parametrize("state", [StoryState.SUBMITTED, StoryState.IN_REVIEW, StoryState.APPROVED])
def test_files_of_a_story_being_reviewed_are_not_public_either(client, draft_media, state):
    media, _owner = draft_media
    type(media.story).objects.filter(pk=media.story_id).update(state=state)
    assert {client.get(url).status_code for url in urls(media).values()} == {404}


def test_another_organisation_and_a_signed_in_stranger_get_404(draft_media):
    media, _owner = draft_media
    outsider, _partner = partner_member()
    for user in (outsider, UserFactory()):
        assert {client_for(user).get(url).status_code for url in urls(media).values()} == {404}


def test_the_owner_gets_each_file_with_its_type(draft_media):
    media, owner = draft_media
    client = client_for(owner)
    rendition = media.rendition("w400.jpg")
    response = client.get(media.private_url("w400.jpg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    with default_storage.open(rendition.file.name) as fh:
        assert b"".join(response.streaming_content) == fh.read()
    assert client.get(media.private_url("w1200.webp"))["Content-Type"] == "image/webp"
    assert client.get(media.private_url("poster"))["Content-Type"] == "image/jpeg"
    original = client.get(media.private_url("original"))
    assert (original.status_code, original["Content-Type"]) == (200, "image/jpeg")
    assert original["Content-Disposition"] == 'attachment; filename="p.jpg"'


def test_a_colleague_in_the_same_organisation_gets_the_files(draft_media):
    media, owner = draft_media
    colleague, _partner = partner_member(partner=media.story.partner)
    assert {client_for(colleague).get(url).status_code for url in urls(media).values()} == {200}


def test_a_curator_gets_the_files(curator, draft_media):
    media, _owner = draft_media
    assert {client_for(curator).get(url).status_code for url in urls(media).values()} == {200}


def test_an_unknown_label_or_another_storys_id_gets_404(draft_media):
    media, owner = draft_media
    client = client_for(owner)
    other = StoryFactory(partner=media.story.partner, created_by=owner)
    assert client.get(media.private_url("w9999.jpg")).status_code == 404
    assert client.get(media.private_url("w400.jpg") + "/../../../settings.py").status_code == 404
    assert client.get(media.private_url("%2e%2e%2fsettings.py")).status_code == 404
    assert client.get(f"/en/stories/submit/{other.pk}/media/{media.pk}/file/w400.jpg").status_code == 404


def test_the_path_of_a_drafts_file_cannot_be_derived_from_its_id(draft_media):
    media, owner = draft_media
    second = services.media_add(
        story=media.story, user=owner, fileobj=upload("q.jpg", jpeg_bytes(500, 400)), name="q.jpg", size=1
    )
    services.media_process(media_id=second.pk)
    second.refresh_from_db()
    names = [r.file.name for r in media.renditions.all()] + [media.poster.name, media.original.name]
    assert all(str(media.pk) not in name.split("/") for name in names)
    assert all(
        re.fullmatch(rf"stories/media/{re.escape(media.folder)}/[\w.]+", r.file.name) for r in media.renditions.all()
    )
    assert len(media.folder) == 16 and media.folder != second.folder
    # Nothing at the paths of the old counter-based layout.
    assert not default_storage.exists(f"stories/renditions/{media.pk}/w400.jpg")
    assert not default_storage.exists(f"stories/posters/{media.pk}.jpg")


def test_behind_a_proxy_the_view_hands_the_file_over_with_x_accel_redirect(draft_media, settings):
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    media, owner = draft_media
    response = client_for(owner).get(media.private_url("w400.jpg"))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{media.rendition('w400.jpg').file.name}"
    assert response.content == b""
    assert client_for(UserFactory()).get(media.private_url("w400.jpg")).status_code == 404


def test_the_partners_pages_show_drafts_thumbnails_through_the_checked_view(draft_media):
    media, owner = draft_media
    client = client_for(owner)
    rendition = media.rendition("w1200.jpg")
    for page in (f"/en/stories/submit/{media.story_id}/media/", f"/en/stories/submit/{media.story_id}/"):
        html = client.get(page).content.decode()
        assert media.private_url("w1200.jpg") in html
        assert rendition.file.url not in html


def test_the_admin_shows_thumbnails_through_the_checked_view(curator, draft_media):
    media, _owner = draft_media
    client = client_for(curator)
    html = client.get(f"/admin/stories/story/{media.story_id}/change/").content.decode()
    assert media.private_url("w400.jpg") in html
    assert media.rendition("w400.jpg").file.url not in html
    html = client.get(f"/admin/stories/mediafile/{media.pk}/change/").content.decode()
    assert media.poster.url not in html


# --- once public, then taken down ---------------------------------------------------------


def _publish(media, curator):
    story = media.story
    grant(story, ConsentKind.PUBLISH, ConsentKind.MEDIA, ConsentKind.QUOTE)
    type(story).objects.filter(pk=story.pk).update(state=StoryState.APPROVED)
    return services.story_transition(story=story, to_state=StoryState.PUBLISHED, user=curator)


def test_a_published_storys_renditions_have_a_stable_public_url(
    client, curator, draft_media, django_capture_on_commit_callbacks
):
    media, _owner = draft_media
    with django_capture_on_commit_callbacks(execute=True):
        _publish(media, curator)
    media.refresh_from_db()
    html = client.get(f"/en/stories/{type(media.story).objects.get(pk=media.story_id).slug}/").content.decode()
    rendition = media.rendition("w1200.jpg")
    assert rendition.public_url in html
    assert rendition.public_url == f"/media/public/stories/media/{media.folder}/w1200.jpg"
    assert public_storage().exists(rendition.file.name)


def test_a_story_page_shows_no_media_before_its_public_copies_exist(client, curator, draft_media):
    media, _owner = draft_media
    story = _publish(media, curator)  # the copying task has not run yet
    html = client.get(f"/en/stories/{story.slug}/").content.decode()
    assert media.folder not in html
    assert "<picture>" not in html


def test_taking_a_story_down_moves_its_files_away_from_the_urls_that_were_public(
    curator, draft_media, django_capture_on_commit_callbacks
):
    media, owner = draft_media
    with django_capture_on_commit_callbacks(execute=True):
        story = _publish(media, curator)
    public_names = [r.file.name for r in media.renditions.all()] + [media.poster.name]
    assert [public_storage().exists(name) for name in public_names] == [True] * len(public_names)
    story.refresh_from_db()
    share_image = story.share_image.name
    assert share_image and public_storage().exists(share_image)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_transition(story=story, to_state=StoryState.WITHDRAWN, user=curator)
    media.refresh_from_db()
    assert media.public_folder == ""
    assert [public_storage().exists(name) for name in public_names] == [False] * len(public_names)
    assert [default_storage.exists(name) for name in public_names] == [False] * len(public_names)
    assert all(r.file.name.startswith(media.storage_folder() + "/") for r in media.renditions.all())
    assert all(default_storage.exists(r.file.name) for r in media.renditions.all())
    assert not public_storage().exists(share_image)
    # The owner still sees the files through the checked view.
    assert client_for(owner).get(media.private_url("w400.jpg")).status_code == 200


def test_withdrawing_consent_to_use_the_media_moves_the_files_too(
    curator, draft_media, django_capture_on_commit_callbacks
):
    media, owner = draft_media
    with django_capture_on_commit_callbacks(execute=True):
        story = _publish(media, curator)
    public_name = media.rendition("w400.jpg").file.name
    assert public_storage().exists(public_name)
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(story=story, kind=ConsentKind.MEDIA, user=owner)
    media.refresh_from_db()
    assert not public_storage().exists(public_name)
    assert not default_storage.exists(public_name)
    assert media.rendition("w400.jpg").file.name != public_name


def test_a_story_public_again_keeps_its_files_where_they_are(curator, draft_media):
    media, _owner = draft_media
    _publish(media, curator)
    name = media.rendition("w400.jpg").file.name
    assert services.story_media_rekey(story_id=media.story_id) == 0
    assert media.renditions.get(label="w400.jpg").file.name == name
