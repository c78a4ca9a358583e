"""Bring media stored before the current rules in line with them: run once after upgrading.

Files stored under the old counter-based paths (`stories/renditions/<id>/…`,
`stories/posters/<id>.jpg`) move into each file's random folder, and photo
originals are stored again without location metadata. Safe to run again: files
already in place are left alone. Published stories' renditions get a new (still
public) URL once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from stories.models import MediaFile
from stories.services import media_secure_storage


class Command(BaseCommand):
    help = "Move story media to unguessable paths and strip location metadata from stored originals."

    def handle(self, *args, **options):
        ids = list(MediaFile.objects.order_by("pk").values_list("pk", flat=True))
        changed = sum(1 for media_id in ids if media_secure_storage(media_id=media_id))
        self.stdout.write(f"{changed} of {len(ids)} media file(s) updated")
