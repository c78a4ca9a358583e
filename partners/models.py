"""One organisation model for every kind of partner.

Civil-society partners who submit stories, IMPACT 10x10x10 champions
(governments, corporations, universities) and the audiences of the action
kits are all a `Partner`; people act for one through a `PartnerMembership`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def new_referral_code() -> str:
    # 8 characters of an unambiguous alphabet: short enough to read out, 10^12 space.
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CORPORATION = "corporation", _("Corporation")
    UNIVERSITY = "university", _("University")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    UN_AGENCY = "un_agency", _("UN agency")


IMPACT_SECTORS = (Sector.GOVERNMENT, Sector.CORPORATION, Sector.UNIVERSITY)


class Partner(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("public slug"), max_length=80, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, db_index=True)
    country = CountryField(_("country"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_impact_champion = models.BooleanField(
        _("IMPACT 10x10x10 champion"), default=False, help_text=_("Listed on the public champions page.")
    )
    referral_code = models.CharField(_("referral code"), max_length=16, unique=True, default=new_referral_code)
    signup_target = models.PositiveIntegerField(_("sign-up target"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), "sector", name="partner_unique_name_per_sector"),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerMembership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Partner admin")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")
        constraints = [
            # A person acts for one organisation: it keeps "a partner user sees
            # only their own organisation" a plain lookup.
            models.UniqueConstraint(fields=["user"], name="membership_one_partner_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.partner} ({self.get_role_display()})"
