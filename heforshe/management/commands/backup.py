"""Dump PostgreSQL and list every media object: `manage.py backup --output backups/`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heforshe import backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump -Fc) and write a manifest of the media objects with sizes and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Directory for the dump and the manifest.")
        parser.add_argument(
            "--media-only", action="store_true", help="Write only the media manifest (the dump is made elsewhere)."
        )
        parser.add_argument("--verify", metavar="MANIFEST", help="Check the media storages against a manifest.")

    def handle(self, *args, output: str, media_only: bool, verify: str | None, **options):
        try:
            if verify:
                problems = backup.verify_media(json.loads(Path(verify).read_text()))
                for problem in problems:
                    self.stderr.write(problem)
                if problems:
                    raise CommandError(f"{len(problems)} media objects differ from {verify}")
                self.stdout.write(self.style.SUCCESS("Every media object of the manifest is present and unchanged."))
                return
            dump, manifest_path, manifest = backup.backup(Path(output), database=not media_only)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if dump:
            self.stdout.write(f"database: {dump} ({dump.stat().st_size} bytes)")
        self.stdout.write(
            f"media: {manifest_path} ({manifest['media_objects']} objects, {manifest['media_bytes']} bytes)"
        )
