"""The four pillars of the HeForShe strategy: the one definition every app uses.

Pledge actions, stories, action kits and partner commitments store these codes. Partner
commitments add two framework areas of their own (mobilisation, education) that are not
pillars; see partners.models.FrameworkArea.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Pillar(models.TextChoices):
    ECONOMIC = "economic", _("Women's economic empowerment")
    VIOLENCE = "violence", _("Ending violence against women")
    LEADERSHIP = "leadership", _("Governance and leadership")
    PEACE = "peace", _("Peace and security")


DESCRIPTIONS: dict[str, Promise] = {
    Pillar.ECONOMIC: _("Recognise, reduce and redistribute unpaid care work; equal pay for equal work."),
    Pillar.VIOLENCE: _("Change your own attitudes and intervene when you witness discrimination or violence."),
    Pillar.LEADERSHIP: _("Open the doors of parties, parliaments and boards to women leaders."),
    Pillar.PEACE: _("Bring women to the negotiating table and protect them in conflict."),
}


@dataclass(frozen=True)
class PillarInfo:
    code: str
    label: Promise
    description: Promise


def pillars() -> list[PillarInfo]:
    """The four pillars in their order, with label and description (translated when rendered)."""
    return [PillarInfo(p.value, p.label, DESCRIPTIONS[p]) for p in Pillar]
