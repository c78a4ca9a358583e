"""Giving: campaigns, donations (money in integer minor units), monthly gifts, provider events,
sponsorship agreements and sponsor offers (matching and pay-per-pledge)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giving.currencies import CURRENCY_CHOICES
from heforshe.lib.pillars import Pillar


class CurrencyOption(models.Model):
    """A currency donors may choose, with its suggested amounts and server-side limits (staff-managed)."""

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, unique=True)
    one_off_amounts = models.JSONField(
        _("suggested one-off amounts"), default=list, help_text=_("Whole units, for example [10, 25, 50, 100].")
    )
    monthly_amounts = models.JSONField(_("suggested monthly amounts"), default=list)
    minimum_minor = models.PositiveBigIntegerField(_("minimum (minor units)"))
    maximum_minor = models.PositiveBigIntegerField(_("maximum (minor units)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "currency"]
        verbose_name = _("currency option")
        verbose_name_plural = _("currency options")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_minor__gt=0) & Q(maximum_minor__gte=F("minimum_minor")),
                name="giving_currency_limits_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.currency


class ExchangeRate(models.Model):
    """How many US dollars one unit of a currency was worth on a date, as staff recorded it.

    Totals across currencies use the newest rate on or before the day they are for: never a
    live rate fetched at run time, so a total can be explained and reproduced.
    """

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    usd_per_unit = models.DecimalField(_("US dollars per unit"), max_digits=18, decimal_places=10)
    valid_on = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["currency", "-valid_on"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_on"], name="giving_rate_once_per_day"),
            models.CheckConstraint(condition=Q(usd_per_unit__gt=0), name="giving_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.usd_per_unit} ({self.valid_on})"


class Campaign(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    goal_minor = models.PositiveBigIntegerField(_("goal (minor units)"))
    goal_currency = models.CharField(_("goal currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    pillar = models.CharField(_("pillar"), max_length=20, choices=Pillar.choices, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "-starts_on"]
        verbose_name = _("fundraising campaign")
        verbose_name_plural = _("fundraising campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="giving_campaign_dates"),
            models.CheckConstraint(condition=Q(goal_minor__gt=0), name="giving_campaign_goal_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Frequency(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")


class DonationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    DISPUTED = "disputed", _("Disputed")


# Money that reached us and counts in totals (less what was refunded).
COUNTED_STATUSES = (DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED)


class Subscription(models.Model):
    """A monthly gift as the provider knows it; each month's payment is a Donation of its own."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        CANCELLED = "cancelled", _("Cancelled")

    provider = models.CharField(_("provider"), max_length=20)
    provider_subscription_id = models.CharField(_("provider subscription"), max_length=120)
    customer_id = models.CharField(_("provider customer"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("monthly gift")
        verbose_name_plural = _("monthly gifts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_subscription_id"], name="giving_subscription_once"),
        ]

    def __str__(self) -> str:
        return self.provider_subscription_id


class Donation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.ONE_OFF)
    amount_minor = models.PositiveBigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    designation = models.CharField(_("designation"), max_length=20, choices=Pillar.choices, blank=True)
    dedication = models.CharField(_("dedication"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=DonationStatus.choices, default=DonationStatus.PENDING, db_index=True
    )
    status_reason = models.CharField(_("status reason"), max_length=200, blank=True)
    refunded_minor = models.PositiveBigIntegerField(_("refunded (minor units)"), default=0)
    provider = models.CharField(_("provider"), max_length=20)
    checkout_session_id = models.CharField(_("checkout session"), max_length=200, null=True, blank=True, unique=True)
    payment_intent_id = models.CharField(_("payment"), max_length=200, blank=True, db_index=True)
    invoice_id = models.CharField(_("invoice"), max_length=200, null=True, blank=True, unique=True)
    customer_id = models.CharField(_("provider customer"), max_length=120, blank=True)
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="donations"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    succeeded_at = models.DateTimeField(_("paid"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        permissions = [("refund_donation", "Can refund a donation")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="giving_donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=F("amount_minor")), name="giving_donation_refund_le_amount"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["succeeded", "refunded", "partially_refunded", "disputed"])
                | Q(succeeded_at__isnull=False),
                name="giving_donation_paid_has_date",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="giving_donation_campaign_st")]

    def __str__(self) -> str:
        return f"{self.currency} {self.amount_minor} ({self.get_status_display()})"

    @property
    def net_minor(self) -> int:
        return self.amount_minor - self.refunded_minor


class ProviderEvent(models.Model):
    """Every webhook or reconciled event, stored by the provider's id: a replay finds its row and stops."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=200)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=10, default="webhook")
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="giving_event_once")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class Tier(models.TextChoices):
    PLATINUM = "platinum", _("Platinum")
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    SUPPORTER = "supporter", _("Supporter")


class SponsorAgreement(models.Model):
    """A sponsorship agreement with a partner organisation, recorded for staff; its tier is shown publicly."""

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="sponsorships"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="sponsors"
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    committed_minor = models.PositiveBigIntegerField(_("committed (minor units)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD")
    reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=True)

    class Meta:
        ordering = ["tier", "partner__name"]
        verbose_name = _("sponsorship agreement")
        verbose_name_plural = _("sponsorship agreements")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="giving_agreement_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_tier_display()})"


class Offer(models.Model):
    """What a sponsor gives on top: a match of gifts, or an amount per confirmed attributed pledge, up to a cap."""

    class Kind(models.TextChoices):
        MATCH = "match", _("Matches gifts")
        PER_PLEDGE = "per_pledge", _("Pays per pledge")

    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="giving_offers"
    )
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="offers")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD")
    cap_minor = models.PositiveBigIntegerField(_("cap (minor units)"))
    # Matching: sponsor gives ratio x each gift (1 = doubles it).
    match_ratio = models.DecimalField(_("match ratio"), max_digits=6, decimal_places=3, default=1)
    # Pay per pledge: sponsor gives this for every confirmed pledge attributed to it.
    per_pledge_minor = models.PositiveBigIntegerField(_("amount per pledge (minor units)"), default=0)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # Running total of matched money, moved only by one conditional UPDATE per gift so the cap holds.
    matched_minor = models.PositiveBigIntegerField(_("matched so far (minor units)"), default=0, editable=False)

    class Meta:
        ordering = ["campaign", "partner__name"]
        verbose_name = _("sponsor offer")
        verbose_name_plural = _("sponsor offers")
        constraints = [
            models.CheckConstraint(condition=Q(matched_minor__lte=F("cap_minor")), name="giving_offer_within_cap"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="giving_offer_dates"),
            models.CheckConstraint(
                condition=~Q(kind="per_pledge") | Q(per_pledge_minor__gt=0), name="giving_offer_per_pledge_amount"
            ),
            models.CheckConstraint(condition=~Q(kind="match") | Q(match_ratio__gt=0), name="giving_offer_ratio"),
        ]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_kind_display()} · {self.campaign}"


class MatchAllocation(models.Model):
    """The part of a matching offer one gift took (in the offer's currency); reduced when the gift is refunded."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="allocations")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="match_allocations")
    amount_minor = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("match allocation")
        verbose_name_plural = _("match allocations")
        constraints = [models.UniqueConstraint(fields=["offer", "donation"], name="giving_match_once_per_gift")]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.amount_minor}"
