from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from partners.models import Partner, PartnerMembership


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:70] or "partner"
    slug, n = base, 2
    while Partner.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def partner_create(*, name: str, sector: str, country: str = "", **fields) -> Partner:
    partner = Partner(
        name=name, sector=sector, country=country, slug=fields.pop("slug", "") or _unique_slug(name), **fields
    )
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def membership_set(*, user, partner: Partner, role: str = PartnerMembership.Role.MEMBER) -> PartnerMembership:
    membership, _created = PartnerMembership.objects.update_or_create(
        user=user, defaults={"partner": partner, "role": role}
    )
    return membership
