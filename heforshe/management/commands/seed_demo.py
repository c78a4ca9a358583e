"""Fill the site with realistic sample content. Safe to run again: it is idempotent.

Each app contributes through a `demo.py` module with a `seed(*, log)` function,
run in dependency order.
"""

from __future__ import annotations

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

APPS_IN_ORDER = [
    "heforshe",
    "partners",
    "pledges",
    "stories",
    "actionkits",
    "giving",
    "solutions",
    "newsletters",
    "commitments",
    "champions",
    "events",
]


class Command(BaseCommand):
    help = "Create demo partners, staff accounts, pledges, stories and action kits (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG=False.")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with known passwords; refusing with DEBUG=False (use --force)."
            )
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            try:
                with transaction.atomic():
                    module.seed(log=lambda msg, app=app: self.stdout.write(f"[{app}] {msg}"))
            except ModuleNotFoundError as exc:
                # The demo generators' packages are not runtime requirements.
                raise CommandError(
                    f"seed_demo needs {exc.name!r}: install the demo packages with "
                    "`pip install -r requirements-demo.txt` (make run does)."
                ) from exc
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
