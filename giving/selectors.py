"""Reads of the giving app: donate-page options, campaign progress, sponsor statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from giving.currencies import EXPONENTS, major_to_minor, to_major
from giving.models import (
    COUNTED_STATUSES,
    Campaign,
    CurrencyOption,
    Donation,
    DonationStatus,
    ExchangeRate,
    Offer,
    SponsorAgreement,
)


def currency_options() -> list[CurrencyOption]:
    return list(CurrencyOption.objects.filter(is_active=True))


def currency_option(*, currency: str) -> CurrencyOption | None:
    return CurrencyOption.objects.filter(currency=currency, is_active=True).first()


def published_campaigns() -> QuerySet[Campaign]:
    today = timezone.localdate()
    return Campaign.objects.filter(is_published=True, ends_on__gte=today).order_by("position", "-starts_on")


def campaign_public(*, slug: str) -> Campaign | None:
    return Campaign.objects.filter(slug=slug, is_published=True).first()


# --- Converting with the staff-maintained rates table ------------------------------
@dataclass
class Rates:
    """The rates in force on one day: the newest row on or before it for each currency."""

    on: dt.date
    usd_per_unit: dict[str, Decimal] = field(default_factory=dict)
    dated: dict[str, dt.date] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date | None:
        return max(self.dated.values()) if self.dated else None

    def convert(self, minor: int, source: str, target: str) -> int | None:
        """`minor` units of `source` in minor units of `target`, or None without a rate for either."""
        if source == target:
            return minor
        if source not in self.usd_per_unit or target not in self.usd_per_unit:
            return None
        usd = to_major(minor, source) * self.usd_per_unit[source]
        return major_to_minor(usd / self.usd_per_unit[target], target)


def rates_on(day: dt.date | None = None) -> Rates:
    day = day or timezone.localdate()
    rates = Rates(on=day, usd_per_unit={"USD": Decimal(1)})
    rows = (
        ExchangeRate.objects.filter(valid_on__lte=day)
        .order_by("currency", "-valid_on")
        .distinct("currency")
        .values_list("currency", "usd_per_unit", "valid_on")
        if _supports_distinct_on()
        else _newest_rates_portable(day)
    )
    for currency, rate, valid_on in rows:
        rates.usd_per_unit[currency] = rate
        rates.dated[currency] = valid_on
    return rates


def _supports_distinct_on() -> bool:
    from django.db import connection

    return connection.features.can_distinct_on_fields


def _newest_rates_portable(day: dt.date) -> list[tuple[str, Decimal, dt.date]]:
    newest: dict[str, tuple[str, Decimal, dt.date]] = {}
    for row in (
        ExchangeRate.objects.filter(valid_on__lte=day)
        .order_by("valid_on")
        .values_list("currency", "usd_per_unit", "valid_on")
    ):
        newest[row[0]] = row
    return list(newest.values())


# --- Campaign progress -------------------------------------------------------------
def _net_by_currency(campaign_id: int) -> dict[str, int]:
    rows = (
        Donation.objects.filter(campaign_id=campaign_id, status__in=COUNTED_STATUSES)
        .values("currency")
        .annotate(net=Sum(F("amount_minor") - F("refunded_minor")))
    )
    return {row["currency"]: int(row["net"] or 0) for row in rows}


def offer_owed(offer: Offer, *, now: dt.datetime | None = None) -> tuple[int, int]:
    """(what the sponsor owes so far, how many gifts or pledges it is for), in the offer's minor units."""
    if offer.kind == Offer.Kind.MATCH:
        return offer.matched_minor, offer.allocations.filter(amount_minor__gt=0).count()
    from pledges.selectors import partner_confirmed_between

    now = now or timezone.now()
    pledges = partner_confirmed_between(partner_id=offer.partner_id, start=offer.starts_at, end=min(now, offer.ends_at))
    return min(offer.cap_minor, pledges * offer.per_pledge_minor), pledges


@dataclass
class OfferProgress:
    offer: Offer
    owed_minor: int
    count: int

    @property
    def remaining_minor(self) -> int:
        return max(0, self.offer.cap_minor - self.owed_minor)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.offer.starts_at <= now < self.offer.ends_at and self.remaining_minor > 0


