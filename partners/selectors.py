from __future__ import annotations

from django.db.models import QuerySet

from partners.models import Partner, PartnerMembership


def membership_for_user(*, user) -> PartnerMembership | None:
    """The user's membership with its partner, or None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PartnerMembership.objects.select_related("partner").filter(user=user, partner__is_active=True).first()


def partner_for_user(*, user) -> Partner | None:
    membership = membership_for_user(user=user)
    return membership.partner if membership else None


def partner_by_referral_code(*, code: str) -> Partner | None:
    if not code:
        return None
    return Partner.objects.filter(referral_code=code.strip().lower(), is_active=True).first()


def partners_public() -> QuerySet[Partner]:
    return Partner.objects.filter(is_active=True)
