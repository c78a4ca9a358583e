"""The media pipeline in-process (the worker tests run it through Celery)."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from heforshe.lib import media as media_lib
from stories import services
from stories.models import MediaFailure, MediaStatus, MediaWarning
from tests.stories.factories import (
    StoryFactory,
    jpeg_bytes,
    make_video,
    partner_member,
    png_bomb_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    user, partner = partner_member()
    return StoryFactory(partner=partner, created_by=user), user


def add(draft, name: str, content: bytes):
    story, user = draft
    return services.media_add(story=story, user=user, fileobj=upload(name, content), name=name, size=len(content))


def process(media):
    services.media_process(media_id=media.pk)
    media.refresh_from_db()
    return media


def test_a_pdf_is_not_taken_as_story_media():
    with pytest.raises(services.StoryError):
        services.check_upload(io.BytesIO(b"%PDF-1.7\n" + b"0" * 100), size=110)


def test_a_renamed_executable_is_refused_with_a_clear_message(draft):
    with pytest.raises(services.StoryError) as info:
        add(draft, "holiday.jpg", b"MZ\x90\x00" + b"\x00" * 5000)
    assert "not a photo" in info.value.messages[0]
    assert not draft[0].media.exists()


def test_a_decompression_bomb_is_refused_before_decoding(draft):
    with pytest.raises(services.StoryError) as info:
        add(draft, "bomb.png", png_bomb_bytes())
    assert "90 megapixels" in info.value.messages[0]


def test_a_photo_over_25_mb_is_refused(draft):
    story, user = draft
    with pytest.raises(services.StoryError) as info:
        services.media_add(
            story=story, user=user, fileobj=upload("big.jpg", jpeg_bytes(50, 50)), name="big.jpg", size=26 * 1024 * 1024
        )
    assert "25 MB" in info.value.messages[0]


def test_a_3_gb_video_is_refused():
    head = io.BytesIO(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100)
    with pytest.raises(services.StoryError) as info:
        services.check_upload(head, size=3 * 1024**3)
    assert "2 GB" in info.value.messages[0]


def test_photos_are_reencoded_without_exif_gps_and_with_orientation_applied(draft):
    media = process(add(draft, "p.jpg", jpeg_bytes(1600, 1000, orientation=6, gps=True)))
    assert media.status == MediaStatus.READY
    # Orientation 6 (rotate 90° clockwise) makes a 1600x1000 photo 1000x1600.
    assert (media.width, media.height) == (1000, 1600)
    labels = set(media.renditions.values_list("label", flat=True))
    assert labels == {"w400.webp", "w400.jpg"}  # never upscaled beyond 1000 px
    assert media.warnings == [MediaWarning.SMALL_PHOTO]
    for rendition in media.renditions.all():
        with default_storage.open(rendition.file.name) as fh, Image.open(fh) as im:
            assert not im.getexif(), rendition.label
            assert "exif" not in im.info
            assert im.width == 400 and im.height == 640


def test_a_large_photo_gets_three_widths_in_webp_and_jpeg(draft):
    media = process(add(draft, "p.png", png_bytes(2400, 1600)))
    assert set(media.renditions.values_list("label", flat=True)) == {
        f"w{w}.{ext}" for w in (400, 1200, 1920) for ext in ("webp", "jpg")
    }
    assert media.warnings == []


def test_processing_twice_produces_nothing_twice(draft):
    media = process(add(draft, "p.jpg", jpeg_bytes(1300, 800)))
    count = media.renditions.count()
    services.media_process(media_id=media.pk)
    assert media.renditions.count() == count


def test_a_truncated_image_fails_with_a_readable_reason_and_the_story_is_kept(draft):
    data = jpeg_bytes(1600, 1000)
    media = process(add(draft, "cut.jpg", data[: len(data) // 3]))
    assert media.status == MediaStatus.FAILED
    assert media.failure == MediaFailure.CORRUPT
    assert "truncated or corrupt" in str(media.get_failure_display())
    assert draft[0].media.count() == 1


def test_a_missing_media_row_is_logged_not_raised():
    assert services.media_process(media_id=999_999) == "missing"


def test_a_second_worker_cannot_claim_a_file_being_processed(draft):
    media = add(draft, "p.jpg", jpeg_bytes(500, 400))
    assert services.media_claim(media_id=media.pk) is True
    assert services.media_claim(media_id=media.pk) is False


def test_video_is_probed_transcoded_flagged_and_given_a_poster(draft, tmp_path):
    path = make_video(tmp_path / "v.webm", size="640x360", vcodec="libvpx")
    media = process(add(draft, "clip.webm", path.read_bytes()))
    assert media.status == MediaStatus.READY, media.failure_detail
    assert media.kind == "video"
    assert (media.width, media.height) == (640, 360)
    assert media.video_codec == "vp8"
    assert 1.5 < media.duration < 2.5
    assert MediaWarning.BELOW_1080P in media.warnings
    rendition = media.renditions.get()
    assert rendition.label == "360p.mp4"
    assert media.poster
    with default_storage.open(rendition.file.name) as fh:
        head = fh.read(64 * 1024)
    assert b"ftyp" in head[:16]
    # faststart: the index (moov) comes before the media data (mdat).
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


def test_a_vertical_video_is_accepted_but_flagged(draft, tmp_path):
    path = make_video(tmp_path / "v.mp4", size="360x640", audio=False)
    media = process(add(draft, "v.mp4", path.read_bytes()))
    assert media.status == MediaStatus.READY
    assert set(media.warnings) == {MediaWarning.VERTICAL, MediaWarning.BELOW_1080P}


def test_a_compliant_720p_mp4_is_copied_through_not_reencoded(draft, tmp_path, monkeypatch):
    path = make_video(tmp_path / "v.mp4", size="1280x720", seconds=1)
    calls = []
    real = media_lib._run_ffmpeg
    monkeypatch.setattr(media_lib, "_run_ffmpeg", lambda args, **kw: (calls.append(args), real(args, **kw))[1])
    media = process(add(draft, "v.mp4", path.read_bytes()))
    assert media.status == MediaStatus.READY
    assert media.renditions.get().label == "720p.mp4"
    transcode = next(args for args in calls if str(args[-1]).endswith("720p.mp4"))
    assert "copy" in transcode and "libx264" not in transcode


def test_a_file_with_no_video_stream_fails_clearly(draft, tmp_path):
    path = make_video(tmp_path / "a.mp4", video=False)
    media = process(add(draft, "a.mp4", path.read_bytes()))
    assert media.status == MediaStatus.FAILED
    assert media.failure == MediaFailure.NO_VIDEO_STREAM


def test_a_corrupt_video_fails_clearly(draft):
    media = process(add(draft, "x.mp4", b"\x00\x00\x00\x18ftypisom" + b"\x13" * 4000))
    assert media.status == MediaStatus.FAILED
    assert media.failure in (MediaFailure.CORRUPT, MediaFailure.NO_VIDEO_STREAM, MediaFailure.TRANSCODE)


def test_heic_photos_are_accepted_and_converted(draft):
    pillow_heif = pytest.importorskip("pillow_heif")
    buf = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (1400, 900), (10, 120, 200))).save(buf, quality=80)
    media = process(add(draft, "IMG_0001.HEIC", buf.getvalue()))
    assert media.extension == "heic"
    assert media.status == MediaStatus.READY, media.failure_detail
    assert "w1200.jpg" in set(media.renditions.values_list("label", flat=True))


def test_an_unexpected_error_is_not_retried_and_marks_the_media_failed_with_its_reason(draft, monkeypatch):
    from stories import tasks

    media = add(draft, "p.jpg", jpeg_bytes(500, 400))
    calls = []

    def boom(*, media_id):
        calls.append(media_id)
        raise RuntimeError("storage exploded")

    monkeypatch.setattr(services, "media_process", boom)
    tasks.process_media_task.apply(kwargs={"media_id": media.pk})
    media.refresh_from_db()
    assert len(calls) == 1  # a bug: retrying cannot fix it
    assert media.status == MediaStatus.FAILED and media.failure == MediaFailure.UNKNOWN
    assert "storage exploded" in media.failure_detail


def test_a_network_error_is_retried_then_marked_failed_without_crashing(draft, monkeypatch):
    from stories import tasks

    media = add(draft, "p.jpg", jpeg_bytes(500, 400))
    calls = []

    def unreachable(*, media_id):
        calls.append(media_id)
        raise ConnectionError("storage unreachable")

    monkeypatch.setattr(services, "media_process", unreachable)
    tasks.process_media_task.apply(kwargs={"media_id": media.pk})
    media.refresh_from_db()
    assert len(calls) == tasks.process_media_task.max_retries + 1
    assert media.status == MediaStatus.FAILED and media.failure == MediaFailure.UNKNOWN
    assert "storage unreachable" in media.failure_detail


def test_a_file_that_hits_the_time_limit_is_marked_failed(draft, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from stories import tasks

    media = add(draft, "p.jpg", jpeg_bytes(500, 400))

    def slow(*, media_id):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "media_process", slow)
    tasks.process_media_task.apply(kwargs={"media_id": media.pk})
    media.refresh_from_db()
    assert media.status == MediaStatus.FAILED and media.failure == MediaFailure.TIMEOUT


def test_a_partner_removes_a_file_from_a_draft(draft, django_capture_on_commit_callbacks):
    story, user = draft
    media = process(add(draft, "p.jpg", jpeg_bytes(500, 400)))
    names = [media.original.name, *[r.file.name for r in media.renditions.all()]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.media_remove(media=media, user=user)
    assert not story.media.exists()
    assert all(default_storage.exists(n) for n in names)  # files go only once the row is gone for good
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(n) for n in names)


def test_a_phone_video_with_a_rotation_flag_is_turned_upright_and_flagged_vertical(draft, tmp_path):
    import subprocess

    landscape = make_video(tmp_path / "l.mp4", size="640x360", seconds=1, audio=False)
    rotated = tmp_path / "r.mp4"
    cmd = [media_lib.ffmpeg_exe(), "-loglevel", "error", "-y", "-display_rotation", "90", "-i", str(landscape)]
    subprocess.run([*cmd, "-c", "copy", str(rotated)], check=True, timeout=60)
    media = process(add(draft, "r.mp4", rotated.read_bytes()))
    assert media.status == MediaStatus.READY, media.failure_detail
    assert abs(media.rotation) == 90
    assert (media.width, media.height) == (360, 640)
    assert MediaWarning.VERTICAL in media.warnings
    rendition = media.renditions.get()
    with default_storage.open(rendition.file.name) as fh:
        out = tmp_path / "out.mp4"
        out.write_bytes(fh.read())
    info = media_lib.probe(out)
    assert (info.width, info.height) == (360, 640) and info.rotation == 0  # pixels rotated, flag gone
