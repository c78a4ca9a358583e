"""A partner's Commitments app: its co-branded page, intranet domains, widget sites and API tokens.

The pledges themselves (and who brought them) live in `pledges`; this app
holds what a partner configures, and reads counts through `pledges.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as # and six hexadecimal digits, e.g. #5b2a86."))


class Review(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


class CommitmentsPage(models.Model):
    """The co-branding of a partner's page and widgets: colour and a message per language."""

    partner = models.OneToOneField("partners.Partner", on_delete=models.CASCADE, related_name="commitments_page")
    colour = models.CharField(_("colour"), max_length=7, default="#5b2a86", validators=[HEX_COLOUR])
    # {"en": "...", "fr": "..."}; the English one (or the first given) is the fallback.
    messages = models.JSONField(_("message per language"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Commitments page")
        verbose_name_plural = _("Commitments pages")
        constraints = [
            models.CheckConstraint(condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="page_colour_hex")
        ]

    def __str__(self) -> str:
        return str(self.partner)

    @property
    def message(self) -> str:
        lang = (get_language() or "en").lower()
        found = self.messages or {}
        return found.get(lang) or found.get("en") or next((v for v in found.values() if v), "")


class _Reviewed(models.Model):
    status = models.CharField(_("status"), max_length=10, choices=Review.choices, default=Review.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        abstract = True


class PartnerDomain(_Reviewed):
    """An email domain of a partner; once staff approve it, sign-ups from it count as the partner's members."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(_("email domain"), max_length=253)

    class Meta:
        verbose_name = _("partner email domain")
        verbose_name_plural = _("partner email domains")
        ordering = ["domain"]
        permissions = [("review_partnerdomain", _("Can approve partner email domains and widget sites"))]
        constraints = [
            # A domain belongs to one organisation: a second claim waits until the first is refused.
            models.UniqueConstraint(
                Lower("domain"), condition=~models.Q(status="rejected"), name="domain_claimed_once"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class EmbedOrigin(_Reviewed):
    """A site (scheme, host, port) allowed to frame the partner's widgets once staff approve it."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="embed_origins")
    origin = models.CharField(_("site"), max_length=200)

    class Meta:
        verbose_name = _("widget site")
        verbose_name_plural = _("widget sites")
        ordering = ["origin"]
        constraints = [
            models.UniqueConstraint(
                "partner", Lower("origin"), condition=~models.Q(status="rejected"), name="origin_once_per_partner"
            ),
        ]

    def __str__(self) -> str:
        return self.origin


class ApiToken(models.Model):
    """A partner's API token: shown once, stored as a SHA-256 of its secret, scoped to the partner."""

    class Scope(models.TextChoices):
        SIGNUPS_WRITE = "signups:write", _("Submit sign-ups")

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    # The first characters, to recognise a token in the list and in the audit log.
    prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiSignup(models.Model):
    """One sign-up sent through the API, by its external id: the same id twice is one sign-up."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Pledge created, confirmation sent")
        KNOWN = "known", _("Already pledged")

    partner = models.ForeignKey("partners.Partner", on_delete=models.CASCADE, related_name="api_signups")
    token = models.ForeignKey(ApiToken, null=True, on_delete=models.SET_NULL, related_name="signups")
    external_id = models.CharField(max_length=100)
    pledge_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API sign-up")
        verbose_name_plural = _("API sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="api_signup_once_per_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.external_id}"
