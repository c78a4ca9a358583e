"""Make sure every file that is public has its copy in the public storage (idempotent; run after migrate)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from heforshe.lib.storage import copy_to_public


class Command(BaseCommand):
    help = "Copy public files stored before the public storage existed (partner logos) into it."

    def handle(self, *args, **options):
        from partners.models import Partner

        copied = 0
        for name in Partner.objects.exclude(logo="").values_list("logo", flat=True):
            copied += copy_to_public(name) is not None
        self.stdout.write(f"{copied} partner logos in the public storage.")
