"""A champion's video through the site's media pipeline: renditions, poster, review, public copies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from champions import services
from champions.models import ChampionVideo
from heforshe.lib.media import MediaFailure, MediaStatus, probe
from heforshe.lib.storage import public_storage
from heforshe.models import LogEntry
from heforshe.roles import PARTNERSHIPS
from tests.champions.factories import ChampionFactory
from tests.factories import UserFactory, staff_user
from tests.stories.factories import make_video

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    return make_video(tmp_path_factory.mktemp("clip") / "clip.mp4", size="640x360", seconds=1).read_bytes()


def _upload(content: bytes, name: str = "clip.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "video/mp4")


def _add(champion, user, content: bytes, name: str = "clip.mp4") -> ChampionVideo:
    return services.video_add(
        champion=champion, user=user, fileobj=_upload(content, name), name=name, size=len(content)
    )


def test_staff_upload_is_transcoded_with_a_poster_and_shown_on_the_page(
    client, clip, django_capture_on_commit_callbacks
):
    champion = ChampionFactory(slug="amina")
    client.force_login(staff_user(PARTNERSHIPS))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/champions/staff/{champion.pk}/video/", {"video": _upload(clip)})
    assert response.status_code == 302
    video = ChampionVideo.objects.get()
    assert (video.status, video.is_public) == (MediaStatus.READY, True)
    assert [r["label"] for r in video.renditions] == ["360p.mp4"]
    rendition = Path(public_storage().path(video.renditions[0]["name"]))
    info = probe(rendition)
    assert (info.video_codec, info.display_size) == ("h264", (640, 360))
    assert public_storage().exists(video.poster)
    champion.refresh_from_db()
    assert champion.video_id == video.pk
    body = client.get("/en/champions/amina/").content.decode()
    assert f'<source src="{public_storage().url(video.renditions[0]["name"])}" type="video/mp4"' in body
    assert f'poster="{public_storage().url(video.poster)}"' in body


def test_the_champions_own_video_waits_for_review_before_it_goes_live(clip):
    user = UserFactory()
    champion = ChampionFactory(user=user)
    video = _add(champion, user, clip)
    services.video_process(video_id=video.pk)
    video.refresh_from_db()
    champion.refresh_from_db()
    assert video.status == MediaStatus.READY
    assert (video.is_public, champion.video_id) == (False, None)
    assert not public_storage().exists(video.poster)
    services.video_review(video_id=video.pk, approve=True, user=staff_user(PARTNERSHIPS))
    services.video_publish(video_id=video.pk)
    champion.refresh_from_db()
    assert champion.video_id == video.pk
    assert LogEntry.objects.filter(action="champions.video.approved").count() == 1


def test_a_new_live_video_replaces_the_old_one_and_its_public_copies_go(clip):
    staff = staff_user(PARTNERSHIPS)
    champion = ChampionFactory()
    first = _add(champion, staff, clip)
    services.video_process(video_id=first.pk)
    first.refresh_from_db()
    second = _add(champion, staff, clip)
    services.video_process(video_id=second.pk)
    first.refresh_from_db()
    champion.refresh_from_db()
    assert champion.video_id == second.pk
    assert first.is_public is False
    assert not public_storage().exists(first.renditions[0]["name"])


def test_a_rejected_video_is_removed_and_never_shown(clip):
    user = UserFactory()
    champion = ChampionFactory(user=user)
    video = _add(champion, user, clip)
    services.video_process(video_id=video.pk)
    services.video_review(video_id=video.pk, approve=False, user=staff_user(PARTNERSHIPS))
    assert not ChampionVideo.objects.exists()
    champion.refresh_from_db()
    assert champion.video_id is None


def test_a_file_that_is_not_a_video_is_refused_with_a_message():
    staff = staff_user(PARTNERSHIPS)
    with pytest.raises(ValidationError) as info:
        _add(ChampionFactory(), staff, b"MZ\x90\x00 not a video at all" * 10, "clip.mp4")
    assert info.value.message_dict["video"] == ["Upload a video: MP4, MOV or WebM."]
    assert not ChampionVideo.objects.exists()


def test_a_video_over_the_limit_is_refused(settings, clip):
    settings.CHAMPIONS_VIDEO_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as info:
        _add(ChampionFactory(), staff_user(PARTNERSHIPS), clip)
    assert "too large" in info.value.message_dict["video"][0]


def test_a_corrupt_video_fails_with_a_reason_and_nothing_goes_live(clip):
    champion = ChampionFactory()
    video = _add(champion, staff_user(PARTNERSHIPS), clip[: len(clip) // 8])
    assert services.video_process(video_id=video.pk) == MediaStatus.FAILED
    video.refresh_from_db()
    assert video.failure in {MediaFailure.CORRUPT, MediaFailure.TRANSCODE, MediaFailure.NO_VIDEO_STREAM}
    champion.refresh_from_db()
    assert champion.video_id is None


def test_someone_else_cannot_upload_a_video_for_a_champion(client, clip):
    champion = ChampionFactory(user=UserFactory())
    intruder = UserFactory()
    with pytest.raises(ValidationError):
        _add(champion, intruder, clip)
    client.force_login(intruder)
    assert client.post("/en/champions/mine/video/", {"video": _upload(clip)}).status_code == 403


def test_processing_twice_produces_nothing_new(clip):
    video = _add(ChampionFactory(), staff_user(PARTNERSHIPS), clip)
    services.video_process(video_id=video.pk)
    video.refresh_from_db()
    assert services.video_process(video_id=video.pk) == MediaStatus.READY
    assert ChampionVideo.objects.get(pk=video.pk).renditions == video.renditions


def test_the_sweeper_sends_again_a_video_whose_task_was_lost(clip):
    import datetime as dt

    from django.utils import timezone

    from champions.services import video_requeue_unfinished

    champion = ChampionFactory()
    video = ChampionVideo.objects.create(champion=champion, extension="mp4", size=len(clip))
    video.original.save("upload", _upload(clip), save=True)
    ChampionVideo.objects.filter(pk=video.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert video_requeue_unfinished() == 1
    video.refresh_from_db()
    assert video.status == MediaStatus.READY


def _stored(video) -> list[str]:
    from django.core.files.storage import default_storage

    names = [video.original.name, video.poster, *[r["name"] for r in video.renditions]]
    return [n for n in names if n and default_storage.exists(n)]


def test_a_rejected_video_leaves_no_file_in_storage(clip, django_capture_on_commit_callbacks):
    user = UserFactory()
    video = _add(ChampionFactory(user=user), user, clip)
    services.video_process(video_id=video.pk)
    video.refresh_from_db()
    assert len(_stored(video)) >= 3  # the original, a rendition and the poster
    with django_capture_on_commit_callbacks(execute=True):
        services.video_review(video_id=video.pk, approve=False, user=staff_user(PARTNERSHIPS))
    assert _stored(video) == []


def test_deleting_a_champion_deletes_its_videos_files(clip, django_capture_on_commit_callbacks):
    user = UserFactory()
    champion = ChampionFactory(user=user)
    video = _add(champion, user, clip)
    services.video_process(video_id=video.pk)
    video.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        champion.delete()
    assert _stored(video) == []
