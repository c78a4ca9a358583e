"""Reads of stories for pages, the API and other apps."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max, Prefetch, QuerySet
from django.utils import timezone

from stories.models import Call, Consent, MediaFile, MediaStatus, Rendition, Story, StoryAuditEntry, StoryState

GALLERY_VERSION_KEY = "stories:gallery:version"


def gallery_version() -> str:
    """What the cached gallery pages were made from: bumped by every change to published stories."""
    return str(cache.get(GALLERY_VERSION_KEY, 0))


def _bump_gallery() -> None:
    try:
        cache.incr(GALLERY_VERSION_KEY)
    except ValueError:
        cache.set(GALLERY_VERSION_KEY, 1, timeout=None)


def forget_gallery() -> None:
    """The public gallery changed: its cached pages go. Now, and again once the change is committed,
    so a page rendered meanwhile from the old rows is not kept under the new version."""
    _bump_gallery()
    transaction.on_commit(_bump_gallery)


def _public_media() -> QuerySet[MediaFile]:
    """Ready files whose copies are in the public storage (services.story_media_publish)."""
    return MediaFile.objects.filter(status=MediaStatus.READY, public_folder=F("folder")).exclude(public_folder="")


def _public_media_prefetch() -> Prefetch:
    return Prefetch(
        "media",
        queryset=_public_media().prefetch_related(
            Prefetch("renditions", queryset=Rendition.objects.order_by("width", "label"))
        ),
        to_attr="ready_media",
    )


def _live_consents() -> Prefetch:
    return Prefetch("consents", queryset=Consent.objects.filter(withdrawn_at__isnull=True))


def stories_published(*, country: str = "", pillar: str = "", q: str = "") -> QuerySet[Story]:
    """Published stories, featured first then newest: the gallery, the feed and the API."""
    qs = (
        Story.objects.filter(state=StoryState.PUBLISHED, consents__kind="publish", consents__withdrawn_at__isnull=True)
        .select_related("partner")
        # The cover is one of the ready media: story_public_media finds it there
        # instead of fetching it (and its renditions) a second time.
        .prefetch_related(_live_consents(), _public_media_prefetch())
        .order_by("-featured", "-published_at", "-pk")
    )
    if country:
        qs = qs.filter(country=country)
    if pillar:
        qs = qs.filter(pillar=pillar)
    if q:
        from django.db.models import Q

        # Every word must appear somewhere a visitor can read (never the follow-up contact).
        for word in q.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(heroes__icontains=word)
                | Q(city__icontains=word)
                | Q(actions__icontains=word)
                | Q(partner__name__icontains=word)
            )
    return qs


def story_published_by_slug(*, slug: str) -> Story | None:
    return stories_published().filter(slug=slug).first()


def feed_last_modified() -> datetime | None:
    """When the feed last changed: the latest update of any story that is or was published.

    A story taken down keeps its publication date, so its withdrawal still counts.
    """
    return Story.objects.filter(published_at__isnull=False).aggregate(last=Max("updated_at"))["last"]


def published_countries() -> list[str]:
    return sorted(
        set(Story.objects.filter(state=StoryState.PUBLISHED).exclude(country="").values_list("country", flat=True))
    )


def stories_for_partner(*, partner) -> QuerySet[Story]:
    """A partner organisation's own stories in every state, newest first, with their media."""
    return (
        Story.objects.filter(partner=partner)
        .select_related("call")
        .prefetch_related(Prefetch("media", queryset=MediaFile.objects.order_by("created_at")))
        .order_by("-updated_at")
    )


def user_is_curator(user) -> bool:
    """Curators (the moderate_story permission, held by the Curators group) and superusers."""
    return bool(
        user
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.has_perm("stories.moderate_story"))
    )


def media_for_viewer(*, user, story_id: int, media_id: int) -> MediaFile | None:
    """A media file of a story in any state, for the members of its organisation and for curators; else None."""
    from partners.selectors import membership_for_user

    if not getattr(user, "is_authenticated", False):
        return None
    media = MediaFile.objects.select_related("story").filter(pk=media_id, story_id=story_id).first()
    if media is None:
        return None
    if user_is_curator(user):
        return media
    membership = membership_for_user(user=user)
    if membership is not None and membership.partner_id == media.story.partner_id:
        return media
    return None


def story_for_partner_user(*, user, pk: int) -> Story | None:
    from partners.selectors import membership_for_user

    membership = membership_for_user(user=user)
    if membership is None:
        return None
    return (
        Story.objects.filter(pk=pk, partner_id=membership.partner_id)
        .select_related("call", "partner")
        .prefetch_related(
            Prefetch("media", queryset=MediaFile.objects.prefetch_related("renditions").order_by("created_at")),
            "consents",
        )
        .first()
    )


def calls_open() -> QuerySet[Call]:
    now = timezone.now()
    return Call.objects.filter(opens_at__lte=now, deadline__gt=now).order_by("deadline")


def call_current() -> Call | None:
    """The open call closing soonest, else the most recently closed one (to say it has closed)."""
    return calls_open().first() or Call.objects.order_by("-deadline").first()


