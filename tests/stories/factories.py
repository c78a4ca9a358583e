"""Factories and generated media for the stories tests (Pillow and the imageio-ffmpeg binary)."""

from __future__ import annotations

import io
import struct
import subprocess
import zlib
from datetime import date, timedelta
from pathlib import Path

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from heforshe.lib.media import ffmpeg_exe
from stories.models import Call, Consent, ConsentKind, Pillar, Story, StoryState
from tests.factories import MembershipFactory, PartnerFactory, UserFactory


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    title = factory.Sequence(lambda n: f"Call for stories {n}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    call = factory.SubFactory(CallFactory)
    partner = factory.SubFactory(PartnerFactory)
    created_by = factory.SubFactory(UserFactory)
    slug = factory.Sequence(lambda n: f"a-story-{n}")
    title = factory.Sequence(lambda n: f"Story {n}")
    heroes = "Amadou Diallo"
    ages = "42"
    city = "Zinder"
    country = "NE"
    actions = "He runs a weekly school for husbands."
    started_on = date(2014, 1, 1)
    quote = "A good husband listens first."
    pillar = Pillar.VIOLENCE
    contact_details = "amadou@example.org, +227 555 0100"


def grant(story: Story, *kinds: str, user=None) -> None:
    for kind in kinds:
        Consent.objects.create(story=story, kind=kind, granted_by=user or story.created_by)


def published_story(**kwargs) -> Story:
    """A published story with live consents, made directly (the state machine is tested elsewhere)."""
    kwargs.setdefault("state", StoryState.PUBLISHED)
    kwargs.setdefault("published_at", timezone.now())
    story = StoryFactory(**kwargs)
    grant(story, ConsentKind.PUBLISH, ConsentKind.QUOTE, ConsentKind.MEDIA)
    return story


def partner_member(partner=None, **kwargs):
    membership = MembershipFactory(partner=partner, **kwargs) if partner else MembershipFactory(**kwargs)
    return membership.user, membership.partner


# --- generated media -----------------------------------------------------------------


def jpeg_bytes(width: int = 1600, height: int = 1000, *, orientation: int | None = None, gps: bool = False) -> bytes:
    im = Image.new("RGB", (width, height), (200, 40, 90))
    im.paste((20, 120, 200), (0, 0, width // 2, height // 3))  # a marker for orientation checks
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def png_bytes(width: int = 800, height: int = 600) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 30, 128)).save(buf, "PNG")
    return buf.getvalue()


def png_bomb_bytes(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG whose header claims 400 megapixels: refused before decoding."""
    raw = png_bytes(8, 8)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return raw[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + raw[33:]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_video(
    path: Path,
    *,
    size: str = "640x360",
    seconds: float = 2,
    audio: bool = True,
    vcodec: str = "libx264",
    video: bool = True,
) -> Path:
    """A short clip from lavfi's test source: the real binary the pipeline uses."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    if video:
        cmd += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]
    if audio:
        cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    if video:
        cmd += ["-c:v", vcodec, "-pix_fmt", "yuv420p"]
        if vcodec == "libx264":
            cmd += ["-preset", "ultrafast"]
    if audio:
        cmd += ["-c:a", "aac" if path.suffix != ".webm" else "libopus"]
    if path.suffix == ".mp4" and not video:
        cmd += ["-f", "mp4", "-brand", "isom"]
    cmd += ["-t", str(seconds), str(path)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return path
