"""Demo partners from every region and sector, with a partner admin each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from heforshe.demo import demo_user
from partners.models import (
    Commitment,
    Partner,
    PartnerMembership,
    ProgressReport,
    ReportEvent,
    ReportStatus,
    ReportValue,
    Sector,
)
from partners.periods import Quarter
from partners.services import apply_approved_report, commitments_adopt_framework

PARTNERS = [
    # name, slug, sector, country, champion, target, description
    (
        "Government of Rwanda",
        "rwanda",
        Sector.GOVERNMENT,
        "RW",
        True,
        500000,
        "Committed to a national HeForShe launch and gender statistics.",
    ),
    (
        "Government of Sweden",
        "sweden",
        Sector.GOVERNMENT,
        "SE",
        True,
        250000,
        "Gender-equal parental leave and public campaigns.",
    ),
    ("Government of Japan", "japan", Sector.GOVERNMENT, "JP", True, 300000, "Women's leadership in the workplace."),
    (
        "Government of Brazil",
        "brazil",
        Sector.GOVERNMENT,
        "BR",
        True,
        400000,
        "Schools programmes against gender-based violence.",
    ),
    (
        "Unilever",
        "unilever",
        Sector.CORPORATION,
        "GB",
        True,
        20000,
        "Gender action plan aligned with the Women's Empowerment Principles.",
    ),
    (
        "Tupperware Brands",
        "tupperware",
        Sector.CORPORATION,
        "US",
        True,
        15000,
        "Supply-chain outreach to suppliers and customers.",
    ),
    (
        "Vodafone",
        "vodafone",
        Sector.CORPORATION,
        "GB",
        True,
        30000,
        "Male employee engagement measured with the Commitments API.",
    ),
    (
        "University of Waterloo",
        "waterloo",
        Sector.UNIVERSITY,
        "CA",
        True,
        10000,
        "Mandatory gender orientation for new students.",
    ),
    (
        "Nagoya University",
        "nagoya",
        Sector.UNIVERSITY,
        "JP",
        True,
        8000,
        "Safe-campus programmes and faculty resource modules.",
    ),
    (
        "Stockholm University",
        "stockholm-university",
        Sector.UNIVERSITY,
        "SE",
        True,
        6000,
        "Campus-wide HeForShe social change campaign.",
    ),
    (
        "University of São Paulo",
        "usp",
        Sector.UNIVERSITY,
        "BR",
        True,
        12000,
        "Outreach to alumni and affiliated institutions.",
    ),
    (
        "Sonke Gender Justice",
        "sonke",
        Sector.CIVIL_SOCIETY,
        "ZA",
        False,
        0,
        "Links HIV risk reduction to ending men's violence against women.",
    ),
    ("Promundo", "promundo", Sector.CIVIL_SOCIETY, "BR", False, 0, "Engages men and boys to promote gender equality."),
    (
        "Salud y Género",
        "salud-y-genero",
        Sector.CIVIL_SOCIETY,
        "MX",
        False,
        0,
        "Engages men to support women's reproductive rights and health.",
    ),
    (
        "White Ribbon Campaign",
        "white-ribbon",
        Sector.CIVIL_SOCIETY,
        "CA",
        False,
        0,
        "Men working to end violence against women in 40 countries.",
    ),
    (
        "Husband Schools Network",
        "husband-schools",
        Sector.CIVIL_SOCIETY,
        "NE",
        False,
        0,
        "Community schools where men learn to be better husbands and fathers.",
    ),
    ("UN Women Jordan", "un-women-jordan", Sector.UN_AGENCY, "JO", False, 0, "UN Women country office."),
]


def seed(*, log) -> None:
    for name, slug, sector, country, champion, target, description in PARTNERS:
        partner, _created = Partner.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "sector": sector,
                "country": country,
                "is_impact_champion": champion,
                "signup_target": target,
                "description": description,
            },
        )
        user = demo_user(f"{slug}@partners.example")
        PartnerMembership.objects.update_or_create(
            user=user, defaults={"partner": partner, "role": PartnerMembership.Role.ADMIN}
        )
    log(f"{len(PARTNERS)} partners, each with a partner admin <slug>@partners.example")
    seed_programme(log=log)


# Target per framework action (indicator value aimed for), by sector scale.
DEMO_TARGETS = {
    "people": 5000,
    "events": 6,
    "policies": 3,
    "campaigns": 4,
    "companies": 40,
    "yes = 1": 1,
    "targets": 10,
    "steps": 5,
    "partners": 10,
    "sessions": 4,
    "organisations": 50,
    "activities": 12,
    "groups": 20,
}
# Progress against the expected pace (1.0 = exactly on the line from baseline to target), per
# commitment in turn: on track, at risk, off track, and one partner that achieved everything.
# Relative to the pace, so the statuses come out the same whatever day the demo is seeded.
DEMO_PACE = [Decimal("1.15"), Decimal("0.75"), Decimal("1.3"), Decimal("0.4")]
DEMO_ACHIEVER = "rwanda"


def seed_programme(*, log) -> None:
    """Commitments from the frameworks, targets, and two approved quarterly reports per champion."""
    from django.utils import translation

    from partners.frameworks import action_by_code

    today = timezone.localdate()
    start = today - dt.timedelta(days=300)
    due = today + dt.timedelta(days=240)
    last = Quarter.containing(today).previous()
    periods = [last.previous(), last]
    champions = Partner.objects.filter(slug__in=[row[1] for row in PARTNERS if row[4]])
    reports = 0
    for index, partner in enumerate(champions.order_by("slug")):
        commitments_adopt_framework(partner=partner)
        for c in partner.commitments.filter(target_value=None).exclude(framework_code=""):
            # Indicator and unit stay empty: the framework's wording shows, translated.
            action = action_by_code(c.framework_code)
            with translation.override("en"):  # DEMO_TARGETS is keyed by the English unit
                unit = str(action.unit) if action else ""
            c.target_value = Decimal(
                partner.signup_target
                if c.framework_code.endswith("-2") and partner.signup_target
                else DEMO_TARGETS.get(unit, 10)
            )
            c.due_date = due
            c.save(update_fields=["target_value", "due_date"])
        # Commitments were made at the start of the programme, as the status line assumes.
        partner.commitments.update(created_at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))))
        admin = PartnerMembership.objects.filter(partner=partner, role=PartnerMembership.Role.ADMIN).first()
        for n, quarter in enumerate(periods):
            if ProgressReport.objects.filter(partner=partner, period_start=quarter.start).exists():
                continue
            report = ProgressReport.objects.create(
                partner=partner,
                period_start=quarter.start,
                period_end=quarter.end,
                due_date=quarter.due_date,
                status=ReportStatus.APPROVED,
                submitted_by=admin.user if admin else None,
                submitted_at=timezone.now(),
                reviewed_at=timezone.now(),
                narrative=f"{partner.name}: {DEMO_NARRATIVE[n]}",
            )
            expected = Decimal((quarter.end - start).days) / Decimal((due - start).days)
            for i, c in enumerate(Commitment.objects.filter(partner=partner).order_by("position")):
                pace = DEMO_PACE[(i + index) % len(DEMO_PACE)]
                share = Decimal(1) if partner.slug == DEMO_ACHIEVER else min(Decimal(1), expected * pace)
                ReportValue.objects.create(
                    report=report, commitment=c, value=(c.target_value * share).quantize(Decimal("1"))
                )
            for action, status in (("created", "draft"), ("submitted", "submitted"), ("approved", "approved")):
                ReportEvent.objects.create(report=report, action=action, to_status=status)
            apply_approved_report(ProgressReport.objects.get(pk=report.pk))
            reports += 1
    log(f"framework commitments for {champions.count()} champions, {reports} approved reports")


DEMO_NARRATIVE = [
    "We launched HeForShe publicly with our leadership, set targets for every framework action and began "
    "gender-sensitisation sessions. Sign-ups started through our referral link.",
    "Training reached more people than planned this quarter; events are on schedule. The safe-campus and "
    "supplier outreach actions need more time and we have asked for support.",
]
