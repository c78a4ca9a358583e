"""What the solutions app shows on other apps' pages (heforshe.lib.panels)."""

from __future__ import annotations

from heforshe.lib import panels

HOME_CHALLENGES = 3


def home_challenges() -> dict | None:
    from solutions.selectors import challenges_with_counts

    challenges = [c for c in challenges_with_counts() if c.is_open()][:HOME_CHALLENGES]
    return {"challenges": challenges} if challenges else None


def register() -> None:
    panels.register("home", "solutions.open", template="solutions/_home_panel.html", context=home_challenges, order=40)
