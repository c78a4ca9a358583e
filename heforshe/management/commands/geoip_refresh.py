"""Download the current GeoLite2 City database to GEOIP_PATH (run it weekly, e.g. from cron)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from heforshe.lib import geoip


class Command(BaseCommand):
    help = "Download the current MaxMind GeoLite2 City database to GEOIP_PATH (needs MAXMIND_ACCOUNT_ID and MAXMIND_LICENSE_KEY)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--archive", help="Install from a GeoLite2-City .tar.gz already downloaded instead of downloading it."
        )
        parser.add_argument("--sha256", help="With --archive: the SHA-256 the archive must have.")

    def handle(self, *args, archive: str | None = None, sha256: str | None = None, **options):
        if not settings.GEOIP_PATH:
            raise CommandError("Set GEOIP_PATH to where the GeoLite2 City database should be kept.")
        target = Path(settings.GEOIP_PATH)
        try:
            if archive:
                installed = geoip.install_from_archive(Path(archive), target, sha256=sha256.lower() if sha256 else None)
            else:
                if not (settings.MAXMIND_ACCOUNT_ID and settings.MAXMIND_LICENSE_KEY):
                    raise CommandError(
                        "Set MAXMIND_ACCOUNT_ID and MAXMIND_LICENSE_KEY (a free GeoLite2 account at maxmind.com)."
                    )
                installed = geoip.refresh(
                    target=target,
                    base_url=settings.GEOIP_DOWNLOAD_URL,
                    account_id=settings.MAXMIND_ACCOUNT_ID,
                    license_key=settings.MAXMIND_LICENSE_KEY,
                )
        except geoip.GeoIPRefreshError as exc:
            raise CommandError(f"GeoIP database not refreshed ({target} is unchanged): {exc}") from exc
        built = dt.datetime.fromtimestamp(installed.build_epoch, tz=dt.UTC).date().isoformat()
        self.stdout.write(self.style.SUCCESS(f"{installed.database_type} built {built} installed at {installed.path}"))
