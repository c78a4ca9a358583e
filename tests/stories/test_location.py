"""Photos are stored without saying where they were taken: originals too, not only renditions."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from heforshe.lib import media as media_lib
from stories import services
from stories.models import MediaFile, MediaStatus, Rendition
from tests.stories.factories import StoryFactory, jpeg_bytes, make_video, partner_member, upload

pytestmark = pytest.mark.django_db
GPS = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>48,51.4N</exif:GPSLatitude></x:xmpmeta>'


@pytest.fixture
def draft():
    user, partner = partner_member()
    return StoryFactory(partner=partner, created_by=user), user


def photo_with_location(fmt: str, **options) -> bytes:
    im = Image.new("RGB", (640, 480), (200, 40, 90))
    im.paste((20, 120, 200), (0, 0, 320, 160))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90°
    exif[0x8825] = GPS
    buf = io.BytesIO()
    im.save(buf, fmt, exif=exif.tobytes(), **options)
    return buf.getvalue()


def add(draft, name: str, data: bytes) -> MediaFile:
    story, user = draft
    return services.media_add(story=story, user=user, fileobj=upload(name, data), name=name, size=len(data))


def stored_original(media: MediaFile) -> Image.Image:
    media.refresh_from_db()
    with default_storage.open(media.original.name) as fh:
        im = Image.open(io.BytesIO(fh.read()))
        im.load()
    return im


def test_a_jpeg_original_is_stored_without_its_gps_block(draft):
    im = stored_original(add(draft, "p.jpg", jpeg_bytes(800, 600, orientation=6, gps=True)))
    assert im.getexif().get_ifd(media_lib.GPS_IFD) == {}
    assert media_lib.GPS_IFD not in im.getexif()


def test_the_stored_jpeg_keeps_its_pixels_and_orientation(draft):
    data = jpeg_bytes(800, 600, orientation=6, gps=True)
    im = stored_original(add(draft, "p.jpg", data))
    assert im.getexif()[0x0112] == 6
    assert im.tobytes() == Image.open(io.BytesIO(data)).tobytes()


def test_xmp_is_removed_from_a_stored_jpeg(draft):
    im = stored_original(add(draft, "p.jpg", photo_with_location("JPEG", xmp=XMP)))
    assert "xmp" not in im.info


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "p.png"), ("WEBP", "p.webp")])
def test_png_and_webp_originals_are_stored_without_gps(draft, fmt, name):
    im = stored_original(add(draft, name, photo_with_location(fmt)))
    assert im.getexif().get_ifd(media_lib.GPS_IFD) == {}


def test_a_heic_original_loses_its_gps_in_the_pipeline_and_stays_heic(draft):
    media = add(draft, "p.heic", photo_with_location("HEIF", quality=60))
    services.media_process(media_id=media.pk)
    im = stored_original(media)
    assert media.status == MediaStatus.READY
    assert (im.format, media.extension) == ("HEIF", "heic")
    assert im.getexif().get_ifd(media_lib.GPS_IFD) == {}
    assert im.size == (480, 640)  # the orientation is applied


def test_a_photo_whose_headers_are_cut_off_is_refused_at_upload(draft):
    data = jpeg_bytes(300, 200, gps=True)
    with pytest.raises(services.StoryError) as info:
        add(draft, "cut.jpg", data[:200])
    assert info.value.messages == ["The file is truncated or corrupt and could not be read."]


def test_the_upgrade_command_cleans_old_originals_and_moves_old_paths(draft):
    story, _user = draft
    media = MediaFile(story=story, kind="photo", extension="jpg", original_name="p.jpg", size=1)
    media.original.save("upload", ContentFile(jpeg_bytes(500, 400, gps=True)), save=False)
    media.status = MediaStatus.READY
    media.save()
    old_rendition = default_storage.save(f"stories/renditions/{media.pk}/w400.jpg", ContentFile(jpeg_bytes(400, 320)))
    Rendition.objects.create(
        media=media, label="w400.jpg", file=old_rendition, width=400, height=320, mime_type="image/jpeg"
    )
    old_original = media.original.name
    call_command("stories_secure_media")
    media.refresh_from_db()
    rendition = media.renditions.get()
    assert rendition.file.name == f"stories/media/{media.folder}/w400.jpg"
    assert not default_storage.exists(old_rendition) and not default_storage.exists(old_original)
    assert stored_original(media).getexif().get_ifd(media_lib.GPS_IFD) == {}
    call_command("stories_secure_media")  # a second run changes nothing
    assert media.renditions.get().file.name == rendition.file.name


def test_a_video_original_is_stored_without_the_place_it_was_shot(draft, tmp_path):
    import subprocess

    clip = make_video(tmp_path / "v.mov", size="320x240", seconds=1)
    located = tmp_path / "located.mov"
    subprocess.run(
        [media_lib.ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(clip), "-c", "copy"]
        + ["-metadata", "location=+48.8566+002.3522/", str(located)],
        check=True,
        timeout=60,
    )
    assert media_lib.video_has_location(media_lib.probe(located))
    media = add(draft, "v.mov", located.read_bytes())
    services.media_process(media_id=media.pk)
    media.refresh_from_db()
    stored = tmp_path / "stored.mov"
    with default_storage.open(media.original.name) as fh:
        stored.write_bytes(fh.read())
    info = media_lib.probe(stored)
    assert media.status == MediaStatus.READY
    assert "location" not in info.raw
    assert info.has_video and info.audio_codec == "aac"