def campaign_progress(*, campaign: Campaign, fresh: bool = False) -> dict:
    """Raised, matched and goal in the campaign's goal currency; cached a few seconds (the thermometer polls)."""
    key = f"giving:progress:{campaign.pk}"
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached
    rates = rates_on(min(timezone.localdate(), campaign.ends_on))
    target = campaign.goal_currency
    raised = 0
    unconverted: list[str] = []
    net = _net_by_currency(campaign.pk)
    for currency, minor in net.items():
        converted = rates.convert(minor, currency, target)
        if converted is None:
            unconverted.append(currency)
        else:
            raised += converted
    offers = []
    sponsored = 0
    for offer in campaign.offers.select_related("partner").order_by("kind", "partner__name"):
        owed, count = offer_owed(offer)
        converted = rates.convert(owed, offer.currency, target)
        if converted is None:
            unconverted.append(offer.currency)
        sponsored += converted or 0
        progress = OfferProgress(offer=offer, owed_minor=owed, count=count)
        offers.append(
            {
                "id": offer.pk,
                "kind": offer.kind,
                "sponsor": offer.partner.name,
                "sponsor_slug": offer.partner.slug,
                "currency": offer.currency,
                "cap_minor": offer.cap_minor,
                "owed_minor": owed,
                "remaining_minor": progress.remaining_minor,
                "count": count,
                "is_open": progress.is_open,
                "ends_at": offer.ends_at.isoformat(),
                "match_ratio": str(offer.match_ratio),
                "per_pledge_minor": offer.per_pledge_minor,
                "referral_code": offer.partner.referral_code,
            }
        )
    total = raised + sponsored
    result = {
        "campaign": campaign.slug,
        "currency": target,
        "exponent": EXPONENTS[target],
        "goal_minor": campaign.goal_minor,
        "raised_minor": raised,
        "sponsored_minor": sponsored,
        "total_minor": total,
        "percent": min(100, int(total * 100 // campaign.goal_minor)) if campaign.goal_minor else 0,
        "donors": Donation.objects.filter(campaign_id=campaign.pk, status__in=COUNTED_STATUSES).count(),
        "rates_as_of": rates.as_of.isoformat() if rates.as_of else None,
        "unconverted_currencies": sorted(set(unconverted)),
        "offers": offers,
        "updated_at": timezone.now().isoformat(),
    }
    cache.set(key, result, settings.GIVING_PROGRESS_CACHE_SECONDS)
    return result


def forget_progress(*, campaign_id: int | None) -> None:
    if campaign_id:
        cache.delete(f"giving:progress:{campaign_id}")


def campaign_sponsors(*, campaign: Campaign) -> list[SponsorAgreement]:
    today = timezone.localdate()
    return list(
        SponsorAgreement.objects.filter(campaign=campaign, is_public=True, starts_on__lte=today, ends_on__gte=today)
        .select_related("partner")
        .order_by("tier", "partner__name")
    )


def partner_sponsorships(*, partner_id: int) -> list[SponsorAgreement]:
    """Public, current agreements of one partner (shown on its partner page)."""
    today = timezone.localdate()
    return list(
        SponsorAgreement.objects.filter(partner_id=partner_id, is_public=True, starts_on__lte=today, ends_on__gte=today)
        .select_related("campaign")
        .order_by("tier")
    )


# --- Donors and staff ------------------------------------------------------------
def donations_for_email(*, email: str) -> QuerySet[Donation]:
    return (
        Donation.objects.filter(email__iexact=email, anonymised_at__isnull=True)
        .exclude(status=DonationStatus.PENDING)
        .select_related("campaign", "subscription")
        .order_by("-created_at")
    )


def sponsor_statement() -> tuple[list[str], list[list]]:
    """One row per offer: what each sponsor owes, for the finance CSV."""
    header = [
        "sponsor",
        "campaign",
        "kind",
        "currency",
        "cap",
        "rate",
        "count",
        "owed",
        "remaining",
        "starts",
        "ends",
    ]
    rows = []
    for offer in Offer.objects.select_related("partner", "campaign").order_by("partner__name", "campaign__title"):
        owed, count = offer_owed(offer)
        rate = (
            f"x{offer.match_ratio}"
            if offer.kind == Offer.Kind.MATCH
            else str(to_major(offer.per_pledge_minor, offer.currency))
        )
        rows.append(
            [
                offer.partner.name,
                offer.campaign.title,
                offer.kind,
                offer.currency,
                to_major(offer.cap_minor, offer.currency),
                rate,
                count,
                to_major(owed, offer.currency),
                to_major(max(0, offer.cap_minor - owed), offer.currency),
                offer.starts_at,
                offer.ends_at,
            ]
        )
    return header, rows


def donations_export_rows():
    header = [
        "id",
        "created",
        "paid",
        "status",
        "frequency",
        "currency",
        "amount",
        "refunded",
        "campaign",
        "designation",
        "email",
        "name",
        "language",
        "provider",
        "payment",
    ]

    def rows():
        for d in Donation.objects.select_related("campaign").order_by("created_at").iterator(chunk_size=500):
            yield [
                str(d.public_id),
                d.created_at,
                d.succeeded_at,
                d.status,
                d.frequency,
                d.currency,
                to_major(d.amount_minor, d.currency),
                to_major(d.refunded_minor, d.currency),
                d.campaign.title if d.campaign_id else "",
                d.designation,
                d.email,
                d.name,
                d.language,
                d.provider,
                d.payment_intent_id,
            ]

    return header, rows()
