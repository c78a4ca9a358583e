"""Panels one app shows on another app's page, so the page's app imports nobody.

An app registers a panel for a slot in its AppConfig.ready(): a template and a
function that returns its context (None: nothing to show). The page renders
the slot's panels in turn. Slots today: "partner" (a partner's public page,
given the partner: a sponsor's tier, for one) and "home" (the home page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[..., dict | None]
    order: int


_SLOTS: dict[str, dict[str, Panel]] = {}


def register(slot: str, name: str, *, template: str, context: Callable[..., dict | None], order: int = 50) -> None:
    _SLOTS.setdefault(slot, {})[name] = Panel(template=template, context=context, order=order)


def render_panels(slot: str, *, request=None, **kwargs) -> list[SafeString]:
    out = []
    for panel in sorted(_SLOTS.get(slot, {}).values(), key=lambda p: p.order):
        context = panel.context(**kwargs)
        if context is not None:
            # render_to_string escapes everything the panel's context carries.
            out.append(mark_safe(render_to_string(panel.template, context, request=request)))  # noqa: S308
    return out
