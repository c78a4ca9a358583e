"""Commitments: adopted from the sector framework or written by the partner, and their status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partners.frameworks import framework_for
from partners.models import (
    Commitment,
    CommitmentStatus,
    Partner,
)


@transaction.atomic
def commitments_adopt_framework(*, partner: Partner, codes: Iterable[str] | None = None) -> list[Commitment]:
    """Create commitments from the sector framework; `codes` None adopts every action.

    Adopting again is harmless: actions already adopted are skipped (and the
    partial unique constraint would refuse a duplicate anyway).
    """
    actions = framework_for(partner.sector)
    if codes is not None:
        wanted = set(codes)
        unknown = wanted - {a.code for a in actions}
        if unknown:
            raise ValidationError(
                _("These actions are not part of your sector's framework: %(codes)s"),
                params={"codes": ", ".join(sorted(unknown))},
            )
        actions = [a for a in actions if a.code in wanted]
    existing = set(partner.commitments.exclude(framework_code="").values_list("framework_code", flat=True))
    start = partner.commitments.count()
    created = []
    for offset, action in enumerate(a for a in actions if a.code not in existing):
        commitment = Commitment(
            partner=partner,
            framework_code=action.code,
            pillar=action.pillar,
            position=start + offset,
        )
        commitment.full_clean()
        created.append(commitment)
    Commitment.objects.bulk_create(created)
    return created


def commitment_check_title(*, framework_code: str, title: str) -> None:
    """A framework commitment may keep the framework's wording; one of the partner's own needs a title."""
    if not framework_code and not (title or "").strip():
        raise ValidationError({"title": _("A commitment of your own needs a title.")})


COMMITMENT_FIELDS = ("pillar", "title", "description", "indicator", "baseline", "target_value", "unit", "due_date")


@transaction.atomic
def commitment_create(*, partner: Partner, **fields) -> Commitment:
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {unknown}")
    commitment_check_title(framework_code="", title=fields.get("title", ""))
    commitment = Commitment(partner=partner, position=partner.commitments.count(), **fields)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def commitment_update(*, commitment: Commitment, **fields) -> Commitment:
    unknown = set(fields) - set(COMMITMENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields {unknown}")
    for name, value in fields.items():
        setattr(commitment, name, value)
    commitment_check_title(framework_code=commitment.framework_code, title=commitment.title)
    commitment.full_clean()
    commitment.save(update_fields=[*fields, "updated_at"])
    return commitment


def derive_commitment_status(*, commitment: Commitment, value: Decimal, on: dt.date) -> str:
    """On track / at risk / off track from the value against a straight line to the target.

    The expected value on `on` lies on the line from the baseline (when the
    commitment was made) to the target (on its due date). Reaching 90% of the
    expected progress is on track, 60% at risk, less is off track. Targets
    below the baseline (reducing something) work the same way, mirrored.
    """
    target, baseline = commitment.target_value, commitment.baseline
    if target is None:
        return CommitmentStatus.ON_TRACK
    direction = 1 if target >= baseline else -1
    if (value - target) * direction >= 0:
        return CommitmentStatus.ACHIEVED
    start = commitment.created_at.date() if commitment.created_at else on
    if commitment.due_date and commitment.due_date > start:
        fraction = (on - start).days / (commitment.due_date - start).days
        fraction = Decimal(str(max(0.0, min(1.0, fraction))))
    else:
        fraction = Decimal(1)
    expected_gain = (target - baseline) * fraction * direction
    gain = (value - baseline) * direction
    if expected_gain <= 0:
        return CommitmentStatus.ON_TRACK
    ratio = gain / expected_gain
    if ratio >= Decimal("0.9"):
        return CommitmentStatus.ON_TRACK
    if ratio >= Decimal("0.6"):
        return CommitmentStatus.AT_RISK
    return CommitmentStatus.OFF_TRACK
