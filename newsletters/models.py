"""Newsletters to pledgers who asked for them, one delivery row per recipient, and the suppression list.

A newsletter is written per language (English required, the fallback); its segment is stored on it
(countries, languages, partners, ladder level, pledge dates, and filters other apps register, see
`newsletters.segments`). Sending materialises one `Delivery` per recipient, unique per
(newsletter, pledge): a send started twice, or resumed after a crash, can never add a second row.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    NEWS = "news", _("Campaign news")
    ACTIONS = "actions", _("Calls to action")
    EVENTS = "events", _("Events")


class Newsletter(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    class Ladder(models.TextChoices):
        ANY = "", _("Any (signed the pledge)")
        AWARENESS = "awareness", _("Recorded an awareness action or more")
        ADVOCACY = "advocacy", _("Recorded an advocacy action or more")
        ACTION = "action", _("Recorded an action-level action")

    name = models.CharField(_("internal name"), max_length=120)
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices, default=Topic.NEWS)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    # The segment. Empty lists mean "everyone".
    countries = models.JSONField(_("countries"), default=list, blank=True, help_text=_("ISO codes, e.g. KE, FR"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    partners = models.ManyToManyField(
        "partners.Partner", verbose_name=_("signed through partners"), blank=True, related_name="+"
    )
    ladder_level = models.CharField(_("ladder level"), max_length=10, choices=Ladder.choices, blank=True)
    pledged_from = models.DateField(_("pledged on or after"), null=True, blank=True)
    pledged_until = models.DateField(_("pledged on or before"), null=True, blank=True)
    # Filters registered by other apps ({"events": [3, 5]}), see newsletters.segments.register.
    extra_segments = models.JSONField(_("other segments"), default=dict, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    # The one batch sending now, and until when its lease holds (renewed while it sends). A batch of a
    # worker that died stops renewing; the beat's resume sweep takes its rows back once the lease is over.
    batch_claim = models.UUIDField(null=True, blank=True, editable=False)
    batch_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]
        permissions = [("send_newsletter", _("Can send and schedule newsletters"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(scheduled_for__isnull=False),
                name="newsletter_scheduled_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.name


class NewsletterTranslation(models.Model):
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=150)
    preheader = models.CharField(_("preview text"), max_length=150, blank=True)
    # Stored as sanitised HTML (nh3): only the tags of a letter, no script, style or event handlers.
    body = models.TextField(_("body (HTML)"))

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["newsletter", "language"], name="newsletter_translation_once")]

    def __str__(self) -> str:
        return f"{self.newsletter} ({self.language})"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Handed to the mail server")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (suppressed or unsubscribed)")
        UNKNOWN = "unknown", _("Unknown (interrupted)")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    pledge = models.ForeignKey("pledges.Pledge", on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254)
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    esp_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["newsletter", "pledge"], name="delivery_once_per_recipient")]
        indexes = [
            models.Index(fields=["newsletter", "id"], name="delivery_pending", condition=models.Q(status="pending")),
            models.Index(fields=["claimed_at"], name="delivery_sending", condition=models.Q(status="sending")),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter_id} -> {self.pledge_id}: {self.status}"


class Suppression(models.Model):
    """An address no bulk email goes to again, and no repeated confirmation either."""

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Hard bounce")
        COMPLAINED = "complained", _("Spam complaint")
        REFUSED = "refused", _("Refused by the mail server")

    email_canonical = models.CharField(max_length=254, unique=True)
    email_domain = models.CharField(_("domain"), max_length=253, db_index=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    source = models.CharField(_("reported by"), max_length=40)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("suppressed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email_canonical} ({self.reason})"


class Preference(models.Model):
    """What a pledger chose on the preference page. No row: every topic, in the pledge's language."""

    pledge = models.OneToOneField("pledges.Pledge", on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    english_fallback = models.BooleanField(_("English when my language is missing"), default=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self) -> str:
        return f"{self.pledge_id}"


class StaffDigest(models.Model):
    """A staff member's daily digest: language and the day it last went out (once a day, whatever retries)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    enabled = models.BooleanField(_("send the daily digest"), default=True)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("staff digest")
        verbose_name_plural = _("staff digests")

    def __str__(self) -> str:
        return str(self.user)


def new_claim() -> uuid.UUID:
    return uuid.uuid4()
