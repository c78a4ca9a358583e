"""A champion video's files leave storage with its row, however the row goes (rejected, replaced, cascaded)."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from champions.models import ChampionVideo
from heforshe.lib.storage import public_storage


@receiver(post_delete, sender=ChampionVideo, dispatch_uid="champions.video_files")
def delete_video_files(sender, instance: ChampionVideo, **kwargs) -> None:
    private = [instance.original.name, instance.poster, *[r["name"] for r in instance.renditions]]
    public = [instance.poster, *[r["name"] for r in instance.renditions]] if instance.is_public else []

    def delete() -> None:  # after the commit: a rolled-back delete keeps its files
        for name in filter(None, private):
            default_storage.delete(name)
        storage = public_storage()
        for name in filter(None, public):
            storage.delete(name)

    transaction.on_commit(delete)
