"""Pledges: one per person, counted only once confirmed.

The pledges issue extends this model (location, abuse controls, actions);
`partner` and `status`/`confirmed_at` are what partners count against.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Pledge(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        EXPIRED = "expired", _("Expired")
        INVALIDATED = "invalidated", _("Invalidated")

    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("email"), max_length=254)
    # Lower-cased, +tag stripped where the provider ignores it: one pledge per person.
    email_canonical = models.CharField(max_length=254, unique=True, editable=False)
    country = CountryField(_("country"))
    language = models.CharField(_("language"), max_length=10, default="en")
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        indexes = [
            models.Index(
                fields=["partner", "confirmed_at"],
                name="pledge_partner_confirmed",
                condition=models.Q(status="confirmed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="pledge_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.get_country_display()})"
