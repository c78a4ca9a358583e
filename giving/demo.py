"""Demo giving: currencies and a dated rates table, two campaigns, a matching sponsor (Vodafone),
a pay-per-pledge sponsor (Unilever), and gifts in several currencies. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from giving.models import (
    Campaign,
    CurrencyOption,
    Donation,
    DonationStatus,
    ExchangeRate,
    Frequency,
    Offer,
    SponsorAgreement,
    Tier,
)
from heforshe.demo import demo_user
from heforshe.roles import FINANCE

# currency: (one-off, monthly, minimum, maximum) in whole units.
CURRENCIES = {
    "USD": ([25, 50, 100, 250], [5, 10, 25, 50], 2, 25000),
    "EUR": ([25, 50, 100, 250], [5, 10, 25, 50], 2, 25000),
    "GBP": ([20, 40, 80, 200], [5, 10, 20, 40], 2, 20000),
    "KES": ([500, 1000, 2500, 5000], [200, 500, 1000, 2500], 100, 2500000),
    "INR": ([500, 1000, 2500, 5000], [250, 500, 1000, 2000], 100, 2000000),
    "BRL": ([50, 100, 250, 500], [20, 50, 100, 200], 10, 100000),
    "JPY": ([3000, 5000, 10000, 30000], [1000, 2000, 3000, 5000], 300, 3000000),
    "KRW": ([30000, 50000, 100000, 300000], [10000, 20000, 30000, 50000], 3000, 30000000),
}
# US dollars per unit, as staff recorded them on 1 November 2026.
RATES = {
    "EUR": "1.0850",
    "GBP": "1.2700",
    "KES": "0.00775",
    "INR": "0.01195",
    "BRL": "0.1850",
    "JPY": "0.00665",
    "KRW": "0.000735",
}
RATES_DATE = dt.date(2026, 11, 1)


def seed(*, log) -> None:
    from giving.currencies import EXPONENTS
    from partners.models import Partner

    for position, (code, (one_off, monthly, low, high)) in enumerate(CURRENCIES.items()):
        scale = 10 ** EXPONENTS[code]
        CurrencyOption.objects.update_or_create(
            currency=code,
            defaults={
                "one_off_amounts": one_off,
                "monthly_amounts": monthly,
                "minimum_minor": low * scale,
                "maximum_minor": high * scale,
                "position": position,
            },
        )
    for code, rate in RATES.items():
        ExchangeRate.objects.update_or_create(
            currency=code, valid_on=RATES_DATE, defaults={"usd_per_unit": Decimal(rate), "source": "Demo rates table"}
        )
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    end = today + dt.timedelta(days=120)
    schools, _ = Campaign.objects.update_or_create(
        slug="safe-schools",
        defaults={
            "title": "Safe schools for every girl",
            "summary": "Training teachers and students to end gender-based violence in and around schools.",
            "goal_minor": 150000,
            "goal_currency": "USD",
            "starts_on": start,
            "ends_on": end,
            "pillar": "violence",
            "position": 0,
        },
    )
    leaders, _ = Campaign.objects.update_or_create(
        slug="women-lead",
        defaults={
            "title": "Women lead",
            "summary": "Mentoring and campaign support for women standing for office.",
            "goal_minor": 100000,
            "goal_currency": "EUR",
            "starts_on": start,
            "ends_on": end,
            "pillar": "leadership",
            "position": 1,
        },
    )
    vodafone = Partner.objects.filter(slug="vodafone").first()
    unilever = Partner.objects.filter(slug="unilever").first()
    now = timezone.now()
    offer_start = now - dt.timedelta(days=30)
    offer_end = timezone.make_aware(dt.datetime.combine(end, dt.time(23, 59)))
    if vodafone:
        SponsorAgreement.objects.update_or_create(
            partner=vodafone,
            campaign=schools,
            defaults={"tier": Tier.PLATINUM, "starts_on": start, "ends_on": end, "committed_minor": 5000000},
        )
        Offer.objects.get_or_create(
            partner=vodafone,
            campaign=schools,
            kind=Offer.Kind.MATCH,
            defaults={"currency": "USD", "cap_minor": 5000000, "starts_at": offer_start, "ends_at": offer_end},
        )
    if unilever:
        SponsorAgreement.objects.update_or_create(
            partner=unilever,
            campaign=schools,
            defaults={"tier": Tier.GOLD, "starts_on": start, "ends_on": end, "committed_minor": 10000000},
        )
        Offer.objects.get_or_create(
            partner=unilever,
            campaign=schools,
            kind=Offer.Kind.PER_PLEDGE,
            defaults={
                "currency": "USD",
                "cap_minor": 10000000,
                "per_pledge_minor": 100,
                "starts_at": offer_start,
                "ends_at": offer_end,
            },
        )
    if not Donation.objects.filter(payment_intent_id__startswith="pi_demo_").exists():
        from giving.services import matching_apply

        gifts = [
            (schools, "USD", 10000, Frequency.ONE_OFF, "violence"),
            (schools, "EUR", 5000, Frequency.ONE_OFF, ""),
            (schools, "JPY", 10000, Frequency.ONE_OFF, "violence"),
            (schools, "KES", 250000, Frequency.MONTHLY, ""),
            (schools, "INR", 100000, Frequency.ONE_OFF, "violence"),
            (leaders, "GBP", 4000, Frequency.ONE_OFF, "leadership"),
            (leaders, "BRL", 25000, Frequency.MONTHLY, "leadership"),
            (leaders, "EUR", 10000, Frequency.ONE_OFF, ""),
        ]
        with transaction.atomic():
            for i, (campaign, currency, minor, frequency, designation) in enumerate(gifts):
                donation = Donation.objects.create(
                    campaign=campaign,
                    currency=currency,
                    amount_minor=minor,
                    frequency=frequency,
                    designation=designation,
                    email=f"donor{i + 1}@example.org",
                    provider="dev",
                    payment_intent_id=f"pi_demo_{i + 1}",
                    status=DonationStatus.SUCCEEDED,
                    succeeded_at=now - dt.timedelta(days=i),
                    receipt_sent_at=now,
                )
                matching_apply(donation=donation)
    finance = demo_user("finance@heforshe.example", is_staff=True)
    from django.contrib.auth.models import Group

    finance.groups.add(Group.objects.get(name=FINANCE))
    log(
        "giving: 2 campaigns, Vodafone matching, Unilever per pledge, "
        f"{Donation.objects.filter(payment_intent_id__startswith='pi_demo_').count()} demo gifts; finance@heforshe.example"
    )
