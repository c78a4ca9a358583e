"""What the home page shows. Each app contributes through its selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PILLARS = [
    (
        "economic",
        _("Women's economic empowerment"),
        _("Recognise, reduce and redistribute unpaid care work; equal pay for equal work."),
    ),
    (
        "violence",
        _("Ending violence against women"),
        _("Change your own attitudes and intervene when you witness discrimination or violence."),
    ),
    (
        "leadership",
        _("Governance and leadership"),
        _("Open the doors of parties, parliaments and boards to women leaders."),
    ),
    ("peace", _("Peace and security"), _("Bring women to the negotiating table and protect them in conflict.")),
]

LADDER = [
    (
        "awareness",
        _("Awareness"),
        _("Learn about gender inequality and how it affects the women and girls in your life."),
    ),
    ("advocacy", _("Advocacy"), _("Speak up: share what you learned and ask others to stand with you.")),
    ("action", _("Action"), _("Act: change how work and care are shared at home, at work and in your community.")),
]


def home_context() -> dict:
    context: dict = {"pillars": PILLARS, "ladder": LADDER, "pledge_total": None}
    try:
        from pledges.selectors import pledge_total
    except ImportError:
        return context
    context["pledge_total"] = pledge_total()
    return context
