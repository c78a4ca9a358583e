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
