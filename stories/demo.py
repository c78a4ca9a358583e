"""Demo calls for stories and published stories with generated photos (idempotent)."""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from partners.models import Partner
from stories import services
from stories.models import Call, ConsentKind, MediaStatus, Pillar, Story, StoryState

SEED_CALL = {
    "slug": "heforshe-local-stories-2015",
    "title": "#HeForShe Local Stories",
    "description": (
        "We will highlight the stories of individual men and boys embracing the principles of #HeForShe by taking "
        "actions at the local level. Each civil-society partner is asked to share at least one local story, with a "
        "high-resolution photo or HD video (1080p) shot horizontally in good light."
    ),
    "opens_at": datetime(2014, 12, 1, tzinfo=UTC),
    "deadline": datetime(2015, 1, 31, 23, 59, tzinfo=UTC),
}
OPEN_CALL_SLUG = "heforshe-local-stories-now"

STORIES = [
    # partner slug, title, heroes, ages, city, country, pillar, actions, quote, started, featured, colour
    (
        "husband-schools",
        "The husband school of Zinder",
        "Moussa Issoufou and eleven neighbours",
        "30-55",
        "Zinder",
        "NE",
        Pillar.VIOLENCE,
        "Every Friday after prayers, Moussa gathers men of his neighbourhood who have been violent at home. "
        "Together with a health worker they talk about anger, respect and shared decisions, and they visit "
        "each other's families to see the change.",
        "A good husband listens first. Our wives are safer and our children see it.",
        date(2013, 6, 1),
        True,
        (181, 83, 36),
    ),
    (
        "sonke",
        "Fathers on the school run",
        "Thabo Mokoena",
        "41",
        "Soweto",
        "ZA",
        Pillar.ECONOMIC,
        "Thabo organised a rota of fathers who walk the children of his street to school, so that the mothers "
        "can take the early shift at the factory. Forty families now take part.",
        "When I walk my daughter to school, her mother can earn her own salary.",
        date(2014, 2, 10),
        False,
        (32, 120, 160),
    ),
    (
        "promundo",
        "Football against violence",
        "Rafael Souza and the Maré youth team",
        "16-24",
        "Rio de Janeiro",
        "BR",
        Pillar.VIOLENCE,
        "Rafael coaches a youth football team where every training ends with a conversation about respect for "
        "girls and women. The team now runs a tournament where the entry fee is a pledge.",
        "Real players respect women, on and off the pitch.",
        date(2014, 3, 1),
        True,
        (20, 130, 80),
    ),
    (
        "salud-y-genero",
        "Sharing the care at home",
        "Jorge Martínez",
        "36",
        "Querétaro",
        "MX",
        Pillar.ECONOMIC,
        "Jorge started a WhatsApp group of fathers who share recipes and take turns cooking for the families "
        "of the block, so that mothers have time for their studies and work.",
        "Cooking dinner is not helping her. It is my home too.",
        date(2015, 9, 1),
        False,
        (200, 60, 90),
    ),
    (
        "white-ribbon",
        "A student council for parity",
        "Liam Chen",
        "19",
        "Toronto",
        "CA",
        Pillar.LEADERSHIP,
        "Liam proposed and won a change to his college's student council rules so that half of the seats are "
        "held by women, and he mentors first-year students who want to run.",
        "Leadership is better when it looks like the people it serves.",
        date(2016, 1, 15),
        False,
        (90, 70, 170),
    ),
    (
        "un-women-jordan",
        "Peace circles in Zaatari",
        "Ahmad Al-Khatib",
        "45",
        "Zaatari",
        "JO",
        Pillar.PEACE,
        "In the camp, Ahmad set up circles where men and women decide together on safety in the streets, "
        "lighting and the distribution of aid.",
        "Peace is built by everyone at the table, women first.",
        date(2017, 5, 1),
        False,
        (11, 122, 110),
    ),
]


def demo_photo(title: str, colour: tuple[int, int, int], seed: int) -> bytes:
    """A simple illustrated scene: sky, ground, sun and people-like figures."""
    rng = random.Random(seed)  # noqa: S311 - decoration only
    width, height = 1920, 1280
    im = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(im)
    for y in range(height // 2):
        shade = tuple(min(255, c + int(120 * (1 - y / (height / 2)))) for c in colour)
        draw.line([(0, y), (width, y)], fill=shade)
    draw.rectangle([0, height * 0.62, width, height], fill=tuple(max(0, c - 60) for c in colour))
    draw.ellipse([width * 0.72, height * 0.08, width * 0.86, height * 0.29], fill=(255, 214, 102))
    for i in range(rng.randint(3, 7)):
        x = 220 + i * 230 + rng.randint(-40, 40)
        h = rng.randint(330, 470)
        top = height * 0.78 - h
        body = (rng.randint(40, 90), rng.randint(30, 80), rng.randint(60, 120))
        draw.ellipse([x - 45, top - 95, x + 45, top - 5], fill=(120, 80, 60))
        draw.rounded_rectangle([x - 70, top, x + 70, top + h], radius=50, fill=body)
    return _jpeg(im)


# Stories waiting in the curators' review queue: (partner slug, title, heroes, city, country, pillar, actions,
# quote, with a video, days waiting).
WAITING = [
    (
        "husband-schools",
        "Football coaches who talk about consent",
        "Ibrahim Sani",
        "Maradi",
        "NE",
        Pillar.VIOLENCE,
        "Ibrahim trains the under-16 team of Maradi and ends each session with ten minutes on respect and consent.",
        "Boys listen to their coach. I use that to teach them respect.",
        True,
        3,
    ),
    (
        "sonke",
        "مقهى الآباء في الحي",
        "أحمد خليل",
        "Soweto",
        "ZA",
        Pillar.ECONOMIC,
        "يجتمع الآباء كل أسبوع لتقاسم أعمال البيت ورعاية الأطفال حتى تتمكن الأمهات من العمل.",
        "حين أطبخ لأطفالي، تستطيع زوجتي أن تكسب راتبها.",
        False,
        1,
    ),
]


def _demo_video() -> bytes | None:
    """A 3-second clip from ffmpeg's test source, or None when the binary is not there."""
    import subprocess
    import tempfile
    from pathlib import Path

    from heforshe.lib.media import ffmpeg_exe

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.mp4"
        cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi"]
        cmd += ["-i", "testsrc=size=1280x720:rate=25:duration=3", "-f", "lavfi", "-i", "sine=frequency=440:duration=3"]
        cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "3", str(out)]
        try:
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed arguments
        except (OSError, subprocess.SubprocessError):
            return None
        return out.read_bytes()


