from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from heforshe.lib.audit import register_actions

        register_actions(
            {
                "partners.report_submitted": _("Progress report submitted"),
                "partners.report_returned": _("Progress report returned"),
                "partners.report_approved": _("Progress report approved"),
            }
        )
