"""Reads of stories for pages, the API and other apps."""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Max, Prefetch, QuerySet
from django.utils import timezone

from stories.models import Call, Consent, MediaFile, MediaStatus, Rendition, Story, StoryState

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


def stories_published(*, country: str = "", pillar: str = "") -> QuerySet[Story]:
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
