from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "solutions"
    verbose_name = _("Solutions")

    def ready(self) -> None:
        from heforshe.lib import privacy
        from heforshe.lib.audit import register_actions
        from solutions import services

        register_actions(
            {
                "solutions.challenge.opened": _("Challenge opened"),
                "solutions.hidden_by_reports": _("Hidden after reports, pending review"),
                "solutions.solution.hide": _("Solution hidden by a moderator"),
                "solutions.solution.restore": _("Solution restored by a moderator"),
                "solutions.solution.edit": _("Solution edited by a moderator"),
                "solutions.comment.hide": _("Comment hidden by a moderator"),
                "solutions.comment.restore": _("Comment restored by a moderator"),
                "solutions.outcome.recorded": _("Solution outcome recorded"),
                "solutions.amendment.accepted": _("Amendment accepted"),
                "solutions.amendment.rejected": _("Amendment rejected"),
                "solutions.amendment.hide": _("Amendment hidden by a moderator"),
                "solutions.amendment.restore": _("Amendment restored by a moderator"),
            }
        )
        privacy.register("solutions", export=services.privacy_export, erase=services.privacy_erase)
        from solutions.panels import register as register_panels

        register_panels()
