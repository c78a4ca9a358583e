"""The four pillars of the HeForShe strategy, shared by pledges and stories.

Action kits store their own codes (different keys, kept for their existing rows).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Pillar(models.TextChoices):
    ECONOMIC = "economic", _("Women's economic empowerment")
    VIOLENCE = "violence", _("Ending violence against women")
    LEADERSHIP = "leadership", _("Governance and leadership")
    PEACE = "peace", _("Peace and security")
