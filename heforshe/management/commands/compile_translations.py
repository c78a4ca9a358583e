"""Compile every .po catalogue of the project to .mo with Babel.

Django's compilemessages needs GNU gettext's msgfmt; this does the same with
a pure-Python package, so a fresh machine needs nothing but Python.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_paths() -> list[Path]:
    base = Path(settings.BASE_DIR)
    roots = [Path(path) for path in settings.LOCALE_PATHS] + [
        base / app / "locale"
        for app in (
            "pledges",
            "stories",
            "partners",
            "actionkits",
            "giving",
            "solutions",
            "newsletters",
            "commitments",
            "champions",
            "events",
        )
    ]
    return sorted(p for root in roots if root.exists() for p in root.glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po) into .mo files."

    def handle(self, *args, **options):
        count = 0
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as fh:
                try:
                    catalog = read_po(fh)
                except Exception as exc:  # noqa: BLE001 - report which file is broken
                    raise CommandError(f"{po_path}: {exc}") from exc
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
