from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories")

    def ready(self) -> None:
        from heforshe.lib.audit import register_actions

        # One code per state a story moves to (story_transition logs "stories.<state>").
        register_actions(
            {
                "stories.draft": _("Story back to draft"),
                "stories.submitted": _("Story submitted"),
                "stories.in_review": _("Story taken into review"),
                "stories.changes_requested": _("Changes requested on a story"),
                "stories.approved": _("Story approved"),
                "stories.published": _("Story published"),
                "stories.rejected": _("Story rejected"),
                "stories.withdrawn": _("Story withdrawn"),
            }
        )
        from django.db.models.signals import post_delete, post_save

        from partners.models import Partner
        from stories.models import Consent, MediaFile, Rendition, Story

        # Saves and deletes of what a gallery card shows; the services' bulk updates call forget_gallery().
        for model in (Story, Consent, MediaFile, Rendition, Partner):
            post_save.connect(_gallery_changed, sender=model, dispatch_uid=f"stories-gallery-{model.__name__}")
            post_delete.connect(_gallery_changed, sender=model, dispatch_uid=f"stories-gallery-del-{model.__name__}")


def _gallery_changed(sender, **kwargs) -> None:
    from stories.selectors import forget_gallery

    forget_gallery()
