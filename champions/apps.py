from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = _("Champions")

    def ready(self) -> None:
        from champions import services
        from heforshe.lib import privacy
        from heforshe.lib.audit import register_actions

        privacy.register("champions", export=services.privacy_export, erase=services.privacy_erase)
        register_actions(
            {
                "champions.champion.created": _("Champion profile created"),
                "champions.champion.changed": _("Champion profile changed"),
                "champions.champion.published": _("Champion profile published"),
                "champions.champion.unpublished": _("Champion profile unpublished"),
                "champions.invitation.sent": _("Champion invited to edit their profile"),
                "champions.invitation.accepted": _("Champion invitation accepted"),
                "champions.revision.submitted": _("Champion statement change proposed"),
                "champions.revision.approved": _("Champion statement change approved"),
                "champions.revision.rejected": _("Champion statement change rejected"),
                "champions.video.added": _("Champion video uploaded"),
                "champions.video.approved": _("Champion video approved"),
                "champions.video.rejected": _("Champion video rejected"),
                "champions.video.published": _("Champion video shown on the page"),
            }
        )
        from champions import signals  # noqa: F401 - connects the video files' clean-up
        from champions.panels import register as register_panels

        register_panels()
