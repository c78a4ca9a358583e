"""Reads of the Commitments app; pledge counts come only through pledges.selectors."""

from __future__ import annotations

from django.core.cache import cache

from commitments.models import ApiToken, CommitmentsPage, EmbedOrigin, PartnerDomain, Review
from pledges import selectors as pledge_selectors

ORIGINS_CACHE_SECONDS = 30


def active_partner(*, slug: str):
    from partners.models import Partner

    if "\x00" in slug:
        return None
    return Partner.objects.filter(slug=slug, is_active=True).first()


def page_of(partner) -> CommitmentsPage:
    return CommitmentsPage.objects.filter(partner=partner).first() or CommitmentsPage(partner=partner)


def approved_origins(*, partner_id: int) -> list[str]:
    """The sites that may frame this partner's widgets (cached briefly: every widget answer needs it)."""
    key = f"commitments:origins:{partner_id}"
    found = cache.get(key)
    if found is None:
        found = sorted(
            EmbedOrigin.objects.filter(partner_id=partner_id, status=Review.APPROVED).values_list("origin", flat=True)
        )
        cache.set(key, found, ORIGINS_CACHE_SECONDS)
    return found


def forget_origins(*, partner_id: int) -> None:
    cache.delete(f"commitments:origins:{partner_id}")


def approved_domains(*, partner_ids: list[int]) -> list[str]:
    return list(
        PartnerDomain.objects.filter(partner_id__in=partner_ids, status=Review.APPROVED).values_list(
            "domain", flat=True
        )
    )


def family_ids(*, partner) -> tuple[list[int], list]:
    """The partner's id with its descendants' (children, their children...), and the direct children."""
    from partners.models import Partner

    children = list(Partner.objects.filter(parent=partner, is_active=True).order_by("name"))
    ids, frontier, seen = [partner.pk], [c.pk for c in children], {partner.pk}
    for _depth in range(5):  # a bounded walk of organisations (a handful), never of pledges
        frontier = [pk for pk in frontier if pk not in seen]
        if not frontier:
            break
        ids += frontier
        seen.update(frontier)
        frontier = list(Partner.objects.filter(parent_id__in=frontier, is_active=True).values_list("pk", flat=True))
    return ids, children


def _hide_small(counts: dict[str, int], total: int) -> tuple[dict[str, int], int]:
    """Per-country member counts under the map's minimum-cell rule: (shown, folded into "elsewhere").

    The same rule as the map (pledges.selectors._shown_cells), with the whole membership as the parent.
    """
    levels = {1: [("m", i, 0, n) for i, (_code, n) in enumerate(sorted(counts.items()))]}
    shown = pledge_selectors._shown_cells({"m": total}, levels).get(1, {})
    codes = sorted(counts)
    visible = {codes[gy]: n for (_m, gy, _gx), n in shown.items()}
    return visible, total - sum(visible.values())


def members_of(*, partner_ids: list[int]) -> dict:
    """Sign-ups from the approved domains: aggregates only, small countries folded away."""
    domains = approved_domains(partner_ids=partner_ids)
    counts = pledge_selectors.domain_counts(domains=domains)
    shown, elsewhere = _hide_small(counts["countries"], counts["total"])
    return {
        "total": counts["total"],
        "countries": sorted(shown.items(), key=lambda kv: (-kv[1], kv[0])),
        "elsewhere": elsewhere,
        "domains": len(domains),
    }


def government_target(*, partner) -> dict | None:
    from partners.selectors import government_target as target

    return target(partner=partner)


def live_figures(*, partner) -> dict:
    """What the page and the widgets show and poll: the partner's count (with its children), members, global."""
    ids, _children = family_ids(partner=partner)
    summaries = pledge_selectors.attribution_summary(partner_ids=ids)
    total = sum(s["total"] for s in summaries.values())
    figures = {
        "partner": partner.slug,
        "total": total,
        "members": members_of(partner_ids=ids)["total"],
        "global_total": pledge_selectors.pledge_total(),
    }
    target = government_target(partner=partner)
    if target:
        figures["country_confirmed"] = target["confirmed"]
        figures["country_target"] = target["target"]
    return figures


def dashboard(*, partner) -> dict:
    """Everything the Commitments dashboard shows, from counter rows: a handful of queries, whatever the size."""
    ids, children = family_ids(partner=partner)
    summaries = pledge_selectors.attribution_summary(partner_ids=ids)
    own = summaries[partner.pk]
    child_rows = [{"partner": c, "total": summaries.get(c.pk, {}).get("total", 0)} for c in children]
    rolled = sum(s["total"] for s in summaries.values())
    return {
        "own": own,
        "sources": sorted(own["source"].items(), key=lambda kv: (-kv[1], kv[0])),
        "generations": [(g, own["generation"].get(g, 0)) for g in ("1", "2", "3+")],
        "countries": sorted(own["country"].items(), key=lambda kv: (-kv[1], kv[0]))[:30],
        "children": child_rows,
        "children_total": rolled - own["total"],
        "rolled_total": rolled,
        "members": members_of(partner_ids=ids),
        "global_total": pledge_selectors.pledge_total(),
        "target": government_target(partner=partner),
    }


def tokens_of(*, partner, pk: int | None = None) -> list[ApiToken]:
    tokens = ApiToken.objects.filter(partner=partner).order_by("-created_at")
    return list(tokens.filter(pk=pk) if pk is not None else tokens)


def domains_of(*, partner) -> list[PartnerDomain]:
    return list(PartnerDomain.objects.filter(partner=partner))


def origins_of(*, partner) -> list[EmbedOrigin]:
    return list(EmbedOrigin.objects.filter(partner=partner))


def pending_reviews() -> dict:
    return {
        "domains": list(PartnerDomain.objects.filter(status=Review.PENDING).select_related("partner")),
        "origins": list(EmbedOrigin.objects.filter(status=Review.PENDING).select_related("partner")),
    }


def staff_attribution(*, limit: int = 50) -> list[dict]:
    """Partners with the most attributed sign-ups, with sources and generations (one count query)."""
    from partners.models import Partner
    from pledges.models import AttributionCount

    top = list(
        AttributionCount.objects.filter(dimension="total", n__gt=0)
        .order_by("-n")
        .values_list("partner_id", "n")[:limit]
    )
    partners = Partner.objects.in_bulk([pk for pk, _n in top])
    summaries = pledge_selectors.attribution_summary(partner_ids=[pk for pk, _n in top])
    return [
        {
            "partner": partners[pk],
            "summary": summaries[pk],
            "generations": [(g, summaries[pk]["generation"].get(g, 0)) for g in ("1", "2", "3+")],
            "sources": sorted(summaries[pk]["source"].items(), key=lambda kv: -kv[1])[:5],
            "countries": sorted(summaries[pk]["country"].items(), key=lambda kv: -kv[1])[:5],
        }
        for pk, _n in top
        if pk in partners
    ]
