"""Restore a dump made by `manage.py backup` into an empty database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heforshe import backup


class Command(BaseCommand):
    help = "pg_restore a dump into an empty database: the configured one, or --database-url."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="A .dump file written by manage.py backup.")
        parser.add_argument("--database-url", help="Restore there instead of into DATABASE_URL.")
        parser.add_argument("--create", action="store_true", help="Create the database first (createdb).")

    def handle(self, *args, dump: str, database_url: str | None, create: bool, **options):
        database = backup.database_from_url(database_url) if database_url else settings.DATABASES["default"]
        try:
            if create:
                backup.create_database(database)
            backup.restore_database(Path(dump), database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {dump} into {database['NAME']}."))
