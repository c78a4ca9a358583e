"""Reads of the partners app. Pledge counts come only from `pledges.selectors`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from heforshe.lib.charts import Line, LineChart, line_chart
from partners.models import (
    IMPACT_SECTORS,
    Commitment,
    CommitmentStatus,
    Partner,
    PartnerInvitation,
    PartnerMembership,
    ProgressReport,
    ReportStatus,
    Sector,
)
from partners.qr import qr_svg

SIGNUPS_CACHE_SECONDS = 300
PROGRAMME_GOAL_PER_SECTOR = 10


def membership_for_user(*, user) -> PartnerMembership | None:
    """The user's membership with its partner, or None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PartnerMembership.objects.select_related("partner").filter(user=user, partner__is_active=True).first()


def partner_for_user(*, user) -> Partner | None:
    membership = membership_for_user(user=user)
    return membership.partner if membership else None


def partner_by_referral_code(*, code: str) -> Partner | None:
    if not code:
        return None
    return Partner.objects.filter(referral_code=code.strip().lower(), is_active=True).first()


# --- Referrals -----------------------------------------------------------------------


def referral_url(*, partner: Partner) -> str:
    """The pledge page with the partner's referral code: sign-ups through it count for the partner."""
    return f"{settings.SITE_URL}{reverse('pledges:pledge')}?partner={partner.referral_code}"


def referral_qr(*, partner: Partner, title: str = "") -> SafeString:
    """The referral link as an SVG QR code, to print on posters or show on a screen."""
    return qr_svg(referral_url(partner=partner), title=title)


# --- Sign-ups ------------------------------------------------------------------------


def _signups_key(partner_id: int) -> str:
    return f"partners:signups:{partner_id}"


def partner_signups(*, partner_id: int, fresh: bool = False) -> int:
    """Confirmed pledges through the partner's link; public pages may read a value 5 minutes old."""
    from pledges.selectors import partner_signup_total

    if not fresh:
        cached = cache.get(_signups_key(partner_id))
        if cached is not None:
            return cached
    total = partner_signup_total(partner_id=partner_id)
    cache.set(_signups_key(partner_id), total, SIGNUPS_CACHE_SECONDS)
    return total


def partner_signups_many(*, partner_ids: list[int]) -> dict[int, int]:
    """Sign-up totals for many partners: one cache round trip, and one query for all the misses."""
    from pledges.selectors import partner_signup_totals

    found = cache.get_many([_signups_key(pk) for pk in partner_ids])
    totals = {pk: found[_signups_key(pk)] for pk in partner_ids if _signups_key(pk) in found}
    missing = [pk for pk in partner_ids if pk not in totals]
    if missing:
        fresh = partner_signup_totals(partner_ids=missing)
        totals.update(fresh)
        cache.set_many({_signups_key(pk): n for pk, n in fresh.items()}, SIGNUPS_CACHE_SECONDS)
    return totals


def government_target(*, partner: Partner) -> dict | None:
    """A government champion's target is the number of men in its country; its count, that country's pledges."""
    from pledges.geo import men_estimate
    from pledges.selectors import country_confirmed

    if partner.sector != Sector.GOVERNMENT or not partner.country:
        return None
    men = men_estimate(partner.country.code)
    if not men:
        return None
    confirmed = country_confirmed(country=partner.country.code)
    share = round(min(100.0, confirmed * 100 / men), 2)
    return {"country": partner.country, "target": men, "confirmed": confirmed, "percent": share}


def percent(part: float, whole: float) -> int:
    if not whole:
        return 0
    return max(0, min(100, int(part * 100 / whole)))


@dataclass
class SignupChart:
    """Cumulative confirmed sign-ups per day against the target, with its SVG geometry in `plot`."""

    total: int
    start: dt.date
    end: dt.date
    plot: LineChart
    rows: list[tuple[dt.date, int, int]] = field(default_factory=list)

    @property
    def line(self) -> Line:
        return self.plot.lines[0]


def partner_signup_chart(*, partner: Partner, days: int = 90, width: int = 640, height: int = 220) -> SignupChart:
    from pledges.selectors import partner_signup_series

    total = partner_signups(partner_id=partner.pk, fresh=True)
    series = dict(partner_signup_series(partner_id=partner.pk, days=days))
    end = timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    in_window = sum(n for day, n in series.items() if day >= start)
    running = max(0, total - in_window)  # everything before the window
    rows, cumulative = [], []
    for i in range(days):
        day = start + dt.timedelta(days=i)
        running += series.get(day, 0)
        rows.append((day, series.get(day, 0), running))
        cumulative.append(running)
    plot = line_chart(
        days=[day for day, _n, _c in rows],
        series={"signups": cumulative},
        target=partner.signup_target or None,
        area=True,
        width=width,
        height=height,
        padding=(10, 8, 20, 48),
    )
    return SignupChart(total=total, start=start, end=end, plot=plot, rows=[r for r in rows if r[1]])


# --- Public pages ---------------------------------------------------------------------


def _public_commitments() -> Prefetch:
    return Prefetch("commitments", queryset=Commitment.objects.order_by("position", "id"))


