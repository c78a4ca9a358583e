"""Events: launches, conferences and meetings where men join, with registration and check-in.

Times are stored in UTC with the IANA zone the organiser chose; pages and emails show them
in that zone. `remind_at` (09:00 local time on the day before the start) is computed when the
event is saved, so the reminder sweep is one indexed query.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from heforshe.lib.pillars import Pillar
from pledges.models import TrackedSource


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Kind(models.TextChoices):
    NATIONAL_LAUNCH = "national_launch", _("National launch")
    CAMPUS_LAUNCH = "campus_launch", _("Campus launch")
    CONFERENCE = "conference", _("Conference")
    MEETING = "meeting", _("Meeting")
    ONLINE = "online", _("Online event")


class Precision(models.TextChoices):
    EXACT = "exact", _("Full address")
    CITY = "city", _("Town or city only")
    COUNTRY = "country", _("Country only")


class Event(TrackedSource, models.Model):
    SOURCE_PREFIX = "event"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    slug = models.SlugField(_("public slug"), max_length=80, unique=True)
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices, blank=True)
    title = models.CharField(_("title (English)"), max_length=200)
    description = models.TextField(_("description (English)"), max_length=5000, blank=True)
    # {"fr": {"title": "...", "description": "..."}}; English is the fallback.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("town or city"), max_length=120, blank=True)
    venue = models.CharField(_("venue and address"), max_length=300, blank=True)
    precision = models.CharField(
        _("show the place as"), max_length=8, choices=Precision.choices, default=Precision.EXACT
    )
    online_url = models.URLField(_("online link (shown to registered people only)"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=0, help_text=_("0: no limit."))
    # Language codes separated by commas ("en,fr"): filterable the same way on SQLite and PostgreSQL.
    languages = models.CharField(_("languages spoken"), max_length=100, blank=True)
    champions = models.ManyToManyField("champions.Champion", verbose_name=_("champions taking part"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["remind_at"], name="event_remind", condition=models.Q(status="published")),
        ]

    def __str__(self) -> str:
        return self.title

    def _localized(self, field: str) -> str:
        lang = (get_language() or "en").lower()
        value = (self.translations or {}).get(lang, {}).get(field)
        return value or getattr(self, field)

    @property
    def local_title(self) -> str:
        return self._localized("title")

    @property
    def local_description(self) -> str:
        return self._localized("description")

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names.get(code, code)) for code in self.language_list]

    @property
    def tz(self):
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.tz)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.tz)

    @property
    def public_place(self) -> str:
        """The place at the precision the organiser chose."""
        if self.kind == Kind.ONLINE and not self.venue:
            return str(_("Online"))
        country = self.country.name if self.country else ""
        if self.precision == Precision.COUNTRY:
            return country
        if self.precision == Precision.CITY:
            return ", ".join(p for p in (self.city, country) if p)
        return ", ".join(p for p in (self.venue, self.city, country) if p)


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for email confirmation")
        CONFIRMED = "confirmed", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), max_length=254)
    email_canonical = models.CharField(max_length=254, editable=False)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # The pledge taken in the same step (or the pledger who registered in one click).
    pledge = models.ForeignKey(
        "pledges.Pledge", null=True, blank=True, on_delete=models.SET_NULL, related_name="event_registrations"
    )
    token = models.CharField(max_length=40, default=new_token, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "email_canonical"], name="registration_once_per_event"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.name} → {self.event_id} ({self.status})"
