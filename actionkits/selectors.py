"""Reads for action kits: public lists, language fallback, access, translation status, statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionkits.models import (
    LANGUAGE_CODES,
    SECTOR_AUDIENCE,
    SOURCE_LANGUAGE,
    ActionKit,
    KitDownloadCount,
    KitTranslation,
)
from partners.models import Sector


class Status:
    SOURCE = "source"
    CURRENT = "current"
    OUT_OF_DATE = "out_of_date"
    MISSING = "missing"


STATUS_LABELS = {
    Status.SOURCE: _("Source"),
    Status.CURRENT: _("Up to date"),
    Status.OUT_OF_DATE: _("Out of date"),
    Status.MISSING: _("Missing"),
}
STATUS_BADGES = {
    Status.SOURCE: "badge",
    Status.CURRENT: "badge badge-ok",
    Status.OUT_OF_DATE: "badge badge-warn",
    Status.MISSING: "badge badge-danger",
}


def _with_content(queryset: QuerySet[ActionKit]) -> QuerySet[ActionKit]:
    return queryset.prefetch_related(
        "pillars", Prefetch("translations", queryset=KitTranslation.objects.order_by("language"))
    )


def kits_public(*, audience: str = "", pillar: str = "") -> QuerySet[ActionKit]:
    """Published kits that have their English source, with pillars and translations prefetched."""
    has_english = KitTranslation.objects.filter(kit=OuterRef("pk"), language=SOURCE_LANGUAGE)
    queryset = ActionKit.objects.filter(Exists(has_english), is_published=True)
    if audience:
        queryset = queryset.filter(audience=audience)
    if pillar:
        queryset = queryset.filter(pillars__code=pillar)
    return _with_content(queryset.order_by("position", "slug"))


def kit_public_by_slug(*, slug: str) -> ActionKit | None:
    return kits_public().filter(slug=slug).first()


@dataclass(frozen=True)
class KitInLanguage:
    """A kit as shown to a visitor: the translation picked and whether it is the fallback."""

    kit: ActionKit
    translation: KitTranslation
    requested_language: str
    is_fallback: bool
    others: list[KitTranslation]
    download: KitTranslation | None


def kit_in_language(kit: ActionKit, language: str) -> KitInLanguage | None:
    """The kit's content in `language`, or the English source with `is_fallback` set.

    Uses the prefetched translations, so it costs no query on a prefetched kit.
    """
    by_language = {t.language: t for t in kit.translations.all()}
    chosen = by_language.get(language) or by_language.get(SOURCE_LANGUAGE)
    if chosen is None:
        return None
    others = [t for code in LANGUAGE_CODES if (t := by_language.get(code)) and t.language != chosen.language]
    return KitInLanguage(
        kit=kit,
        translation=chosen,
        requested_language=language,
        is_fallback=chosen.language != language,
        others=others,
        download=download_translation(kit, language),
    )


def download_translation(kit: ActionKit, language: str) -> KitTranslation | None:
    """The file a download in `language` serves: that language's file, else the English one."""
    by_language = {t.language: t for t in kit.translations.all() if t.file}
    return by_language.get(language) or by_language.get(SOURCE_LANGUAGE)


def sectors_open_to(*, user) -> frozenset[str]:
    """The sectors whose restricted kits `user` may download: all for kit staff, its partner's for a partner user.

    At most one query; a list checks many kits against one answer.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_staff and user.has_perm("actionkits.view_actionkit"):
        return frozenset(Sector.values)
    from partners.selectors import membership_for_user

    membership = membership_for_user(user=user)
    return frozenset({membership.partner.sector}) if membership is not None else frozenset()


def user_can_download(*, user, kit: ActionKit, open_sectors: frozenset[str] | None = None) -> bool:
    """Public kits: everyone. Restricted kits: partner users of that sector, and kit staff."""
    if not kit.restricted_to_sector:
        return True
    if open_sectors is None:
        open_sectors = sectors_open_to(user=user)
    return kit.restricted_to_sector in open_sectors


def kits_for_partner(*, partner) -> list[ActionKit]:
    """Kits for a partner's dashboard: its sector's audience, and kits restricted to its sector."""
    audience = SECTOR_AUDIENCE.get(partner.sector)
    queryset = kits_public()
    return list(queryset.filter(Q(audience=audience) | Q(restricted_to_sector=partner.sector)).distinct())


def translation_status(kit: ActionKit) -> dict[str, str]:
    """Status per language, from prefetched translations: source, current, out of date or missing."""
    by_language = {t.language: t for t in kit.translations.all()}
    english = by_language.get(SOURCE_LANGUAGE)
    statuses: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        translation = by_language.get(code)
        if code == SOURCE_LANGUAGE:
            statuses[code] = Status.SOURCE if translation else Status.MISSING
        elif translation is None:
            statuses[code] = Status.MISSING
        elif english is None or (translation.source_version or 0) < english.version:
            statuses[code] = Status.OUT_OF_DATE
        else:
            statuses[code] = Status.CURRENT
    return statuses


@dataclass(frozen=True)
class StatusRow:
    kit: ActionKit
    english_version: int | None
    cells: list[dict]


def translation_overview() -> list[StatusRow]:
    """Every kit (published or not) with the status of each language, in two queries."""
    rows = []
    for kit in _with_content(ActionKit.objects.order_by("position", "slug")):
        statuses = translation_status(kit)
        by_language = {t.language: t for t in kit.translations.all()}
        english = by_language.get(SOURCE_LANGUAGE)
        cells = [
            {
                "language": code,
                "status": statuses[code],
                "label": STATUS_LABELS[statuses[code]],
                "badge": STATUS_BADGES[statuses[code]],
                "translation": by_language.get(code),
            }
            for code in LANGUAGE_CODES
        ]
        rows.append(StatusRow(kit=kit, english_version=english.version if english else None, cells=cells))
    return rows


def language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))


@dataclass(frozen=True)
class DownloadStats:
    days: list[date]
    series: dict[str, list[int]]  # language -> count per day
    total: int
    by_language: list[dict]
    by_version: list[dict]
    by_country: list[dict]


def download_stats(*, kit: ActionKit, days: int = 30) -> DownloadStats:
    """Downloads of one kit over the last `days` days, per language per day, and totals."""
    today = timezone.now().date()
    start = today - timedelta(days=days - 1)
    day_list = [start + timedelta(days=i) for i in range(days)]
    base = KitDownloadCount.objects.filter(kit=kit)
    recent = base.filter(day__gte=start)
    series: dict[str, list[int]] = {}
    index = {d: i for i, d in enumerate(day_list)}
    for row in recent.values("language", "day").annotate(n=Sum("count")).order_by("language", "day"):
        series.setdefault(row["language"], [0] * days)[index[row["day"]]] = row["n"]
    return DownloadStats(
        days=day_list,
        series=series,
        total=base.aggregate(n=Sum("count"))["n"] or 0,
        by_language=list(base.values("language").annotate(n=Sum("count")).order_by("-n", "language")),
        by_version=list(base.values("language", "version").annotate(n=Sum("count")).order_by("language", "-version")),
        by_country=list(base.values("country").annotate(n=Sum("count")).order_by("-n", "country")[:20]),
    )