def champions() -> QuerySet[Partner]:
    return (
        Partner.objects.filter(is_active=True, is_impact_champion=True, sector__in=IMPACT_SECTORS)
        .annotate(
            commitments_total=Count("commitments", distinct=True),
            commitments_achieved=Count(
                "commitments", filter=Q(commitments__status=CommitmentStatus.ACHIEVED), distinct=True
            ),
        )
        .order_by("sector", "name")
    )


def champions_by_sector() -> list[dict]:
    """Champions grouped by sector, each with sign-ups and progress, for the public list."""
    partners = list(champions())
    signups = partner_signups_many(partner_ids=[p.pk for p in partners])
    groups = []
    for sector in IMPACT_SECTORS:
        members = [p for p in partners if p.sector == sector]
        for p in members:
            p.signups = signups[p.pk]
            p.signup_percent = percent(p.signups, p.signup_target)
        groups.append({"sector": sector, "label": Sector(sector).label, "partners": members})
    return groups


def partner_public(*, slug: str) -> Partner | None:
    partner = Partner.objects.filter(slug=slug, is_active=True).prefetch_related(_public_commitments()).first()
    if partner is None:
        return None
    partner.signups = partner_signups(partner_id=partner.pk)
    partner.signup_percent = percent(partner.signups, partner.signup_target)
    partner.latest_report = latest_approved_report(partner=partner)
    return partner


def latest_approved_report(*, partner: Partner) -> ProgressReport | None:
    return partner.reports.filter(status=ReportStatus.APPROVED).order_by("-period_start").first()


def partners_api_queryset() -> QuerySet[Partner]:
    latest = ProgressReport.objects.filter(status=ReportStatus.APPROVED).order_by("partner_id", "-period_start")
    return champions().prefetch_related(
        _public_commitments(), Prefetch("reports", queryset=latest, to_attr="approved_reports")
    )


# --- Dashboard -------------------------------------------------------------------------


def partner_commitments(*, partner: Partner) -> QuerySet[Commitment]:
    return partner.commitments.order_by("position", "id")


def partner_reports(*, partner: Partner) -> QuerySet[ProgressReport]:
    return partner.reports.order_by("-period_start")


def partner_team(*, partner: Partner) -> tuple[QuerySet[PartnerMembership], QuerySet[PartnerInvitation]]:
    members = partner.memberships.select_related("user").order_by("role", "user__email")
    pending = partner.invitations.filter(accepted_at=None, revoked_at=None).order_by("-created_at")
    return members, pending


def report_for_member(*, user, pk: int) -> ProgressReport | None:
    """A report of the user's own organisation, or None (-> 404) for anything else."""
    membership = membership_for_user(user=user)
    if membership is None:
        return None
    return (
        ProgressReport.objects.filter(pk=pk, partner=membership.partner)
        .select_related("partner", "submitted_by", "reviewed_by")
        .first()
    )


# --- Programme overview (Partnerships staff) ----------------------------------------------


def programme_overview(*, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    partners = list(champions())
    signups = partner_signups_many(partner_ids=[p.pk for p in partners])
    status_counts = Counter(
        Commitment.objects.filter(partner__in=[p.pk for p in partners]).values_list("partner_id", "status")
    )
    sectors = []
    for sector in IMPACT_SECTORS:
        count = sum(1 for p in partners if p.sector == sector)
        sectors.append(
            {
                "sector": sector,
                "label": Sector(sector).label,
                "count": count,
                "goal": PROGRAMME_GOAL_PER_SECTOR,
                "percent": percent(count, PROGRAMME_GOAL_PER_SECTOR),
            }
        )
    overdue = list(
        ProgressReport.objects.filter(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED), due_date__lt=today)
        .select_related("partner")
        .order_by("due_date")
    )
    overdue_per_partner = Counter(r.partner_id for r in overdue)
    rows = []
    for p in partners:
        statuses = {s: status_counts[(p.pk, s)] for s in CommitmentStatus.values}
        rows.append(
            {
                "partner": p,
                "signups": signups[p.pk],
                "signup_percent": percent(signups[p.pk], p.signup_target),
                "statuses": statuses,
                "commitments": sum(statuses.values()),
                "overdue": overdue_per_partner[p.pk],
            }
        )
    awaiting = (
        ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).select_related("partner").order_by("submitted_at")
    )
    totals = Counter()
    for row in rows:
        totals.update(row["statuses"])
    return {
        "sectors": sectors,
        "rows": rows,
        "overdue": overdue,
        "awaiting": list(awaiting),
        "status_totals": [(s, CommitmentStatus(s).label, totals[s]) for s in CommitmentStatus.values],
    }


def programme_export(*, today: dt.date | None = None) -> tuple[list[str], list[list]]:
    """The programme overview as a header and one row per champion, for the staff CSV export."""
    data = programme_overview(today=today)
    header = [
        gettext("Partner"),
        gettext("Sector"),
        gettext("Country"),
        gettext("Sign-ups"),
        gettext("Sign-up target"),
        gettext("Commitments"),
        *(str(label) for _s, label, _n in data["status_totals"]),
        gettext("Overdue reports"),
    ]
    rows = [
        [
            row["partner"].name,
            row["partner"].get_sector_display(),
            row["partner"].country.code,
            row["signups"],
            row["partner"].signup_target,
            row["commitments"],
            *row["statuses"].values(),
            row["overdue"],
        ]
        for row in data["rows"]
    ]
    return header, rows
