"""What the home page shows. Each app contributes through its selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from heforshe.lib.pillars import pillars
from pledges.selectors import pledge_total

LADDER = [
    (
        "awareness",
        _("Awareness"),
        _("Learn about gender inequality and how it affects the women and girls in your life."),
    ),
    ("advocacy", _("Advocacy"), _("Speak up: share what you learned and ask others to stand with you.")),
    ("action", _("Action"), _("Act: change how work and care are shared at home, at work and in your community.")),
]


PANELS_SECONDS = 60


def home_panels() -> list:
    """Upcoming events, champions, open challenges: each app's own panel, rendered once a minute per language.

    The page itself is re-rendered whenever the counts move (each second on a busy day); its panels
    need not be, so the page keeps costing no query.
    """
    from django.core.cache import cache
    from django.utils.translation import get_language

    from heforshe.lib.panels import render_panels

    key = f"home:panels:{get_language()}"
    panels = cache.get(key)
    if panels is None:
        panels = render_panels("home")
        cache.set(key, panels, PANELS_SECONDS)
    return panels


def home_context() -> dict:
    return {"pillars": pillars(), "ladder": LADDER, "pledge_total": pledge_total(), "panels": home_panels()}


def home_version() -> str:
    """What the home page was made from: the public counts (their ETag)."""
    try:
        from pledges.selectors import counts_snapshot
    except ImportError:
        return "-"
    return counts_snapshot()["etag"]
