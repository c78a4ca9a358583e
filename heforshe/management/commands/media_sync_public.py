"""Make sure every file that is public has its copy in the public storage (idempotent; run after migrate)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from heforshe.lib.storage import copy_to_public


class Command(BaseCommand):
    help = (
        "Copy public files stored before the public storage existed into it: partner logos, story share images,"
        " and the renditions and posters of published stories."
    )

    def handle(self, *args, **options):
        from partners.models import Partner
        from stories import services as stories
        from stories.models import Story, StoryState

        logos = sum(
            copy_to_public(name) is not None for name in Partner.objects.exclude(logo="").values_list("logo", flat=True)
        )
        published = Story.objects.filter(state=StoryState.PUBLISHED)
        shares = sum(
            copy_to_public(name) is not None
            for name in published.exclude(share_image="").values_list("share_image", flat=True)
        )
        media = sum(stories.story_media_publish(story_id=pk) for pk in published.values_list("pk", flat=True))
        self.stdout.write(
            f"In the public storage: {logos} partner logos, {shares} share images, media of published stories: {media}."
        )
