"""Reads of champions, and their reach through the pledges app's one attribution selector."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from champions.models import Audience, Champion, Kind, Revision
from heforshe.lib.pillars import Pillar
from pledges.selectors import confirmed_count_by_source


def published() -> QuerySet[Champion]:
    return Champion.objects.filter(is_published=True).select_related("partner")


def champions_by_kind(*, kind: str = "") -> list[dict]:
    qs = published()
    if kind:
        qs = qs.filter(kind=kind)
    rows = list(qs)
    groups = []
    for key, label in Kind.choices:
        items = [c for c in rows if c.kind == key]
        if items:
            groups.append({"key": key, "label": label, "champions": items})
    return groups


def champion_public(*, slug: str) -> Champion | None:
    return published().filter(slug=slug).first()


def tracked_link(champion: Champion) -> str:
    return settings.SITE_URL + reverse("pledges:pledge") + f"?source={champion.source_code}"


def reach(champions: list[Champion]) -> dict[int, int]:
    counts = confirmed_count_by_source(codes=[c.source_code for c in champions])
    return {c.pk: counts.get(c.source_code, 0) for c in champions}


def reach_of(champion: Champion) -> int:
    return reach([champion])[champion.pk]


REACH_LIVE_SECONDS = 5


def reach_live(*, slug: str) -> int | None:
    """The reach a champion's page polls, None for no published champion; shared a few seconds through the cache.

    A crowd watching one page costs one cache read each poll, and the database
    two small queries every few seconds at most.
    """
    from django.core.cache import cache

    key = f"champions:reach:{slug}"
    value = cache.get(key)
    if value is None:
        champion = Champion.objects.filter(is_published=True, slug=slug).only("pk", "slug").first()
        if champion is None:
            return None
        value = reach_of(champion)
        cache.set(key, value, timeout=REACH_LIVE_SECONDS)
    return value


def leaderboard(*, limit: int = 20) -> list[dict]:
    """Champions who agreed to be ranked, by the men who joined through them."""
    rows = list(published().filter(on_leaderboard=True))
    counts = reach(rows)
    ranked = sorted(rows, key=lambda c: (-counts[c.pk], c.name))[:limit]
    return [{"champion": c, "reach": counts[c.pk]} for c in ranked]


def staff_reach() -> dict:
    """Reach per champion (published or not), and summed per audience, country and pillar."""
    rows = list(Champion.objects.select_related("partner", "user").order_by("name"))
    counts = reach(rows)
    sums: dict[str, dict[str, int]] = {
        "audience": defaultdict(int),
        "country": defaultdict(int),
        "pillar": defaultdict(int),
    }
    for c in rows:
        sums["audience"][c.get_audience_display()] += counts[c.pk]
        sums["country"][c.country.name if c.country else "—"] += counts[c.pk]
        sums["pillar"][str(Pillar(c.pillar).label) if c.pillar else "—"] += counts[c.pk]
    return {
        "champions": [{"champion": c, "reach": counts[c.pk], "link": tracked_link(c)} for c in rows],
        "by_audience": sorted(sums["audience"].items(), key=lambda kv: -kv[1]),
        "by_country": sorted(sums["country"].items(), key=lambda kv: -kv[1]),
        "by_pillar": sorted(sums["pillar"].items(), key=lambda kv: -kv[1]),
        "pending_revisions": Revision.objects.filter(status=Revision.Status.PENDING).count(),
        "audiences": Audience.choices,
    }


def profiles_for_user(*, user) -> QuerySet[Champion]:
    if not user.is_authenticated:
        return Champion.objects.none()
    return Champion.objects.filter(user=user)
