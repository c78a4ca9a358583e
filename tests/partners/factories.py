from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from partners.models import PartnerMembership, Sector
from partners.periods import Quarter
from partners.services import commitment_create, report_create
from pledges.models import Pledge
from tests.factories import MembershipFactory, PartnerFactory

_seq = itertools.count()


def university(**kwargs):
    return PartnerFactory(sector=Sector.UNIVERSITY, is_impact_champion=True, country="CA", **kwargs)


def partner_admin(partner=None, **kwargs):
    return MembershipFactory(partner=partner or university(), role=PartnerMembership.Role.ADMIN, **kwargs).user


def partner_member(partner, **kwargs):
    return MembershipFactory(partner=partner, role=PartnerMembership.Role.MEMBER, **kwargs).user


def confirmed_pledges(partner, n: int, *, when=None) -> None:
    now = when or timezone.now()
    for _ in range(n):
        i = next(_seq)
        Pledge.objects.create(
            first_name=f"Man {i}",
            email=f"man{i}@example.net",
            email_canonical=f"man{i}@example.net",
            country="CA",
            partner=partner,
            status="confirmed",
            confirmed_at=now,
        )


def commitment(partner, **fields):
    defaults = {
        "title": "Train first-year students",
        "indicator": "Students trained",
        "unit": "students",
        "target_value": 1000,
        "baseline": 0,
        "due_date": timezone.localdate() + dt.timedelta(days=200),
    }
    return commitment_create(partner=partner, **{**defaults, **fields})


def last_quarter() -> Quarter:
    return Quarter.containing(timezone.localdate()).previous()


def draft_report(partner, quarter: Quarter | None = None, actor=None):
    return report_create(partner=partner, quarter=quarter or last_quarter(), actor=actor)