def story_public_media(story: Story) -> dict:
    """What the public may see of a story's media, by its live consents."""
    kinds = story.active_consent_kinds()
    media = getattr(story, "ready_media", None)
    if media is None:
        media = list(_public_media().filter(story=story).prefetch_related("renditions"))
    if "media" not in kinds:
        return {"photos": [], "videos": [], "cover": None}
    photos = [m for m in media if m.kind == "photo"]
    videos = [m for m in media if m.kind == "video"]
    cover = next((m for m in photos if m.pk == story.cover_id), None)
    return {"photos": photos, "videos": videos, "cover": cover or (photos[0] if photos else None)}


def story_preview_media(story: Story) -> dict:
    """What the public will see of a story's media once it is published, for a curator's preview.

    Every ready file the consents allow, public copy or not, each pointing at the
    access-checked view: before publication nothing is in the public storage yet.
    """
    media = list(MediaFile.objects.filter(story=story, status=MediaStatus.READY).prefetch_related("renditions"))
    for item in media:
        item.show_private = True
    story.ready_media = media
    return story_public_media(story)


# --- the curators' review queue ----------------------------------------------------------

# What "waiting" means in the queue: a curator has something to do.
WAITING_STATES = (StoryState.SUBMITTED, StoryState.IN_REVIEW)
QUEUE_STATES = (
    StoryState.SUBMITTED,
    StoryState.IN_REVIEW,
    StoryState.CHANGES_REQUESTED,
    StoryState.APPROVED,
    StoryState.PUBLISHED,
    StoryState.REJECTED,
    StoryState.WITHDRAWN,
)


def queue_counts() -> dict[str, int]:
    """How many stories are in each state (drafts are the partners' business), in one query."""
    from django.db.models import Count

    rows = Story.objects.exclude(state=StoryState.DRAFT).values("state").annotate(n=Count("pk"))
    counts = {state: 0 for state in QUEUE_STATES}
    counts.update({row["state"]: row["n"] for row in rows})
    counts["waiting"] = sum(counts[s] for s in WAITING_STATES)
    return counts


def stories_queue(
    *, state: str = "waiting", assigned: str = "", user=None, q: str = "", pillar: str = "", country: str = ""
):
    """The queue: oldest submission first, so nothing waits for ever."""
    from django.db.models import Count, F, Q

    qs = Story.objects.exclude(state=StoryState.DRAFT)
    if state == "waiting":
        qs = qs.filter(state__in=WAITING_STATES)
    elif state in QUEUE_STATES:
        qs = qs.filter(state=state)
    if assigned == "me" and user is not None:
        qs = qs.filter(assigned_to=user)
    elif assigned == "nobody":
        qs = qs.filter(assigned_to__isnull=True)
    if pillar:
        qs = qs.filter(pillar=pillar)
    if country:
        qs = qs.filter(country=country)
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(heroes__icontains=q) | Q(partner__name__icontains=q) | Q(city__icontains=q)
        )
    return (
        qs.select_related("partner", "assigned_to")
        .annotate(
            n_photos=Count("media", filter=Q(media__kind="photo"), distinct=True),
            n_videos=Count("media", filter=Q(media__kind="video"), distinct=True),
            n_unready=Count("media", filter=~Q(media__status=MediaStatus.READY), distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "media",
                queryset=MediaFile.objects.filter(status=MediaStatus.READY).prefetch_related("renditions"),
                to_attr="ready_media",
            )
        )
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
    )


def story_for_review(*, pk: int) -> Story | None:
    """Everything a curator needs to decide on one story."""
    return (
        Story.objects.filter(pk=pk)
        .select_related("partner", "call", "created_by", "assigned_to", "cover")
        .prefetch_related(
            Prefetch(
                "media",
                queryset=MediaFile.objects.prefetch_related(
                    Prefetch("renditions", queryset=Rendition.objects.order_by("-height", "label"))
                ).order_by("created_at"),
            ),
            Prefetch("consents", queryset=Consent.objects.select_related("granted_by", "withdrawn_by")),
            Prefetch("audit_entries", queryset=StoryAuditEntry.objects.select_related("actor")),
        )
        .first()
    )


def story_thumbnail(story: Story) -> MediaFile | None:
    """The cover, else the first ready photo or video (a new story has no cover yet)."""
    if story.cover_id and story.cover and story.cover.status == MediaStatus.READY:
        return story.cover
    media = getattr(story, "ready_media", None)
    if media is None:
        media = list(story.media.filter(status=MediaStatus.READY).prefetch_related("renditions"))
    photos = [m for m in media if m.kind == "photo"]
    return (photos or media or [None])[0]


def queue_countries() -> list[str]:
    return sorted(
        set(Story.objects.exclude(state=StoryState.DRAFT).exclude(country="").values_list("country", flat=True))
    )


def media_progress(media: MediaFile) -> int | None:
    """How far processing has come, in percent, from what exists already (None: nothing to show yet).

    A video is done rendition by rendition (1080p, 720p, then the poster); a
    photo's renditions take a second, so it is all or nothing.
    """
    if media.status == MediaStatus.READY:
        return 100
    if media.status != MediaStatus.PROCESSING:
        return 0 if media.status == MediaStatus.PENDING else None
    if media.kind != "video" or not media.height:
        return 5
    from heforshe.lib.media import VIDEO_HEIGHTS

    expected = len([h for h in VIDEO_HEIGHTS if h <= media.height]) or 1
    done = sum(1 for r in media.renditions.all() if r.mime_type.startswith("video/"))
    # The probe (height known) is the first step; the poster the last.
    return min(95, 10 + round(85 * done / expected))
