"""Personal data of one person across every app, for the privacy export and erasure.

A person who pledged is known by an email address. Each app that stores something about such a
person registers a section in its `AppConfig.ready()`:

    privacy.register("events", export=registrations_export, erase=registrations_erase)

`export(email)` returns JSON-ready data (or None when it holds nothing); `erase(email)` removes or
anonymises it and is idempotent. The pledge's own export and erasure call `export_person` and
`erase_person`, so a new app is covered by registering, never by editing the pledges app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction


@dataclass(frozen=True)
class Section:
    name: str
    export: Callable[[str], Any]
    erase: Callable[[str], None]


_SECTIONS: dict[str, Section] = {}


def register(name: str, *, export: Callable[[str], Any], erase: Callable[[str], None]) -> None:
    """Declare an app's personal data; registering the same name again replaces it (reloads)."""
    _SECTIONS[name] = Section(name=name, export=export, erase=erase)


def sections() -> list[str]:
    return sorted(_SECTIONS)


def export_person(*, email: str, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every registered app's data about `email`, keyed by section; empty sections are left out."""
    if not email:
        return {}
    result = {}
    for name in sections():
        if name in exclude:
            continue
        data = _SECTIONS[name].export(email)
        if data:
            result[name] = data
    return result


def erase_person(*, email: str, exclude: tuple[str, ...] = ()) -> None:
    """Erase `email` from every registered app, all or nothing."""
    if not email:
        return
    with transaction.atomic():
        for name in sections():
            if name not in exclude:
                _SECTIONS[name].erase(email)