def _seed_waiting(*, call: Call, log) -> int:
    User = get_user_model()
    created = 0
    for index, row in enumerate(WAITING):
        slug, title, heroes, city, country, pillar, actions, quote, with_video, days = row
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None or Story.objects.filter(partner=partner, title=title).exists():
            continue
        user = User.objects.filter(email=f"{slug}@partners.example").first()
        story = services.story_create_draft(call=call, partner=partner, user=user, language="ar" if index else "en")
        services.story_update_draft(
            story=story,
            user=user,
            data={
                "title": title,
                "heroes": heroes,
                "ages": "35",
                "city": city,
                "country": country,
                "pillar": pillar,
                "actions": actions,
                "quote": quote,
                "started_on": date(2024, 3, 1),
                "is_ongoing": True,
            },
        )
        photo = SimpleUploadedFile("photo.jpg", demo_photo(title, (40, 90, 160), index + 7), content_type="image/jpeg")
        media = services.media_add(story=story, user=user, fileobj=photo, name="photo.jpg", size=photo.size)
        services.media_process(media_id=media.pk)
        clip = _demo_video() if with_video else None
        if clip:
            video = SimpleUploadedFile("training.mp4", clip, content_type="video/mp4")
            media = services.media_add(story=story, user=user, fileobj=video, name="training.mp4", size=video.size)
            services.media_process(media_id=media.pk)
        services.consents_record(
            story=story, user=user, kinds={ConsentKind.PUBLISH, ConsentKind.QUOTE, ConsentKind.MEDIA}
        )
        story.refresh_from_db()
        services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
        Story.objects.filter(pk=story.pk).update(submitted_at=timezone.now() - timedelta(days=days))
        created += 1
    return created


def _jpeg(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def seed(*, log) -> None:
    Call.objects.update_or_create(slug=SEED_CALL["slug"], defaults=SEED_CALL)
    now = timezone.now()
    open_call, _created = Call.objects.get_or_create(
        slug=OPEN_CALL_SLUG,
        defaults={
            "title": "#HeForShe Local Stories: share yours",
            "description": SEED_CALL["description"],
            "opens_at": now - timedelta(days=30),
            "deadline": now + timedelta(days=120),
        },
    )
    if not open_call.is_open(now):
        open_call.deadline = now + timedelta(days=120)
        open_call.save(update_fields=["deadline"])
    User = get_user_model()
    curator = (
        User.objects.filter(email="curator@heforshe.example").first() or User.objects.filter(is_superuser=True).first()
    )
    created = 0
    for index, row in enumerate(STORIES):
        slug, title, heroes, ages, city, country, pillar, actions, quote, started, featured, colour = row
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None or Story.objects.filter(partner=partner, title=title).exists():
            continue
        user = User.objects.filter(email=f"{slug}@partners.example").first()
        story = services.story_create_draft(call=open_call, partner=partner, user=user)
        services.story_update_draft(
            story=story,
            user=user,
            data={
                "title": title,
                "heroes": heroes,
                "ages": ages,
                "city": city,
                "country": country,
                "pillar": pillar,
                "actions": actions,
                "quote": quote,
                "started_on": started,
                "is_ongoing": True,
            },
        )
        photo = SimpleUploadedFile("photo.jpg", demo_photo(title, colour, index), content_type="image/jpeg")
        media = services.media_add(story=story, user=user, fileobj=photo, name="photo.jpg", size=photo.size)
        services.media_process(media_id=media.pk)
        services.consents_record(
            story=story, user=user, kinds={ConsentKind.PUBLISH, ConsentKind.QUOTE, ConsentKind.MEDIA}
        )
        story.refresh_from_db()
        services.story_transition(story=story, to_state=StoryState.SUBMITTED, user=user)
        for state in (StoryState.IN_REVIEW, StoryState.APPROVED, StoryState.PUBLISHED):
            services.story_transition(story=story, to_state=state, user=curator, system=curator is None)
        if featured and curator is not None:
            services.story_set_featured(story=story, featured=True, user=curator)
        created += 1
    waiting = _seed_waiting(call=open_call, log=log)
    published = Story.objects.filter(state=StoryState.PUBLISHED).count()
    ready = Story.objects.filter(media__status=MediaStatus.READY).distinct().count()
    log(
        f"2 calls for stories; {created} new stories, {waiting} new waiting for review, {published} published, {ready} with processed photos"
    )
