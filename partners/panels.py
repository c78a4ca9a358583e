"""What other apps show on a partner's public page, without the partners app importing them.

An app registers a panel in its AppConfig.ready(): a template and a function that
returns its context for one partner. The page renders each in turn, so partners
depends on nobody; a sponsor's tier, for one, is shown this way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[object], dict | None]  # None: nothing to show for this partner


_PANELS: dict[str, Panel] = {}


def register(name: str, *, template: str, context: Callable[[object], dict | None]) -> None:
    _PANELS[name] = Panel(template=template, context=context)


def render_panels(*, partner, request=None) -> list[SafeString]:
    out = []
    for panel in _PANELS.values():
        context = panel.context(partner)
        if context is not None:
            # render_to_string escapes everything the panel's context carries.
            out.append(mark_safe(render_to_string(panel.template, context, request=request)))  # noqa: S308
    return out
